/**
 * The reliable stream each way between an app's flow and a node's host: numbered messages, kept
 * until acknowledged and sent again until they are, delivered once and in order, within a window.
 * Plain classes: the flow actor and the host actor drive them (docs/architecture.md, "The
 * channel"), and batch what they send with the same {@link io.fulgur.internal.channel.Outbox}.
 */
package io.fulgur.internal.channel;
