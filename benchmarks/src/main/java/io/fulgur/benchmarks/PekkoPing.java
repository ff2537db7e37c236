package io.fulgur.benchmarks;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The plain Pekko baseline: request-response with an echo actor, the requester's own ref as the
 * reply-to (Pekko's request-response pattern). Not {@code ActorContext.ask}: its temporary actor
 * and timeout per request make the pipelined rate about ten times lower, which would flatter any
 * system compared with it.
 */
final class PekkoPing {
  private PekkoPing() {}

  /** The baseline's messages: bound to Pekko's Jackson CBOR serializer (reference.conf here). */
  interface Message {}

  /** A request. */
  record Ping(long seq, ActorRef<Pong> replyTo) implements Message {}

  /** The reply. */
  record Pong(long seq) implements Message {}

  static Behavior<Ping> echo() {
    return Behaviors.receive(Ping.class)
        .onMessage(
            Ping.class,
            ping -> {
              ping.replyTo().tell(new Pong(ping.seq()));
              return Behaviors.same();
            })
        .build();
  }

  /**
   * Keeps {@code inFlight} requests outstanding over {@code echoes} until {@code total} were
   * answered; completes with the elapsed nanos.
   */
  static Behavior<Pong> pipelined(
      List<ActorRef<Ping>> echoes, int total, int inFlight, CompletableFuture<Long> done) {
    return Behaviors.setup(
        ctx -> {
          long t0 = System.nanoTime();
          int[] sent = {0};
          int[] answered = {0};
          Runnable send =
              () -> {
                long s = sent[0]++;
                echoes.get((int) (s % echoes.size())).tell(new Ping(s, ctx.getSelf()));
              };
          for (int i = 0; i < Math.min(inFlight, total); i++) {
            send.run();
          }
          return Behaviors.receive(Pong.class)
              .onMessage(
                  Pong.class,
                  pong -> {
                    answered[0]++;
                    if (answered[0] == total) {
                      done.complete(System.nanoTime() - t0);
                      return Behaviors.stopped();
                    }
                    if (sent[0] < total) {
                      send.run();
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /** Asks {@code echo} {@code count} times in sequence; completes with each round trip's nanos. */
  static Behavior<Pong> pinger(ActorRef<Ping> echo, int count, CompletableFuture<long[]> done) {
    return Behaviors.setup(
        ctx -> {
          long[] rtts = new long[count];
          long[] sentAt = {System.nanoTime()};
          echo.tell(new Ping(0, ctx.getSelf()));
          return Behaviors.receive(Pong.class)
              .onMessage(
                  Pong.class,
                  pong -> {
                    int seq = (int) pong.seq();
                    rtts[seq] = System.nanoTime() - sentAt[0];
                    if (seq + 1 == count) {
                      done.complete(rtts);
                      return Behaviors.stopped();
                    }
                    sentAt[0] = System.nanoTime();
                    echo.tell(new Ping(seq + 1, ctx.getSelf()));
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
