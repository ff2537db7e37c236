package io.fulgur.internal.node;

import io.fulgur.internal.protocol.AppToken;
import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * An app's flow made of a probe, speaking the channel as a flow does: sends the host numbered
 * batches and reads the events it sends back in order (each batch once, acknowledged), past the
 * reports of a call's progress (RUNNING, state), which depend on how long the call took.
 */
final class ProbeFlow {
  private final ActorRef<HostMessage> host;
  private final String appId;
  final TestProbe<FlowMessage> flow;
  private final List<FlowMessage.Event> buffered = new ArrayList<>();
  private long sent;
  private long received;

  private final AppToken token = AppToken.random();

  /** A flow of a new app: its id is its token's. */
  ProbeFlow(ActorSystem<?> system, ActorRef<HostMessage> host) {
    this.host = host;
    this.appId = token.appId();
    this.flow = TestProbe.create(system);
  }

  /** A flow that claims app {@code appId} with a token of its own: an impostor. */
  ProbeFlow(ActorSystem<?> system, ActorRef<HostMessage> host, String appId) {
    this.host = host;
    this.appId = appId;
    this.flow = TestProbe.create(system);
  }

  /**
   * Sends the commands once under each number from 1 to {@code upTo}, so that one of them is the
   * number the host expects next whatever the app's flow sent before: an impostor's best try.
   */
  void sendUnderEveryNumber(int upTo, HostMessage.Command... commands) {
    for (long seq = 1; seq <= upTo; seq++) {
      host.tell(new HostMessage.Batch(appId, token, flow.getRef(), seq, 0, List.of(commands)));
    }
  }

  /** The id of the app this flow speaks for. */
  String appId() {
    return appId;
  }

  /** The app's token: every command of this flow carries it. */
  AppToken token() {
    return token;
  }

  void send(HostMessage.Command... commands) {
    host.tell(
        new HostMessage.Batch(appId, token, flow.getRef(), ++sent, received, List.of(commands)));
  }

  /** The next event that is not a progress report, failing after 10 s without one. */
  FlowMessage.Event next() {
    while (buffered.isEmpty()) {
      FlowMessage message = flow.receiveMessage(Duration.ofSeconds(10));
      if (message instanceof FlowMessage.Batch b) {
        if (b.seq() == received + 1) {
          received = b.seq();
          buffered.addAll(b.events());
          // as a flow that printed every line at once
          host.tell(new HostMessage.Ack(appId, token, received));
        }
      } else if (message instanceof FlowMessage.Event e) {
        buffered.add(e);
      }
    }
    FlowMessage.Event event = buffered.remove(0);
    return event instanceof FlowMessage.Started || event instanceof FlowMessage.StateChanged
        ? next()
        : event;
  }

  /** Fails if anything reaches this flow within {@code d}. */
  void expectNothing(Duration d) {
    flow.expectNoMessage(d);
  }
}
