package io.fulgur.internal.work;

import io.fulgur.internal.Settings;
import io.fulgur.internal.dispatch.NodeThreads;
import io.fulgur.internal.protocol.HostMessage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a node gives every work actor it makes, shared by the node's works: the host, the threads of
 * calls, the output budget, the settings and the node's address.
 *
 * @param host the node's host, which batches the works' events to their flows
 * @param calls the threads that run calls
 * @param outputBudget the memory the node's works may hold in lines not yet printed
 * @param settings the node's settings
 * @param address this node's address (a work's instance learns it)
 */
public record NodeResources(
    ActorRef<HostMessage> host,
    NodeThreads calls,
    OutputBudget outputBudget,
    Settings settings,
    String address) {}
