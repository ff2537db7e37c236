/**
 * Internal: a Fulgur node (one Pekko ActorSystem in the cluster) and its host actor, which is
 * registered with the Receptionist under the node's roles, makes and reuses work actors ({@link
 * io.fulgur.internal.node.WorkActors}) and keeps a channel with each app's flow ({@link
 * io.fulgur.internal.node.AppLinks}).
 */
package io.fulgur.internal.node;
