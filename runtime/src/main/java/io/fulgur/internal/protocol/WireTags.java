package io.fulgur.internal.protocol;

import java.io.NotSerializableException;

/**
 * The contract of Fulgur's wire format ({@link WireSerializer}): every message, command and event
 * kind has an explicit, stable code. A code is never reused or renumbered: a change of meaning is a
 * new code and a new {@link WireSerializer#VERSION}. Unknown codes are refused on read.
 */
final class WireTags {
  private WireTags() {}

  /** The tags indexed by code (read once per command or event: no search, no copy of values()). */
  private static <T> T[] byCode(T[] tags, java.util.function.ToIntFunction<T> code) {
    int max = 0;
    for (T t : tags) {
      max = Math.max(max, code.applyAsInt(t));
    }
    T[] byCode = java.util.Arrays.copyOf(tags, max + 1);
    java.util.Arrays.fill(byCode, null);
    for (T t : tags) {
      byCode[code.applyAsInt(t)] = t;
    }
    return byCode;
  }

  /** The messages Pekko hands to the serializer, by manifest. */
  enum Message {
    HOST_BATCH("hb"),
    EVENT_BATCH("eb"),
    HOST_ACK("ha"),
    FLOW_ACK("fa"),
    /** A single event (the manifests of the event kinds), not in a batch. */
    EVENT(null);

    final String manifest;

    Message(String manifest) {
      this.manifest = manifest;
    }

    /** The message a manifest names. */
    static Message of(String manifest) throws NotSerializableException {
      if (manifest == null) {
        throw new NotSerializableException("a Fulgur message without a manifest");
      }
      switch (manifest) {
        case "hb":
          return HOST_BATCH;
        case "eb":
          return EVENT_BATCH;
        case "ha":
          return HOST_ACK;
        case "fa":
          return FLOW_ACK;
        default:
          Event.ofManifest(manifest);
          return EVENT;
      }
    }
  }

  /** The commands of a host batch. */
  enum Command {
    PLACE(1),
    RUN(2),
    STOP(3),
    /** A run whose input's class travels with it (a generic work). */
    RUN_TYPED(4);

    final int code;

    Command(int code) {
      this.code = code;
    }

    private static final Command[] BY_CODE = byCode(values(), c -> c.code);

    static Command of(int code) throws NotSerializableException {
      Command c = code < BY_CODE.length ? BY_CODE[code] : null;
      if (c == null) {
        throw new NotSerializableException("unknown Fulgur command code " + code);
      }
      return c;
    }

    static Command of(HostMessage.Command c) {
      if (c instanceof HostMessage.Place) {
        return PLACE;
      } else if (c instanceof HostMessage.RunWork r) {
        return r.inputClass() == null ? RUN : RUN_TYPED;
      } else if (c instanceof HostMessage.StopWork) {
        return STOP;
      }
      throw new IllegalArgumentException("no wire code for command " + c.getClass().getName());
    }
  }

  /** The events of an event batch, and the manifests of single events. */
  enum Event {
    PLACEMENT_FAILED(1, "e1"),
    STARTED(2, "e2"),
    STATE_CHANGED(3, "e3"),
    DONE(4, "e4"),
    FAILED(5, "e5"),
    STOPPED(6, "e6"),
    RELEASED(7, "e7"),
    QUEUED(8, "e8"),
    OUTPUT(9, "e9");

    final int code;
    final String manifest;

    Event(int code, String manifest) {
      this.code = code;
      this.manifest = manifest;
    }

    private static final Event[] BY_CODE = byCode(values(), e -> e.code);

    static Event of(int code) throws NotSerializableException {
      Event e = code < BY_CODE.length ? BY_CODE[code] : null;
      if (e == null) {
        throw new NotSerializableException("unknown Fulgur event code " + code);
      }
      return e;
    }

    static Event ofManifest(String manifest) throws NotSerializableException {
      for (Event e : values()) {
        if (e.manifest.equals(manifest)) {
          return e;
        }
      }
      throw new NotSerializableException("unknown Fulgur message manifest '" + manifest + "'");
    }

    static Event of(FlowMessage.Event e) {
      if (e instanceof FlowMessage.PlacementFailed) {
        return PLACEMENT_FAILED;
      } else if (e instanceof FlowMessage.Started) {
        return STARTED;
      } else if (e instanceof FlowMessage.StateChanged) {
        return STATE_CHANGED;
      } else if (e instanceof FlowMessage.Done) {
        return DONE;
      } else if (e instanceof FlowMessage.Failed) {
        return FAILED;
      } else if (e instanceof FlowMessage.Stopped) {
        return STOPPED;
      } else if (e instanceof FlowMessage.Released) {
        return RELEASED;
      } else if (e instanceof FlowMessage.Queued) {
        return QUEUED;
      } else if (e instanceof FlowMessage.Output) {
        return OUTPUT;
      }
      throw new IllegalArgumentException("no wire code for event " + e.getClass().getName());
    }
  }
}
