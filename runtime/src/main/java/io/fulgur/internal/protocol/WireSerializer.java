package io.fulgur.internal.protocol;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
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
 * in reference.conf; no other Fulgur message has a serializer. This class is Pekko's side of it
 * (manifests, the version byte, the batches and acks with their refs); the commands and events in
 * the batches are {@link WireItems}'.
 *
 * <p>The format: a version byte ({@link #VERSION}), then the message's fields in a fixed order,
 * with varint numbers, length-prefixed UTF-8 strings and explicit codes for every command and event
 * kind ({@link WireTags}); user inputs and states ({@link JsonNode}) are short forms for null,
 * integers, text and booleans, and CBOR for the rest. Reading checks every length against the bytes
 * that remain, refuses unknown codes, another version and trailing bytes, and validates the message
 * before any actor sees it ({@link WireReader}). The golden files under {@code
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
   * The flow, printer and work refs in messages, both ways: every batch carries refs, and building
   * a ref's path or parsing and resolving one would cost as much as the rest of a small batch. Few
   * distinct refs (a flow and a printer per app, a ref per work that prints); cleared when full.
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

  /** {@link #IDENTIFIER}. */
  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  /** The manifest of a message: its kind, or an event's kind for an event alone. */
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

  /** The version byte, then the message's fields in the format's order. */
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
        WireItems.writeCommand(out, c);
      }
    } else if (o instanceof FlowMessage.Batch b) {
      ref(out, b.host());
      out.fixed(b.token().bytes());
      out.varlong(b.seq());
      out.varlong(b.ack());
      out.varint(b.events().size());
      for (FlowMessage.Event e : b.events()) {
        out.varint(WireTags.Event.of(e).code);
        WireItems.writeEvent(out, e);
      }
    } else if (o instanceof FlowMessage.Event e) {
      WireItems.writeEvent(out, e);
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

  /**
   * Decodes a message from another node: a batch or an ack. An event alone is refused: events reach
   * a flow only in a host's batch, which carries the app's token ({@link AppToken}), so a member
   * cannot hand a flow a forged one.
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
          case HOST_ACK -> new HostMessage.Ack(in.requiredString("the app id"), token(in), ack(in));
          case FLOW_ACK -> new FlowMessage.Ack(requiredRef(in, "the host"), token(in), ack(in));
          case EVENT -> WireItems.readEvent(in, WireTags.Event.ofManifest(manifest));
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
      commands.add(WireItems.readCommand(in));
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
      events.add(WireItems.readEvent(in, WireTags.Event.of(in.varint())));
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

  private <T> ActorRef<T> requiredRef(WireReader in, String what) throws NotSerializableException {
    String path = in.requiredString(what);
    try {
      return refs.resolve(path);
    } catch (RuntimeException e) {
      throw new NotSerializableException(
          "malformed Fulgur message: " + what + " is not an actor ref: " + e.getMessage());
    }
  }
}
