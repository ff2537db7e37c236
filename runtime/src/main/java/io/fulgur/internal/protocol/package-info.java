/**
 * Internal: the messages between the flow, the hosts and the works, the wire format of those that
 * cross nodes ({@link io.fulgur.internal.protocol.WireSerializer} and {@link
 * io.fulgur.internal.protocol.WireItems}, its codes in {@link
 * io.fulgur.internal.protocol.WireTags}), and how user data travels: inputs and state as JSON
 * ({@link io.fulgur.internal.protocol.Json}, {@link io.fulgur.internal.protocol.StateCodec}), a
 * work's instance ({@link io.fulgur.internal.protocol.InstanceCodec}) and generic input classes
 * ({@link io.fulgur.internal.protocol.InputTypes}).
 */
package io.fulgur.internal.protocol;
