package io.fulgur;

import java.time.Instant;

/**
 * One entry of a work's status history: the status it entered, when, and why.
 *
 * @param status the status entered
 * @param at when the flow's node recorded the change
 * @param reason why, for PENDING, FAILED and STOPPED (for example {@code user_exception},
 *     {@code node_lost}, {@code no_node_with_role}, {@code stopped_by_flow}); {@code null} otherwise
 */
public record StatusChange(WorkStatus status, Instant at, String reason) {}
