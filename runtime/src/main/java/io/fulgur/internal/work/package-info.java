/**
 * Internal: the work actor ({@link io.fulgur.internal.work.WorkActor}) that runs a work's calls
 * one at a time on a thread of its own, syncs its state to the flow, and ships what it prints.
 */
package io.fulgur.internal.work;
