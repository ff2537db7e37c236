package io.fulgur.internal.flow;

import io.fulgur.internal.protocol.FlowMessage;
import io.fulgur.internal.protocol.HostMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Keeps a work's lines ahead of its call's end on the flow's node: a host batch's lines go to the
 * printer at once, and a work's Done, Failed, Stopped, Released or PlacementFailed that came after
 * lines of its own waits until they are printed (and the work's later events wait behind it), so
 * that the flow sees a call end only once its output is on the console. Other works' events, and a
 * work's progress with nothing ahead of it, go through at once.
 *
 * <p>A host's batch counts as handled, and is acknowledged, once its lines are printed (and those
 * of the batches before it): the host then lets the works that printed them go on. A lost ack is
 * made good by the host sending the batch again. A slow console so slows the works that print and,
 * through the channel's window, their host, not the flow.
 */
final class OutputGate {

  /** What the flow does with the events, and with the batches handled. */
  interface Sink {
    void event(FlowMessage.Event event);

    /**
     * {@code host}'s batches up to {@code seq} are handled; {@code printed}: their lines were just
     * printed, and works wait for the ack.
     */
    void handled(ActorRef<HostMessage> host, long seq, boolean printed);
  }

  /** An event that waits, and the host it came from. */
  private record Held(FlowMessage.Event event, ActorRef<HostMessage> host) {}

  /** A host's batch, handled once the lines up to {@code ticket} are printed. */
  private record Printing(long seq, long ticket) {}

  /** A work's ticket, kept until that ticket is printed. */
  private record WorkTicket(long ticket, String work) {}

  private final ActorRef<OutputPrinter.Print> printer;
  private final ActorRef<FlowMessage> flow;

  /** The events that wait, by the ticket they wait for. */
  private final TreeMap<Long, List<Held>> held = new TreeMap<>();

  /** Each work's latest lines' ticket, while they may be unprinted. */
  private final Map<String, Long> lastLines = new HashMap<>();

  /** Each work's latest waiting event's ticket: its later events wait behind it. */
  private final Map<String, Long> lastHeld = new HashMap<>();

  /** The entries of {@link #lastLines} and {@link #lastHeld} in the order of their tickets. */
  private final ArrayDeque<WorkTicket> ticketsKept = new ArrayDeque<>();

  private final Map<ActorRef<HostMessage>, ArrayDeque<Printing>> printing = new HashMap<>();

  /** Batches of lines given to the printer so far, and printed so far. */
  private long sent;

  private long printed;

  OutputGate(ActorRef<OutputPrinter.Print> printer, ActorRef<FlowMessage> flow) {
    this.printer = printer;
    this.flow = flow;
  }

  /** A host's batch, the next of its stream. */
  void accept(FlowMessage.Batch batch, Sink sink) {
    List<FlowMessage.Event> events = batch.events();
    List<FlowMessage.Output> lines = null;
    long ticket = sent + 1;
    for (FlowMessage.Event event : events) {
      String work = event.work();
      if (event instanceof FlowMessage.Output output) {
        if (lines == null) {
          lines = new ArrayList<>();
        }
        lines.add(output);
        Long before = lastLines.put(work, ticket);
        if (before == null || before != ticket) {
          ticketsKept.add(new WorkTicket(ticket, work));
        }
      } else if (sent == printed && lines == null) {
        sink.event(event); // nothing unprinted: the common case
      } else {
        long after =
            endsCall(event)
                ? Math.max(ticketOf(lastLines, work), ticketOf(lastHeld, work))
                : ticketOf(lastHeld, work);
        if (after > printed) {
          held.computeIfAbsent(after, t -> new ArrayList<>()).add(new Held(event, batch.host()));
          lastHeld.put(work, after);
          ticketsKept.add(new WorkTicket(after, work));
        } else {
          sink.event(event);
        }
      }
    }
    ArrayDeque<Printing> unprinted = printing.get(batch.host());
    if (lines != null) {
      sent = ticket;
      if (unprinted == null) {
        unprinted = new ArrayDeque<>();
        printing.put(batch.host(), unprinted);
      }
      unprinted.add(new Printing(batch.seq(), ticket));
      printer.tell(new OutputPrinter.Print(lines, ticket, flow));
    } else if (unprinted == null || unprinted.isEmpty()) {
      sink.handled(batch.host(), batch.seq(), false);
    } else {
      // acks are cumulative: this one waits for the lines of the batches before it
      unprinted.add(new Printing(batch.seq(), unprinted.peekLast().ticket()));
    }
  }

  private long ticketOf(Map<String, Long> tickets, String work) {
    if (tickets.isEmpty()) {
      return 0;
    }
    Long ticket = tickets.get(work);
    return ticket == null ? 0 : ticket;
  }

  private static boolean endsCall(FlowMessage.Event event) {
    return event instanceof FlowMessage.Done
        || event instanceof FlowMessage.Failed
        || event instanceof FlowMessage.Stopped
        || event instanceof FlowMessage.Released
        || event instanceof FlowMessage.PlacementFailed;
  }

  /** The printer printed every batch up to {@code ticket}. */
  void printed(long ticket, Sink sink) {
    printed = Math.max(printed, ticket);
    while (!held.isEmpty() && held.firstKey() <= printed) {
      for (Held h : held.pollFirstEntry().getValue()) {
        sink.event(h.event());
      }
    }
    for (Map.Entry<ActorRef<HostMessage>, ArrayDeque<Printing>> host : printing.entrySet()) {
      ArrayDeque<Printing> batches = host.getValue();
      long seq = 0;
      while (!batches.isEmpty() && batches.peek().ticket() <= printed) {
        seq = batches.poll().seq();
      }
      if (seq > 0) {
        sink.handled(host.getKey(), seq, true);
      }
    }
    // what no work waits for any more
    while (!ticketsKept.isEmpty() && ticketsKept.peek().ticket() <= printed) {
      WorkTicket done = ticketsKept.poll();
      lastLines.remove(done.work(), done.ticket());
      lastHeld.remove(done.work(), done.ticket());
    }
  }

  /**
   * The host is gone: its events still waiting are dropped (its calls end as the node's loss says);
   * its lines already given to the printer are printed.
   */
  void forget(ActorRef<HostMessage> host) {
    for (List<Held> events : held.values()) {
      events.removeIf(h -> h.host().equals(host));
    }
    held.values().removeIf(List::isEmpty);
    printing.remove(host);
  }
}
