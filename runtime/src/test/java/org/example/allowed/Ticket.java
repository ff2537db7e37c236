package org.example.allowed;

/** A value class in a package the instance tests list in {@code allowed-packages}. */
public record Ticket(String seat, int row) {}
