package io.fulgur.benchmarks;

import io.fulgur.internal.protocol.CborSerializable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The plain Pekko baseline: an actor asks an echo actor, one request at a time. */
final class PekkoPing {
  private PekkoPing() {}

  /** A request; serialised with the same Jackson CBOR serializer as Fulgur's messages. */
  record Ping(long seq, ActorRef<Pong> replyTo) implements CborSerializable {}

  /** The reply. */
  record Pong(long seq) implements CborSerializable {}

  private record Answered(long seq, long sentAt) {}

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

  private record Pipelined(boolean ok) {}

  /**
   * Keeps {@code inFlight} asks outstanding over {@code echoes} until {@code total} were answered;
   * completes with the elapsed nanos.
   */
  static Behavior<Object> pipelined(
      java.util.List<ActorRef<Ping>> echoes, int total, int inFlight, CompletableFuture<Long> done) {
    return Behaviors.setup(
        ctx -> {
          long t0 = System.nanoTime();
          int[] sent = {0};
          int[] answered = {0};
          Runnable send =
              () -> {
                ActorRef<Ping> echo = echoes.get(sent[0] % echoes.size());
                long s = sent[0]++;
                ctx.ask(
                    Pong.class,
                    echo,
                    Duration.ofSeconds(30),
                    replyTo -> new Ping(s, replyTo),
                    (pong, failure) -> new Pipelined(failure == null));
              };
          for (int i = 0; i < Math.min(inFlight, total); i++) {
            send.run();
          }
          return Behaviors.receive(Object.class)
              .onMessage(
                  Pipelined.class,
                  p -> {
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
  static Behavior<Object> pinger(ActorRef<Ping> echo, int count, CompletableFuture<long[]> done) {
    return Behaviors.setup(
        ctx -> {
          long[] rtts = new long[count];
          Runnable[] next = new Runnable[1];
          long[] seq = {0};
          next[0] =
              () -> {
                long sentAt = System.nanoTime();
                long s = seq[0]++;
                ctx.ask(
                    Pong.class,
                    echo,
                    Duration.ofSeconds(10),
                    replyTo -> new Ping(s, replyTo),
                    (pong, failure) -> new Answered(s, sentAt));
              };
          next[0].run();
          return Behaviors.receive(Object.class)
              .onMessage(
                  Answered.class,
                  answered -> {
                    rtts[(int) answered.seq()] = System.nanoTime() - answered.sentAt();
                    if (answered.seq() + 1 == count) {
                      done.complete(rtts);
                      return Behaviors.stopped();
                    }
                    next[0].run();
                    return Behaviors.same();
                  })
              .build();
        });
  }
}
