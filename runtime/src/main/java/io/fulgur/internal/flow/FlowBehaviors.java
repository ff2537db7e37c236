package io.fulgur.internal.flow;

import io.fulgur.internal.protocol.FlowMessage;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;

/**
 * The flow actor's behaviour in each phase of its app: which messages a phase handles, and how.
 * Every phase takes the channels' traffic and the hosts' comings and goings; only a running app
 * runs passes and places works, and only an ending one waits for its works' release. Each handler's
 * exception ends the app ({@link FlowActor#onHandlerFailed}).
 */
final class FlowBehaviors {

  private FlowBehaviors() {}

  /** Before the node is up in its cluster: no pass runs yet. */
  static Behavior<FlowMessage> starting(FlowActor flow) {
    return guarded(
        flow,
        common(flow)
            .onMessageEquals(FlowActor.MemberUp.INSTANCE, flow::onMemberUp)
            .onMessage(WorkPlacer.HostsChanged.class, changed -> listed(flow, changed)));
  }

  /** Passes run, works are placed and their calls sent. */
  static Behavior<FlowMessage> running(FlowActor flow) {
    WorkPlacer placer = flow.placer();
    return guarded(
        flow,
        common(flow)
            .onMessageEquals(FlowActor.RunPass.INSTANCE, flow::onRunPass)
            .onMessage(
                WorkPlacer.HostsChanged.class,
                changed -> {
                  placer.onHostsChanged(changed, true);
                  return flow.next();
                })
            .onMessage(
                WorkPlacer.ListingSettled.class,
                settled -> {
                  placer.onListingSettled(settled);
                  return flow.next();
                })
            .onMessage(
                WorkPlacer.WarnNoNode.class,
                warn -> {
                  placer.onWarnNoNode(warn);
                  return flow.next();
                })
            .onMessage(
                WorkPlacer.PlacementTimeout.class,
                timeout -> {
                  placer.onPlacementTimeout(timeout);
                  return flow.next();
                }));
  }

  /** The outcome is decided: the works are released, nothing new is placed. */
  static Behavior<FlowMessage> ending(FlowActor flow) {
    return guarded(
        flow,
        common(flow)
            .onMessageEquals(FlowActor.StopTimeout.INSTANCE, flow::onStopTimeout)
            .onMessage(WorkPlacer.HostsChanged.class, changed -> listed(flow, changed))
            .onMessageEquals(FlowActor.RunPass.INSTANCE, flow::next)
            .onMessage(WorkPlacer.ListingSettled.class, m -> flow.next())
            .onMessage(WorkPlacer.WarnNoNode.class, m -> flow.next())
            .onMessage(WorkPlacer.PlacementTimeout.class, m -> flow.next()));
  }

  /** Takes in a role's new listing without placing anything. */
  private static Behavior<FlowMessage> listed(FlowActor flow, WorkPlacer.HostsChanged changed) {
    flow.placer().onHostsChanged(changed, false);
    return flow.next();
  }

  /** What every phase handles. */
  private static ReceiveBuilder<FlowMessage> common(FlowActor flow) {
    HostTraffic traffic = flow.traffic();
    HostChannels channels = traffic.channels();
    return ReceiveBuilder.<FlowMessage>create()
        .onMessage(
            FlowMessage.Batch.class,
            batch -> {
              traffic.onBatch(batch);
              return flow.next();
            })
        .onMessage(
            FlowMessage.Ack.class,
            ack -> {
              channels.acked(ack);
              return flow.next();
            })
        .onMessage(
            OutputPrinter.Printed.class,
            printed -> {
              traffic.onPrinted(printed);
              return flow.next();
            })
        .onMessageEquals(
            HostTraffic.FlushOut.INSTANCE,
            () -> {
              traffic.flush();
              return flow.next();
            })
        .onMessageEquals(
            HostChannels.Tick.ACKS,
            () -> {
              channels.sendOwedAcks();
              return flow.next();
            })
        .onMessageEquals(
            HostChannels.Tick.RESENDS,
            () -> {
              channels.resendDue();
              return flow.next();
            })
        .onMessageEquals(
            HostChannels.Tick.ROOM,
            () -> {
              channels.sendWaiting();
              return flow.next();
            })
        .onMessage(FlowActor.OwnEvent.class, flow::onOwnEvent)
        .onMessage(WorkPlacer.HostTerminated.class, flow::onHostTerminated)
        .onSignal(PostStop.class, signal -> flow.onPostStop());
  }

  private static Behavior<FlowMessage> guarded(
      FlowActor flow, ReceiveBuilder<FlowMessage> receive) {
    return GuardedReceive.behavior(flow.context(), receive.build(), flow::onHandlerFailed);
  }
}
