package io.dialback.link;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What waits for a reply, by reply address, each entry with a deadline: a hub's deliveries that its
 * peer is to answer, a client's requests. Entries are kept in the order they were put.
 *
 * <p>Not thread-safe: one connection's event loop owns it.
 */
public final class ReplyTable<E> {
  private final Map<String, Slot<E>> slots = new LinkedHashMap<>();

  private record Slot<E>(E entry, long deadlineNanos) {}

  /**
   * Adds {@code entry} under {@code id}, due at {@code deadlineNanos} ({@code System.nanoTime}).
   */
  public void put(String id, E entry, long deadlineNanos) {
    slots.put(id, new Slot<>(entry, deadlineNanos));
  }

  /** Takes the entry under {@code id} out, or {@code null}: an entry is answered once. */
  public E remove(String id) {
    Slot<E> slot = slots.remove(id);
    return slot == null ? null : slot.entry();
  }

  /** Whether {@code id} is waiting. */
  public boolean contains(String id) {
    return slots.containsKey(id);
  }

  public int size() {
    return slots.size();
  }

  public boolean isEmpty() {
    return slots.isEmpty();
  }

  /**
   * Takes out every entry due by {@code nowNanos} and hands each to {@code expired}. With {@code
   * inOrder} the deadlines are known to grow in insertion order (one timeout for all), so the scan
   * stops at the first entry not yet due.
   */
  public void expire(long nowNanos, boolean inOrder, BiConsumer<String, E> expired) {
    if (slots.isEmpty()) {
      return; // the common case on a hub's every delivery and a client's every sweep
    }
    List<Map.Entry<String, Slot<E>>> due = null;
    Iterator<Map.Entry<String, Slot<E>>> it = slots.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Slot<E>> e = it.next();
      if (nowNanos - e.getValue().deadlineNanos() >= 0) {
        it.remove();
        if (due == null) {
          due = new ArrayList<>();
        }
        due.add(e);
      } else if (inOrder) {
        break;
      }
    }
    if (due != null) {
      due.forEach(e -> expired.accept(e.getKey(), e.getValue().entry()));
    }
  }

  /** The earliest deadline of the entries ({@code System.nanoTime}); call only when not empty. */
  public long earliestDeadline() {
    Iterator<Slot<E>> it = slots.values().iterator();
    long earliest = it.next().deadlineNanos();
    while (it.hasNext()) {
      long d = it.next().deadlineNanos();
      if (d - earliest < 0) {
        earliest = d;
      }
    }
    return earliest;
  }

  /** Takes out every entry (the connection is gone) and hands each to {@code each}. */
  public void drain(BiConsumer<String, E> each) {
    List<Map.Entry<String, Slot<E>>> all = new ArrayList<>(slots.entrySet());
    slots.clear();
    all.forEach(e -> each.accept(e.getKey(), e.getValue().entry()));
  }

  /** Takes out the entries {@code which} selects, handing each to {@code each}. */
  public void removeIf(java.util.function.Predicate<E> which, BiConsumer<String, E> each) {
    List<Map.Entry<String, Slot<E>>> chosen = new ArrayList<>();
    Iterator<Map.Entry<String, Slot<E>>> it = slots.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Slot<E>> e = it.next();
      if (which.test(e.getValue().entry())) {
        it.remove();
        chosen.add(e);
      }
    }
    chosen.forEach(e -> each.accept(e.getKey(), e.getValue().entry()));
  }
}
