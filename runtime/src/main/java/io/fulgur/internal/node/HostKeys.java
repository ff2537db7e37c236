package io.fulgur.internal.node;

import io.fulgur.internal.protocol.HostMessage;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** The Receptionist keys hosts register under: one per role, and one for "serves every role". */
public final class HostKeys {
  /** The pseudo-role of a node that serves every compute name (the embedded default). */
  public static final String ANY_ROLE = "*";

  private static final String PREFIX = "fulgur-host-";

  private HostKeys() {}

  /** The role whose hosts register under {@code key}. */
  public static String role(ServiceKey<?> key) {
    return key.id().substring(PREFIX.length());
  }

  /** The key of hosts serving {@code role} (or every role, for {@link #ANY_ROLE}). */
  public static ServiceKey<HostMessage> forRole(String role) {
    return ServiceKey.create(HostMessage.class, PREFIX + role);
  }
}
