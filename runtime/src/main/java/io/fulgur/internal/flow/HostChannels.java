package io.fulgur.internal.flow;

import io.fulgur.internal.Settings;
import io.fulgur.internal.channel.AssociationWindows;
import io.fulgur.internal.channel.ChannelReceiver;
import io.fulgur.internal.channel.ChannelSender;
import io.fulgur.internal.channel.LossHook;
import io.fulgur.internal.dispatch.NodeThreads;
import io.fulgur.internal.protocol.AppToken;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The flow's ends of its channels, one per host it sent commands to: commands go numbered and are
 * sent again until the host acknowledges them; a host's events are taken once each, in order, and
 * acknowledged on the next commands to that host or alone after {@code fulgur.channel.ack-delay}. A
 * host that is gone (its node left the cluster) takes its channel with it ({@link #remove}).
 */
final class HostChannels {

  /** The flow's timers of its channels, and the wake-up when a node's connection has room. */
  enum Tick implements FlowMessage.Internal {
    ACKS,
    RESENDS,
    ROOM
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostChannels.class);

  private static final class Channel {
    final ChannelReceiver events = new ChannelReceiver();
    ChannelSender<List<HostMessage.Command>> commands;
  }

  private final String appId;
  private final AppToken token;
  private final ActorRef<FlowMessage> flow;
  private final Settings.Channel settings;
  private final NodeThreads threading;
  private final TimerScheduler<FlowMessage> timers;
  private final AssociationWindows windows;
  private final Map<ActorRef<HostMessage>, Channel> channels = new HashMap<>();

  /** Hosts that are gone: no channel to one opens again. */
  private final java.util.Set<ActorRef<HostMessage>> gone = new java.util.HashSet<>();

  /** Nodes whose messages without the app's token were logged: each is logged once. */
  private final java.util.Set<String> refusedFrom = new java.util.HashSet<>();

  /** Whether the message about to go is the first since the flow's last flush ({@link #send}). */
  private boolean lone;

  HostChannels(
      String appId,
      AppToken token,
      ActorRef<FlowMessage> flow,
      Settings settings,
      TimerScheduler<FlowMessage> timers,
      AssociationWindows windows) {
    this.appId = appId;
    this.token = token;
    this.flow = flow;
    this.settings = settings.channel();
    this.threading = NodeThreads.forReports(settings.threading());
    this.timers = timers;
    this.windows = windows;
  }

  private Channel channel(ActorRef<HostMessage> host) {
    Channel channel = channels.get(host);
    if (channel == null) {
      Channel made = new Channel();
      made.commands =
          new ChannelSender<>(
              settings.window(),
              settings.resendAfter(),
              settings.maxResendAfter(),
              LossHook.oneIn(settings.testDropOneIn()),
              windows.to(host),
              () -> flow.tell(Tick.ROOM),
              (seq, commands, resend) -> {
                HostMessage.Batch batch =
                    new HostMessage.Batch(appId, token, flow, seq, made.events.ack(), commands);
                if (lone && !resend) {
                  // the flow's thread sends it itself (Artery's outbound stream and the TCP write
                  // run here) instead of waking the node's thread: the flow is waiting for this
                  // call when it is a sequential one
                  threading.handOver(() -> host.tell(batch));
                } else {
                  host.tell(batch);
                }
              });
      channels.put(host, made);
      channel = made;
    }
    return channel;
  }

  /**
   * Sends commands to a host, as one message; {@code lone}: the first since the flow's last flush,
   * sent from the flow's own thread.
   */
  void send(ActorRef<HostMessage> host, List<HostMessage.Command> commands, boolean lone) {
    if (gone.contains(host)) {
      return; // its works are placed elsewhere, or their calls ended with the node's loss
    }
    Channel channel = channel(host);
    this.lone = lone;
    try {
      channel.commands.offer(commands, System.nanoTime());
    } finally {
      this.lone = false;
    }
    resendLater(channel);
  }

  /** The resend timer runs while any message waits for its ack. */
  private void resendLater(Channel channel) {
    if (channel.commands.hasUnacked() && !timers.isTimerActive(Tick.RESENDS)) {
      timers.startSingleTimer(Tick.RESENDS, settings.resendAfter().dividedBy(2));
    }
  }

  /**
   * Whether a host's batch is the next of its stream, to be handled now; a duplicate, a batch after
   * a gap and a batch from a host the flow has no channel with are dropped.
   */
  boolean accept(FlowMessage.Batch batch) {
    if (!token.matches(batch.token())) {
      refused(batch.host());
      return false;
    }
    Channel channel = channels.get(batch.host());
    if (channel == null) {
      if (LOG.isDebugEnabled()) {
        LOG.debug("App [{}] drops events from host {}: no channel with it", appId, batch.host());
      }
      return false;
    }
    channel.commands.acked(batch.ack(), System.nanoTime());
    resendLater(channel); // the ack may have let waiting messages go
    boolean next = channel.events.accept(batch.seq());
    if (!next) {
      ackSoon(); // a duplicate, or after a gap: the host hears how far this flow is
    }
    return next;
  }

  /**
   * The flow handled the host's batch {@code seq} (and every one before it): the ack goes soon, or
   * at once with {@code now} (the works that printed in it wait for it).
   */
  void handled(ActorRef<HostMessage> host, long seq, boolean now) {
    Channel channel = channels.get(host);
    if (channel != null) {
      channel.events.handled(seq);
      if (now || channel.events.ackUrgent(settings.sendersWindow())) {
        host.tell(new HostMessage.Ack(appId, token, channel.events.ack()));
      } else {
        ackSoon();
      }
    }
  }

  private void ackSoon() {
    if (!timers.isTimerActive(Tick.ACKS)) {
      timers.startSingleTimer(Tick.ACKS, settings.ackDelay());
    }
  }

  /** A host's ack of this flow's commands. */
  void acked(FlowMessage.Ack ack) {
    if (!token.matches(ack.token())) {
      refused(ack.host());
      return;
    }
    Channel channel = channels.get(ack.host());
    if (channel != null) {
      channel.commands.acked(ack.ack(), System.nanoTime());
      resendLater(channel);
    }
  }

  /** A message claiming to be from {@code host} without the app's token: dropped, and told once. */
  private void refused(ActorRef<HostMessage> host) {
    if (refusedFrom.add(host.path().address().toString())) {
      LOG.warn(
          "App [{}] drops messages claiming to come from host {} without the app's token: the"
              + " sender is not a host of this app's works",
          appId,
          host);
    }
  }

  /** Sends the acks that no command carried since the events they acknowledge arrived. */
  void sendOwedAcks() {
    for (Map.Entry<ActorRef<HostMessage>, Channel> c : channels.entrySet()) {
      Channel channel = c.getValue();
      if (channel.events.ackOwed()) {
        c.getKey().tell(new HostMessage.Ack(appId, token, channel.events.ack()));
      }
    }
  }

  /** Sends again what hosts have not acknowledged for too long. */
  void resendDue() {
    long now = System.nanoTime();
    boolean unacked = false;
    for (Map.Entry<ActorRef<HostMessage>, Channel> c : channels.entrySet()) {
      ChannelSender<List<HostMessage.Command>> commands = c.getValue().commands;
      int resent = commands.resendIfDue(now);
      if (resent > 0) {
        LOG.debug(
            "App [{}] sent {} unacknowledged message(s) again to host {}",
            appId,
            resent,
            c.getKey());
      }
      unacked |= commands.hasUnacked();
    }
    if (unacked) {
      timers.startSingleTimer(Tick.RESENDS, settings.resendAfter().dividedBy(2));
    }
  }

  /** A node's connection has room again: commands waiting for it go. */
  void sendWaiting() {
    long now = System.nanoTime();
    for (Channel channel : channels.values()) {
      channel.commands.sendWaiting(now);
      resendLater(channel);
    }
  }

  /** The host is gone: nothing more goes to it, and what it sent late is dropped. */
  void remove(ActorRef<HostMessage> host) {
    Channel channel = channels.remove(host);
    if (channel != null) {
      channel.commands.close();
    }
    gone.add(host);
  }

  /** The flow stopped: its channels give back the room they held on their nodes' connections. */
  void closeAll() {
    for (Channel channel : channels.values()) {
      channel.commands.close();
    }
    channels.clear();
  }
}
