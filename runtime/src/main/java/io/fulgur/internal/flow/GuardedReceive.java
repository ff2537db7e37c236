package io.fulgur.internal.flow;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A {@link Receive} whose handlers' exceptions go to a handler of their own instead of failing the
 * actor: the flow actor must end its app when it fails, and an actor that fails just stops (or,
 * restarted, would run the app again from the top).
 */
final class GuardedReceive<T> extends Receive<T> {

  /** What the actor does when one of its handlers threw. */
  interface OnFailure<T> {
    /**
     * The behaviour after {@code thrown}, thrown while {@code what} (a message or a signal) was
     * handled.
     */
    Behavior<T> failed(Object what, Throwable thrown);
  }

  private final Receive<T> receive;
  private final OnFailure<T> onFailure;

  /** A behaviour that handles messages and signals with {@code receive}, guarded. */
  static <T> Behavior<T> behavior(
      ActorContext<T> context, Receive<T> receive, OnFailure<T> onFailure) {
    GuardedReceive<T> guarded = new GuardedReceive<>(receive, onFailure);
    return new AbstractBehavior<T>(context) {
      @Override
      public Receive<T> createReceive() {
        return guarded;
      }
    };
  }

  GuardedReceive(Receive<T> receive, OnFailure<T> onFailure) {
    this.receive = receive;
    this.onFailure = onFailure;
  }

  @Override
  public Behavior<T> receiveMessage(T message) {
    try {
      return receive.receiveMessage(message);
    } catch (Throwable t) {
      return onFailure.failed(message, t);
    }
  }

  @Override
  public Behavior<T> receiveSignal(Signal signal) {
    try {
      return receive.receiveSignal(signal);
    } catch (Throwable t) {
      return onFailure.failed(signal, t);
    }
  }
}
