package io.fulgur.internal.flow;

import io.fulgur.internal.Settings;
import io.fulgur.internal.channel.AssociationWindows;
import io.fulgur.internal.channel.Outbox;
import io.fulgur.internal.node.NodeSystem;
import io.fulgur.internal.protocol.AppToken;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.WireSize;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The flow's traffic with the hosts of its works: commands go out batched per host ({@link Outbox})
 * on the app's channels ({@link HostChannels}), and the hosts' events come in through the {@link
 * OutputGate}, which holds an event back until the output before it is printed. Runs inside the
 * flow actor, on its thread.
 */
final class HostTraffic {

  /** Sends what waits in the outbox: the flow has handled what its mailbox held before. */
  enum FlushOut implements FlowMessage.Internal {
    INSTANCE
  }

  private final ActorRef<FlowMessage> self;
  private final HostChannels channels;
  private final Outbox<ActorRef<HostMessage>, HostMessage.Command, Void> outbox;
  private final OutputGate output;
  private final OutputGate.Sink events;

  /** The traffic of app {@code appId}; each event that comes in is given to {@code onEvent}. */
  HostTraffic(
      ActorContext<FlowMessage> context,
      TimerScheduler<FlowMessage> timers,
      Settings settings,
      String appId,
      AppToken token,
      Consumer<FlowMessage.Event> onEvent) {
    this.self = context.getSelf();
    this.channels =
        new HostChannels(
            appId, token, self, settings, timers, AssociationWindows.get(context.getSystem()));
    this.outbox =
        new Outbox<>(
            HostMessage.MAX_BATCH,
            settings.messageBudget(),
            command -> WireSize.of(command),
            (host, batch, tags, first) -> channels.send(host, batch, first));
    this.output =
        new OutputGate(
            context.spawn(OutputPrinter.create(), "output", NodeSystem.OUTPUT_DISPATCHER), self);
    this.events =
        new OutputGate.Sink() {
          @Override
          public void event(FlowMessage.Event event) {
            onEvent.accept(event);
          }

          @Override
          public void handled(ActorRef<HostMessage> host, long seq, boolean printed) {
            channels.handled(host, seq, printed);
          }
        };
  }

  /** The app's channels, for their acks and timers. */
  HostChannels channels() {
    return channels;
  }

  /** Sends a command to a host, batched with the others sent while the mailbox is handled. */
  void send(ActorRef<HostMessage> host, HostMessage.Command command) {
    if (outbox.add(host, command, null)) {
      self.tell(FlushOut.INSTANCE);
    }
  }

  /** Sends every command that waits. */
  void flush() {
    outbox.flush();
  }

  /** A host's events, handled one by one in the order the works sent them. */
  void onBatch(FlowMessage.Batch batch) {
    if (channels.accept(batch)) {
      output.accept(batch, events);
    }
  }

  /** The printer printed the lines of {@code printed}: the events after them may go on. */
  void onPrinted(OutputPrinter.Printed printed) {
    output.printed(printed.ticket(), events);
  }

  /** {@code host}'s node is gone: its channel, its held events and its waiting commands go. */
  void hostLost(ActorRef<HostMessage> host) {
    channels.remove(host);
    output.forget(host);
    outbox.remove(host);
  }

  /** The flow stops: every channel gives its room on its connection back. */
  void closeAll() {
    channels.closeAll();
  }
}
