/**
 * Internal: the threads a node runs on. Fulgur's executors for Pekko's dispatchers (the node's
 * threads, the flow's, pekko-io's selector on the node's threads), the runner threads calls run on,
 * and the threading mode ({@code fulgur.node.custom-threading}) that turns them all off.
 */
package io.fulgur.internal.dispatch;
