package org.example.foreign;

/**
 * A value class outside the test works' package: refused as a generic work's input unless its
 * package is in {@code fulgur.serialization.allowed-packages}.
 */
public record Parcel(String label, int weight) {}
