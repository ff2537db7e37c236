package io.fulgur;

import java.time.Instant;

/**
 * One entry of a work's status history: the status it entered, when, and why.
 *
 * @param status the status entered
 * @param at when the flow's node recorded the change
 * @param reason why, for PENDING ({@code placing}, {@code queued}, {@code no_node_with_role},
 *     {@code node_lost_retrying}), FAILED ({@code user_exception}, {@code node_lost}, {@code
 *     no_node_with_role}, {@code placement_failed}, {@code input_error}, {@code input_too_large},
 *     {@code state_too_large}) and STOPPED ({@code stopped_by_flow}, {@code app_ended}); {@code
 *     null} for RUNNING and SUCCEEDED
 */
public record StatusChange(WorkStatus status, Instant at, String reason) {}
