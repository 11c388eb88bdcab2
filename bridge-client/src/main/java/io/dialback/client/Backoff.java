package io.dialback.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: attempt {@code n} waits about {@code initial * 2^(n-1)},
 * at most {@code max}, spread by {@code ±jitter} so that agents cut off together do not all return
 * in the same millisecond.
 */
public final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private final double jitter;

  public Backoff(Duration initial, Duration max, double jitter) {
    Objects.requireNonNull(initial, "initial == null");
    Objects.requireNonNull(max, "max == null");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial must be positive: " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max must be at least initial: " + max);
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be in 0..1: " + jitter);
    }
    this.initialMs = initial.toMillis();
    this.maxMs = max.toMillis();
    this.jitter = jitter;
  }

  /**
   * Milliseconds to wait before attempt {@code attempt} (1 is the first retry). Attempt 0 — the
   * first try after losing a working connection — waits only a random fraction of the initial
   * delay.
   */
  public long delayMs(int attempt) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (attempt <= 0) {
      return random.nextLong(initialMs + 1);
    }
    long base = initialMs << Math.min(attempt - 1, 30);
    if (base <= 0 || base > maxMs) {
      base = maxMs;
    }
    double spread = 1 + jitter * (2 * random.nextDouble() - 1);
    return Math.max(1, Math.min(maxMs, Math.round(base * spread)));
  }
}
