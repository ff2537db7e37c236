/**
 * Fulgur's internals: not public API. Nothing here is covered by compatibility promises; user code
 * must use {@code io.fulgur} only.
 *
 * <p>The way of a call: {@code io.fulgur.Work#run} -> {@link io.fulgur.internal.flow} (the flow
 * actor and its passes) -> {@link io.fulgur.internal.node} (each node's host actor, placement by
 * role) -> {@link io.fulgur.internal.work} (the work actor and the thread that runs {@code onRun}).
 * The messages between them, and their serialization, live in {@link io.fulgur.internal.protocol}.
 * Flow and hosts exchange batches: the flow's commands for a host, and a host's events of its
 * works.
 */
package io.fulgur.internal;
