package io.fulgur.benchmarks;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.delivery.ConsumerController;
import org.apache.pekko.actor.typed.delivery.ProducerController;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Plain Pekko with its reliable delivery ({@code ProducerController} to {@code ConsumerController},
 * point to point) on the requests: the echo's consumer confirms each ping and answers with a plain
 * tell. Beside {@link PekkoPing} it shows what Pekko's reliable delivery costs on one direction of
 * a call; Fulgur's channel is reliable both ways.
 */
final class PekkoReliable {
  private PekkoReliable() {}

  /** The echo behind a consumer controller; returns the controller producers register with. */
  static ActorRef<ConsumerController.Command<PekkoPing.Ping>> echo(ActorContext<?> ctx) {
    ActorRef<ConsumerController.Delivery<PekkoPing.Ping>> deliver =
        ctx.spawn(
            Behaviors.<ConsumerController.Delivery<PekkoPing.Ping>>receiveMessage(
                delivery -> {
                  PekkoPing.Ping ping = delivery.message();
                  ping.replyTo().tell(new PekkoPing.Pong(ping.seq()));
                  delivery.confirmTo().tell(ConsumerController.confirmed());
                  return Behaviors.same();
                }),
            "reliable-echo-deliver");
    ActorRef<ConsumerController.Command<PekkoPing.Ping>> consumer =
        ctx.spawn(ConsumerController.create(), "reliable-echo");
    consumer.tell(new ConsumerController.Start<>(deliver));
    return consumer;
  }

  /**
   * Sends {@code total} pings through a producer controller registered with {@code consumer}, at
   * most {@code inFlight} unanswered (1: a sequential chain), within the controller's own flow
   * control; completes with each ping's round trip in nanos.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Behavior<Object> requester(
      ActorRef<ConsumerController.Command<PekkoPing.Ping>> consumer,
      int total,
      int inFlight,
      CompletableFuture<long[]> done) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<ProducerController.Command<PekkoPing.Ping>> producer =
              ctx.spawn(
                  ProducerController.create(
                      PekkoPing.Ping.class, "bench-" + UUID.randomUUID(), Optional.empty()),
                  "producer");
          ActorRef<PekkoPing.Pong> pongs = ctx.messageAdapter(PekkoPing.Pong.class, p -> p);
          ActorRef<ProducerController.RequestNext<PekkoPing.Ping>> demand =
              ctx.messageAdapter(ProducerController.requestNextClass(), r -> r);
          producer.tell(new ProducerController.RegisterConsumer<>(consumer));
          producer.tell(new ProducerController.Start<>(demand));
          long[] rtts = new long[total];
          long[] sentAt = new long[total];
          int[] sent = {0};
          int[] answered = {0};
          ActorRef<PekkoPing.Ping>[] next = new ActorRef[1];
          Runnable trySend =
              () -> {
                if (next[0] != null && sent[0] < total && sent[0] - answered[0] < inFlight) {
                  int seq = sent[0]++;
                  sentAt[seq] = System.nanoTime();
                  next[0].tell(new PekkoPing.Ping(seq, pongs));
                  next[0] = null;
                }
              };
          return Behaviors.receiveMessage(
              message -> {
                if (message instanceof ProducerController.RequestNext request) {
                  next[0] = request.sendNextTo();
                  trySend.run();
                } else if (message instanceof PekkoPing.Pong pong) {
                  rtts[(int) pong.seq()] = System.nanoTime() - sentAt[(int) pong.seq()];
                  if (++answered[0] == total) {
                    done.complete(rtts);
                    return Behaviors.stopped();
                  }
                  trySend.run();
                }
                return Behaviors.same();
              });
        });
  }
}
