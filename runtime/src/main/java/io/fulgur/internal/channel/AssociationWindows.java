package io.fulgur.internal.channel;

import io.fulgur.internal.Settings;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * A node's {@link AssociationWindow}s, one per other node it sends channel messages to, shared by
 * the flows and the host on this node.
 */
public final class AssociationWindows implements Extension {

  private static final Id ID = new Id();

  private static final class Id extends ExtensionId<AssociationWindows> {
    @Override
    public AssociationWindows createExtension(ActorSystem<?> system) {
      return new AssociationWindows(
          Settings.from(system.settings().config()).channel().associationWindow());
    }
  }

  /** The node's windows. */
  public static AssociationWindows get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final int capacity;
  private final ConcurrentHashMap<Address, AssociationWindow> windows = new ConcurrentHashMap<>();

  AssociationWindows(int capacity) {
    this.capacity = capacity;
  }

  /**
   * The window of the connection to {@code peer}'s node; {@link AssociationWindow#UNBOUNDED} when
   * the peer is in this JVM's actor system (nothing drops its messages).
   */
  public AssociationWindow to(ActorRef<?> peer) {
    Address address = peer.path().address();
    if (address.hasLocalScope()) {
      return AssociationWindow.UNBOUNDED;
    }
    // a node that restarts on the same address gets the same window: its old channels were closed
    // when it left, and gave their room back
    return windows.computeIfAbsent(address, a -> new AssociationWindow(capacity));
  }
}
