package io.fulgur.internal.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulgur.WorkFailure;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoders and decoders of the items that batches carry between nodes: a host batch's commands
 * and an event batch's events ({@link WireTags} gives their codes). Each item's fields go in a
 * fixed order; the batches around them, with their refs, token and numbers, are {@link
 * WireSerializer}'s. Static and stateless: nothing is allocated beyond the messages read.
 */
final class WireItems {
  private WireItems() {}

  /** Writes a command of a host batch: its code, then its fields. */
  static void writeCommand(WireWriter out, HostMessage.Command c) {
    WireTags.Command tag = WireTags.Command.of(c);
    out.varint(tag.code);
    switch (tag) {
      case PLACE -> {
        HostMessage.Place p = (HostMessage.Place) c;
        out.string(p.work());
        out.shared(p.workClass());
        out.shared(p.compute());
        out.varint(
            (p.parallel() ? 1 : 0) | (p.cacheCalls() ? 2 : 0) | (p.raiseException() ? 4 : 0));
        out.json(p.instance());
      }
      case RUN, RUN_TYPED -> {
        HostMessage.RunWork r = (HostMessage.RunWork) c;
        out.string(r.work());
        out.varlong(r.callId());
        out.json(r.input());
        if (tag == WireTags.Command.RUN_TYPED) {
          out.shared(r.inputClass());
        }
      }
      case STOP -> {
        HostMessage.StopWork s = (HostMessage.StopWork) c;
        out.string(s.work());
        out.string(s.reason());
        out.bool(s.release());
      }
    }
  }

  /**
   * Writes an event's fields, the work's name first; its code goes before it in a batch, in the
   * manifest for an event alone.
   */
  static void writeEvent(WireWriter out, FlowMessage.Event e) {
    out.string(e.work());
    switch (WireTags.Event.of(e)) {
      case PLACEMENT_FAILED -> {
        FlowMessage.PlacementFailed p = (FlowMessage.PlacementFailed) e;
        out.shared(p.nodeAddress());
        out.string(p.message());
      }
      case STARTED -> out.varlong(((FlowMessage.Started) e).callId());
      case QUEUED -> out.varlong(((FlowMessage.Queued) e).callId());
      case STATE_CHANGED -> out.json(((FlowMessage.StateChanged) e).state());
      case DONE -> {
        FlowMessage.Done d = (FlowMessage.Done) e;
        out.varlong(d.callId());
        out.json(d.state());
      }
      case FAILED -> {
        FlowMessage.Failed f = (FlowMessage.Failed) e;
        out.varlong(f.callId());
        WorkFailure failure = f.failure();
        out.string(failure.reason());
        out.string(failure.exceptionClass());
        out.string(failure.message());
        out.string(failure.stackTrace());
        out.json(f.state());
      }
      case STOPPED -> {
        FlowMessage.Stopped s = (FlowMessage.Stopped) e;
        out.varlong(s.callId());
        out.string(s.reason());
      }
      case RELEASED -> {
        // the work's name says it all
      }
      case OUTPUT -> {
        List<PrintMessage.Line> lines = ((FlowMessage.Output) e).lines();
        out.varint(lines.size());
        for (PrintMessage.Line line : lines) {
          out.bool(line.err());
          out.string(line.text());
        }
      }
    }
  }

  /** Reads a command of a host batch, refusing an unknown code or a missing field. */
  static HostMessage.Command readCommand(WireReader in) throws NotSerializableException {
    WireTags.Command tag = WireTags.Command.of(in.varint());
    String work = in.requiredString("the work's name");
    switch (tag) {
      case PLACE -> {
        String workClass = in.requiredShared("the work's class");
        String compute = in.requiredShared("the work's compute");
        int flags = in.varint();
        if (flags > 7) {
          throw new NotSerializableException("malformed Fulgur message: placement flags " + flags);
        }
        return new HostMessage.Place(
            work,
            workClass,
            compute,
            (flags & 1) != 0,
            (flags & 2) != 0,
            (flags & 4) != 0,
            in.json());
      }
      case RUN, RUN_TYPED -> {
        long callId = in.varlong();
        JsonNode input = in.json();
        String inputClass =
            tag == WireTags.Command.RUN_TYPED ? in.requiredShared("the input's class") : null;
        return new HostMessage.RunWork(work, callId, input, inputClass);
      }
      case STOP -> {
        String reason = in.requiredString("the reason");
        return new HostMessage.StopWork(work, reason, in.bool());
      }
      default -> throw new NotSerializableException("unknown Fulgur command " + tag);
    }
  }

  /** Reads the fields of an event of kind {@code tag}, refusing a missing one. */
  static FlowMessage.Event readEvent(WireReader in, WireTags.Event tag)
      throws NotSerializableException {
    String work = in.requiredString("the work's name");
    return switch (tag) {
      case PLACEMENT_FAILED -> {
        String node = in.shared();
        yield new FlowMessage.PlacementFailed(work, node, in.requiredString("the message"));
      }
      case STARTED -> new FlowMessage.Started(work, in.varlong());
      case QUEUED -> new FlowMessage.Queued(work, in.varlong());
      case STATE_CHANGED -> {
        JsonNode state = in.json();
        if (state == null) {
          throw new NotSerializableException(
              "malformed Fulgur message: a state change without state");
        }
        yield new FlowMessage.StateChanged(work, state);
      }
      case DONE -> {
        long callId = in.varlong();
        yield new FlowMessage.Done(work, callId, in.json());
      }
      case FAILED -> {
        long callId = in.varlong();
        WorkFailure failure =
            new WorkFailure(
                in.requiredString("the failure's reason"), in.string(), in.string(), in.string());
        yield new FlowMessage.Failed(work, callId, failure, in.json());
      }
      case STOPPED -> {
        long callId = in.varlong();
        yield new FlowMessage.Stopped(work, callId, in.requiredString("the reason"));
      }
      case RELEASED -> new FlowMessage.Released(work);
      case OUTPUT -> {
        int n = in.count();
        List<PrintMessage.Line> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          boolean err = in.bool();
          lines.add(new PrintMessage.Line(err, in.requiredString("a line")));
        }
        yield new FlowMessage.Output(work, lines);
      }
    };
  }
}
