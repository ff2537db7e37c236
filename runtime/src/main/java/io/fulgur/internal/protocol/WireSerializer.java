package io.fulgur.internal.protocol;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.fulgur.WorkFailure;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Fulgur's compact serializer for the messages that cross nodes on every call: the flow's command
 * batches to hosts, the works' events to the flow, output lines and their acknowledgements. Bound
 * in reference.conf; no other Fulgur message has a serializer.
 *
 * <p>The format: a version byte ({@link #VERSION}), then the message's fields in a fixed order,
 * with varint numbers, length-prefixed UTF-8 strings and explicit codes for every command and
 * event kind ({@link WireTags}); user inputs and states ({@link JsonNode}) are short forms for
 * null, integers, text and booleans, and CBOR for the rest. Reading checks every length against
 * the bytes that remain, refuses unknown codes, another version and trailing bytes, and validates
 * the message before any actor sees it ({@link WireReader}). The golden files under {@code
 * src/test/resources/wire/} pin the bytes of every message kind.
 */
public final class WireSerializer extends SerializerWithStringManifest {

  /** This serializer's id in Pekko's serialization (ids 0-40 are Pekko's own). */
  public static final int IDENTIFIER = 0x46554c47; // "FULG"

  /** The wire format's version: the first byte of every message. */
  public static final int VERSION = WireVersion.CURRENT;

  /**
   * The CBOR of inputs and states. Its limits stop a hostile value early: nesting, string and
   * number lengths, and never a document larger than a message between nodes.
   */
  static final ObjectMapper CBOR =
      new ObjectMapper(
          CBORFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(200)
                      .maxStringLength(4 * 1024 * 1024)
                      .maxNameLength(64 * 1024)
                      .maxNumberLength(1000)
                      .maxDocumentLength(16L * 1024 * 1024)
                      .build())
              .build());

  private final ActorRefResolver resolver;

  /**
   * The flow, printer and work refs in messages, both ways: a batch carries two refs, and building
   * and parsing their paths was half of its cost. Few distinct refs (a flow and a printer per app,
   * a ref per work that prints); cleared when full.
   */
  private final RefCache refs = new RefCache(4096);

  /** Made by Pekko's serialization with the actor system it serves. */
  public WireSerializer(ExtendedActorSystem system) {
    this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
  }

  /** Serialised forms of refs and refs of serialised forms, at most {@code max} of each. */
  private final class RefCache {
    private final int max;
    private final ConcurrentHashMap<ActorRef<?>, String> formats = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ActorRef<?>> resolved = new ConcurrentHashMap<>();

    RefCache(int max) {
      this.max = max;
    }

    String format(ActorRef<?> ref) {
      String format = formats.get(ref);
      if (format == null) {
        if (formats.size() >= max) {
          formats.clear();
        }
        format = resolver.toSerializationFormat(ref);
        formats.put(ref, format);
      }
      return format;
    }

    @SuppressWarnings("unchecked")
    <T> ActorRef<T> resolve(String format) {
      ActorRef<?> ref = resolved.get(format);
      if (ref == null) {
        if (resolved.size() >= max) {
          resolved.clear();
        }
        ref = resolver.resolveActorRef(format);
        resolved.put(format, ref);
      }
      return (ActorRef<T>) ref;
    }
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof HostMessage.Batch) {
      return WireTags.Message.HOST_BATCH.manifest;
    } else if (o instanceof FlowMessage.Batch) {
      return WireTags.Message.EVENT_BATCH.manifest;
    } else if (o instanceof FlowMessage.Event e) {
      return WireTags.Event.of(e).manifest;
    } else if (o instanceof HostMessage.Ack) {
      return WireTags.Message.HOST_ACK.manifest;
    } else if (o instanceof FlowMessage.Ack) {
      return WireTags.Message.FLOW_ACK.manifest;
    }
    throw new IllegalArgumentException("Fulgur's wire serializer cannot write " + o.getClass());
  }

  @Override
  public byte[] toBinary(Object o) {
    WireWriter out = new WireWriter();
    out.varint(VERSION);
    if (o instanceof HostMessage.Batch b) {
      out.string(b.appId());
      out.fixed(b.token().bytes());
      ref(out, b.flow());
      out.varlong(b.seq());
      out.varlong(b.ack());
      out.varint(b.commands().size());
      for (HostMessage.Command c : b.commands()) {
        writeCommand(out, c);
      }
    } else if (o instanceof FlowMessage.Batch b) {
      ref(out, b.host());
      out.fixed(b.token().bytes());
      out.varlong(b.seq());
      out.varlong(b.ack());
      out.varint(b.events().size());
      for (FlowMessage.Event e : b.events()) {
        out.varint(WireTags.Event.of(e).code);
        writeEvent(out, e);
      }
    } else if (o instanceof FlowMessage.Event e) {
      writeEvent(out, e);
    } else if (o instanceof HostMessage.Ack a) {
      out.string(a.appId());
      out.fixed(a.token().bytes());
      out.varlong(a.ack());
    } else if (o instanceof FlowMessage.Ack a) {
      ref(out, a.host());
      out.fixed(a.token().bytes());
      out.varlong(a.ack());
    } else {
      throw new IllegalArgumentException("Fulgur's wire serializer cannot write " + o.getClass());
    }
    return out.bytes();
  }

  private void ref(WireWriter out, ActorRef<?> ref) {
    out.string(ref == null ? null : refs.format(ref));
  }

  private static void writeCommand(WireWriter out, HostMessage.Command c) {
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

  private static void writeEvent(WireWriter out, FlowMessage.Event e) {
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

  /**
   * Decodes a message from another node: a batch or an ack. An event alone is refused: events
   * reach a flow only in a host's batch, which carries the app's token ({@link AppToken}), so a
   * member cannot hand a flow a forged one.
   */
  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (WireTags.Message.of(manifest) == WireTags.Message.EVENT) {
      throw new NotSerializableException(
          "a Fulgur event alone (manifest " + manifest + ") never crosses nodes: refused");
    }
    return decode(bytes, manifest);
  }

  /** Decodes any message this serializer writes, a lone event too (for the format's tests). */
  Object decode(byte[] bytes, String manifest) throws NotSerializableException {
    WireTags.Message message = WireTags.Message.of(manifest);
    WireReader in = new WireReader(bytes);
    int version = in.varint();
    if (version != VERSION) {
      throw new NotSerializableException(
          "a Fulgur message of wire version "
              + version
              + " reached a node of wire version "
              + VERSION
              + ": every node of a cluster must run the same Fulgur version");
    }
    Object decoded =
        switch (message) {
          case HOST_BATCH -> readHostBatch(in);
          case EVENT_BATCH -> readEventBatch(in);
          case HOST_ACK ->
              new HostMessage.Ack(in.requiredString("the app id"), token(in), ack(in));
          case FLOW_ACK -> new FlowMessage.Ack(requiredRef(in, "the host"), token(in), ack(in));
          case EVENT -> readEvent(in, WireTags.Event.ofManifest(manifest));
        };
    in.end();
    return decoded;
  }

  private HostMessage.Batch readHostBatch(WireReader in) throws NotSerializableException {
    String appId = in.requiredString("the app id");
    AppToken token = token(in);
    ActorRef<FlowMessage> flow = requiredRef(in, "the flow");
    long seq = seq(in);
    long ack = ack(in);
    int n = in.count();
    List<HostMessage.Command> commands = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      commands.add(readCommand(in));
    }
    return new HostMessage.Batch(appId, token, flow, seq, ack, commands);
  }

  private FlowMessage.Batch readEventBatch(WireReader in) throws NotSerializableException {
    ActorRef<HostMessage> host = requiredRef(in, "the host");
    AppToken token = token(in);
    long seq = seq(in);
    long ack = ack(in);
    int n = in.count();
    List<FlowMessage.Event> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(readEvent(in, WireTags.Event.of(in.varint())));
    }
    return new FlowMessage.Batch(host, token, seq, ack, events);
  }

  private static AppToken token(WireReader in) throws NotSerializableException {
    return AppToken.of(in.fixed(AppToken.BYTES, "the app token"));
  }

  /** A message's number in its channel: from 1. */
  private static long seq(WireReader in) throws NotSerializableException {
    long seq = in.varlong();
    if (seq < 1) {
      throw new NotSerializableException("malformed Fulgur message: channel number " + seq);
    }
    return seq;
  }

  /** An ack: 0 (nothing received yet) or more. */
  private static long ack(WireReader in) throws NotSerializableException {
    long ack = in.varlong();
    if (ack < 0) {
      throw new NotSerializableException("malformed Fulgur message: ack " + ack);
    }
    return ack;
  }

  private <T> ActorRef<T> requiredRef(WireReader in, String what)
      throws NotSerializableException {
    String path = in.requiredString(what);
    try {
      return refs.resolve(path);
    } catch (RuntimeException e) {
      throw new NotSerializableException(
          "malformed Fulgur message: " + what + " is not an actor ref: " + e.getMessage());
    }
  }

  private static HostMessage.Command readCommand(WireReader in) throws NotSerializableException {
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
            work, workClass, compute, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0,
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

  private static FlowMessage.Event readEvent(WireReader in, WireTags.Event tag)
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
          throw new NotSerializableException("malformed Fulgur message: a state change without state");
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
