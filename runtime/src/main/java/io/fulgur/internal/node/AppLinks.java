package io.fulgur.internal.node;

import io.fulgur.internal.Settings;
import io.fulgur.internal.channel.AssociationWindows;
import io.fulgur.internal.channel.ChannelReceiver;
import io.fulgur.internal.channel.ChannelSender;
import io.fulgur.internal.channel.LossHook;
import io.fulgur.internal.channel.Outbox;
import io.fulgur.internal.protocol.AppToken;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import io.fulgur.internal.protocol.WireSize;
import io.fulgur.internal.protocol.WorkMessage;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The host's links with the apps that have works on its node: for each app its flow, its token and
 * the channel both ways. Commands from a flow are taken once each, in order, and only with the
 * app's token; events go back batched ({@link Outbox}), numbered and sent again until the flow
 * acknowledges them. A work that printed is told once the flow printed its lines, so that output
 * waits on the node rather than piling up in the flow. Runs inside the host actor, on its thread.
 */
final class AppLinks {

  /** The latest apps and senders remembered, to drop late messages and log refusals once. */
  private static final int LATEST_KEPT = 1024;

  /**
   * The host's timers of the channels (acks owed, messages to send again), the wake-up when a
   * node's connection has room, and the flush of the events that waited for the mailbox.
   */
  enum Tick implements HostMessage.Internal {
    ACKS,
    RESENDS,
    ROOM,
    FLUSH
  }

  /** The flow of an app is gone. */
  record FlowGone(String appId) implements HostMessage.Internal {}

  /** Message {@code seq} to a flow carried lines of {@code works}. */
  private record Printing(long seq, List<ActorRef<WorkMessage>> works) {}

  /** An app with works on this node: its flow and the channel both ways. */
  static final class Link {
    final ActorRef<FlowMessage> flow;

    /** The app's token, from the message that opened the link: every later one must carry it. */
    final AppToken token;

    /** The app's works on this node, by work name. */
    final Map<String, ActorRef<WorkMessage>> works = new HashMap<>();

    private final ChannelReceiver commands = new ChannelReceiver();
    private ChannelSender<List<FlowMessage.Event>> events;

    /** Messages sent with lines, and the works to tell once the flow printed them. */
    private final ArrayDeque<Printing> printing = new ArrayDeque<>();

    private Link(ActorRef<FlowMessage> flow, AppToken token) {
      this.flow = flow;
      this.token = token;
    }
  }

  private final ActorContext<HostMessage> context;
  private final Settings settings;
  private final Map<String, Link> apps = new HashMap<>();
  private final Outbox<String, FlowMessage.Event, ActorRef<WorkMessage>> outbox;

  /** Apps and senders whose messages were refused, the latest ones: each is logged once. */
  private final Set<String> refusedFrom = latest(LATEST_KEPT);

  /** Apps whose flow is gone, the latest ones: a message of theirs still on its way is dropped. */
  private final Set<String> goneApps = latest(LATEST_KEPT);

  private boolean ackTickScheduled;
  private boolean resendTickScheduled;

  AppLinks(ActorContext<HostMessage> context, Settings settings) {
    this.context = context;
    this.settings = settings;
    this.outbox =
        new Outbox<>(
            HostMessage.MAX_BATCH,
            settings.messageBudget(),
            event -> WireSize.of(event),
            (appId, batch, printedBy, first) -> send(apps.get(appId), batch, printedBy));
  }

