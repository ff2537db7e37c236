/**
 * Internal: the flow actor ({@link io.fulgur.internal.flow.FlowActor}) of an app, through its
 * phases; the passes of the app's root flow ({@link io.fulgur.internal.flow.FlowPass}); where works
 * go ({@link io.fulgur.internal.flow.Placement}, a plain policy) and how they get there ({@link
 * io.fulgur.internal.flow.WorkPlacer}); what the works' events do to their calls ({@link
 * io.fulgur.internal.flow.WorkEvents}); the traffic with the hosts and the printing of the works'
 * output.
 */
package io.fulgur.internal.flow;
