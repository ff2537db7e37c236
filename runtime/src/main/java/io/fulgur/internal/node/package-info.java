/**
 * Internal: a Fulgur node (one Pekko ActorSystem in the cluster) and its host actor, which is
 * registered with the Receptionist under the node's roles and creates work actors on request.
 */
package io.fulgur.internal.node;
