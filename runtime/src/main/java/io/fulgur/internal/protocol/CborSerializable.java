package io.fulgur.internal.protocol;

/** Marker: serialised with Pekko's {@code jackson-cbor} serializer (bound in reference.conf). */
public interface CborSerializable {}
