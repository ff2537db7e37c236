/**
 * Internal: the messages between the flow, the hosts and the works (records, serialised with
 * Pekko's Jackson CBOR serializer through {@link io.fulgur.internal.protocol.CborSerializable}),
 * and the JSON handling of user inputs and state ({@link io.fulgur.internal.protocol.Json},
 * {@link io.fulgur.internal.protocol.StateCodec}).
 */
package io.fulgur.internal.protocol;
