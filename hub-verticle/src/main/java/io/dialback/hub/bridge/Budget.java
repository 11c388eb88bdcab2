package io.dialback.hub.bridge;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hub-wide amount of something (bytes, registrations) with a share per identity: what the
 * connections of one identity hold together may not pass {@code perIdentity}, and what all of them
 * hold may not pass {@code total}. Thread-safe: every event loop of the hub uses it. One counter
 * per identity is kept for the hub's life; identities are bounded by the conf's tokens and names.
 */
final class Budget {
  private final String what;
  private final long perIdentity;
  private final long total;
  private final AtomicLong used = new AtomicLong();
  private final ConcurrentMap<String, AtomicLong> byIdentity = new ConcurrentHashMap<>();

  Budget(String what, long perIdentity, long total) {
    this.what = what;
    this.perIdentity = perIdentity;
    this.total = total;
  }

  /** Takes {@code n} for {@code identity} if both bounds allow it; false (nothing taken) if not. */
  boolean tryTake(String identity, long n) {
    AtomicLong mine = byIdentity.computeIfAbsent(identity, i -> new AtomicLong());
    if (mine.addAndGet(n) > perIdentity) {
      mine.addAndGet(-n);
      return false;
    }
    if (used.addAndGet(n) > total) {
      used.addAndGet(-n);
      mine.addAndGet(-n);
      return false;
    }
    return true;
  }

  /** Takes {@code n} whatever the bounds (it is already held); see {@link #over(String)}. */
  void take(String identity, long n) {
    byIdentity.computeIfAbsent(identity, i -> new AtomicLong()).addAndGet(n);
    used.addAndGet(n);
  }

  /** Gives back {@code n} that {@code identity} took. */
  void give(String identity, long n) {
    if (n == 0) {
      return;
    }
    used.addAndGet(-n);
    AtomicLong mine = byIdentity.get(identity);
    if (mine != null) {
      mine.addAndGet(-n);
    }
  }

  /** Whether {@code identity}, or the hub as a whole, holds more than its bound. */
  boolean over(String identity) {
    if (used.get() > total) {
      return true;
    }
    AtomicLong mine = byIdentity.get(identity);
    return mine != null && mine.get() > perIdentity;
  }

  /** Whether a single amount of {@code n} could ever be taken. */
  boolean fits(long n) {
    return n <= perIdentity && n <= total;
  }

  long used() {
    return used.get();
  }

  long used(String identity) {
    AtomicLong mine = byIdentity.get(identity);
    return mine == null ? 0 : mine.get();
  }

  long perIdentity() {
    return perIdentity;
  }

  long total() {
    return total;
  }

  /** What this budget counts, for messages: "registrations", "queued bytes". */
  String what() {
    return what;
  }
}
