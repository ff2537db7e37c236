/**
 * Internal: the flow actor ({@link io.fulgur.internal.flow.FlowActor}) that runs the passes of an
 * app's root flow, keeps the flow's view of every work's calls, places works on nodes by role, and
 * prints the works' output.
 */
package io.fulgur.internal.flow;