  /** A set that keeps the {@code n} latest strings added to it. */
  private static Set<String> latest(int n) {
    return Collections.newSetFromMap(
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > n;
          }
        });
  }

  /** The link of an app, or null if none is open. */
  Link get(String appId) {
    return apps.get(appId);
  }

  /**
   * Takes a flow's batch of commands: the link to carry them out for, or null when they are not to
   * be (a duplicate, a message after a gap, a stream whose flow is gone, or a sender without the
   * app's token). The first message of an app's stream opens its link.
   */
  Link accept(HostMessage.Batch batch) {
    Link link = apps.get(batch.appId());
    if (link == null) {
      if (batch.seq() != 1 || goneApps.contains(batch.appId())) {
        // the rest of a stream whose flow is gone, or one whose first message was lost: then that
        // message comes again, and this one after it
        return null;
      }
      if (!batch.token().isOf(batch.appId())) {
        refused(batch.appId(), "commands from " + batch.flow().path().address());
        return null; // not the app's token: only the app's flow can open its channel
      }
      link = open(batch.appId(), batch.flow(), batch.token());
    } else if (!link.token.matches(batch.token()) || !link.flow.equals(batch.flow())) {
      refused(batch.appId(), "commands from " + batch.flow().path().address());
      return null;
    }
    acked(link, batch.ack(), System.nanoTime());
    boolean next = link.commands.accept(batch.seq());
    owesAck();
    if (!next) {
      return null; // a duplicate, or a message after a gap: the flow hears how far we are
    }
    link.commands.handled(batch.seq());
    if (link.commands.ackUrgent(settings.channel().sendersWindow())) {
      link.flow.tell(new FlowMessage.Ack(context.getSelf(), link.token, link.commands.ack()));
    }
    return link;
  }

  private Link open(String appId, ActorRef<FlowMessage> flow, AppToken token) {
    Link link = new Link(flow, token);
    Settings.Channel channel = settings.channel();
    ActorRef<HostMessage> self = context.getSelf();
    link.events =
        new ChannelSender<>(
            channel.window(),
            channel.resendAfter(),
            channel.maxResendAfter(),
            LossHook.oneIn(channel.testDropOneIn()),
            AssociationWindows.get(context.getSystem()).to(flow),
            () -> self.tell(Tick.ROOM),
            (seq, events, resend) ->
                flow.tell(
                    new FlowMessage.Batch(self, link.token, seq, link.commands.ack(), events)));
    apps.put(appId, link);
    context.watchWith(flow, new FlowGone(appId));
    return link;
  }

  /**
   * A message for an app without its token, or from another flow than the app's: dropped (a member
   * that is not the app's flow commands none of its works), and logged once per sending node.
   */
  void refused(String appId, String what) {
    if (refusedFrom.add(what)) {
      context
          .getLog()
          .warn(
              "Dropping {} for app [{}]: not from the app's flow, or without its token (more"
                  + " of the same are dropped without a word)",
              what,
              appId);
    }
  }

  /** A flow's ack, alone. */
  void onAck(HostMessage.Ack ack) {
    Link link = apps.get(ack.appId());
    if (link != null && !link.token.matches(ack.token())) {
      // a forged ack would make the host forget events the flow never had
      refused(ack.appId(), "an ack");
    } else if (link != null) {
      acked(link, ack.ack(), System.nanoTime());
    }
  }

  /**
   * The flow handled this host's messages up to {@code seq}, and printed their lines: the works
   * that printed them may go on printing; messages that waited for room may go.
   */
  private void acked(Link link, long seq, long now) {
    link.events.acked(seq, now);
    while (!link.printing.isEmpty() && link.printing.peek().seq() <= seq) {
      for (ActorRef<WorkMessage> work : link.printing.poll().works()) {
        work.tell(WorkMessage.OutputPrinted.INSTANCE);
      }
    }
    if (link.events.hasUnacked()) {
      resendLater();
    }
  }

  /** An ack is owed to some flow: it goes alone unless a message to that flow carries it first. */
  private void owesAck() {
    if (!ackTickScheduled) {
      ackTickScheduled = true;
      context.scheduleOnce(settings.channel().ackDelay(), context.getSelf(), Tick.ACKS);
    }
  }

  /** Sends the acks still owed. */
  void onAckTick() {
    ackTickScheduled = false;
    for (Link link : apps.values()) {
      if (link.commands.ackOwed()) {
        link.flow.tell(new FlowMessage.Ack(context.getSelf(), link.token, link.commands.ack()));
      }
    }
  }

  private void resendLater() {
    if (!resendTickScheduled) {
      resendTickScheduled = true;
      context.scheduleOnce(
          settings.channel().resendAfter().dividedBy(2), context.getSelf(), Tick.RESENDS);
    }
  }

  /** Sends again the messages whose ack is overdue. */
  void onResendTick() {
    resendTickScheduled = false;
    long now = System.nanoTime();
    boolean unacked = false;
    for (Map.Entry<String, Link> app : apps.entrySet()) {
      Link link = app.getValue();
      int resent = link.events.resendIfDue(now);
      if (resent > 0) {
        context
            .getLog()
            .debug(
                "Sent {} unacknowledged message(s) again to the flow of app [{}]",
                resent,
                app.getKey());
      }
      unacked |= link.events.hasUnacked();
    }
    if (unacked) {
      resendLater();
    }
  }

  /** A node's connection has room again: events waiting for it go. */
  void onRoom() {
    long now = System.nanoTime();
    for (Link link : apps.values()) {
      link.events.sendWaiting(now);
      if (link.events.hasUnacked()) {
        resendLater();
      }
    }
  }

  /**
   * Sends an event to the app's flow: the first since the last flush at once, the ones after it in
   * one batch at the flush; {@code printedBy}, if not null, is told once the flow printed the lines
   * the event carries. Nothing goes to an app whose flow is gone.
   */
  void emit(String appId, FlowMessage.Event event, ActorRef<WorkMessage> printedBy) {
    if (apps.containsKey(appId) && outbox.add(appId, event, printedBy)) {
      context.getSelf().tell(Tick.FLUSH);
    }
  }

  /** Sends the events that waited for the host to handle its mailbox. */
  void onFlush() {
    outbox.flush();
  }

  private void send(Link link, List<FlowMessage.Event> events, List<ActorRef<WorkMessage>> works) {
    if (link == null) {
      return; // the app's flow is gone (its works are being stopped)
    }
    long seq = link.events.offer(events, System.nanoTime());
    if (!works.isEmpty()) {
      link.printing.add(new Printing(seq, works));
    }
    if (link.events.hasUnacked()) {
      resendLater();
    }
  }

  /** The app's flow is gone: its link closes, and its late messages are dropped. */
  Link close(String appId) {
    goneApps.add(appId);
    outbox.remove(appId);
    Link link = apps.remove(appId);
    if (link != null) {
      link.events.close();
    }
    return link;
  }

  /** The host stops: every channel gives its room on its connection back. */
  void closeAll() {
    for (Link link : apps.values()) {
      link.events.close();
    }
  }
}
