/**
 * Internal: the work actor ({@link io.fulgur.internal.work.WorkActor}) that runs a work's calls one
 * at a time on a thread of its own ({@link io.fulgur.internal.work.CallRunner}), syncs its state to
 * the flow ({@link io.fulgur.internal.work.StateReporter}), and ships what it prints ({@link
 * io.fulgur.internal.work.OutputShipper}).
 */
package io.fulgur.internal.work;
