package io.dialback.hub.bridge;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hub-wide counters that bound what one source address or one identity can do: open connections per
 * address, failed logins per address per minute, requests per second per identity (a token bucket).
 * Thread-safe: every event loop of the hub uses them.
 */
final class Guards {
  private final Limits limits;
  private final ConcurrentMap<String, AtomicInteger> connections = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, FailureWindow> loginFailures = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  Guards(Limits limits) {
    this.limits = limits;
  }

  /** Counts a new connection from {@code host}; false (and not counted) when over the bound. */
  boolean admit(String host) {
    int max = limits.maxConnectionsPerAddress();
    AtomicInteger count = connections.computeIfAbsent(host, h -> new AtomicInteger());
    if (max > 0 && count.incrementAndGet() > max) {
      count.decrementAndGet();
      return false;
    }
    if (max <= 0) {
      count.incrementAndGet();
    }
    return true;
  }

  void release(String host) {
    connections.computeIfPresent(host, (h, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  /** True when {@code host} failed to log in too often this minute: refuse it before login. */
  boolean loginBlocked(String host) {
    FailureWindow w = loginFailures.get(host);
    return w != null && w.count(System.nanoTime()) >= limits.maxLoginFailuresPerMinute();
  }

  void loginFailed(String host) {
    loginFailures.computeIfAbsent(host, h -> new FailureWindow()).add(System.nanoTime());
    if (loginFailures.size() > 10_000) {
      // Forget quiet addresses rather than grow without bound under a spray of sources.
      long now = System.nanoTime();
      loginFailures.values().removeIf(w -> w.count(now) == 0);
    }
  }

  /** Takes one request from {@code identity}'s bucket; false when it is empty (over the rate). */
  boolean request(String identity) {
    int rate = limits.maxRequestsPerSecond();
    if (rate <= 0) {
      return true;
    }
    return buckets.computeIfAbsent(identity, i -> new Bucket(rate)).take(System.nanoTime());
  }

  /** Failures within the current minute. */
  private static final class FailureWindow {
    private long start;
    private int count;

    synchronized void add(long now) {
      roll(now);
      count++;
    }

    synchronized int count(long now) {
      roll(now);
      return count;
    }

    private void roll(long now) {
      if (now - start > 60_000_000_000L) {
        start = now;
        count = 0;
      }
    }
  }

  /** {@code rate} requests a second, with a burst of one second's worth. */
  private static final class Bucket {
    private final double rate;
    private double tokens;
    private long last = System.nanoTime();

    Bucket(int rate) {
      this.rate = rate;
      this.tokens = rate;
    }

    synchronized boolean take(long now) {
      tokens = Math.min(rate, tokens + (now - last) * rate / 1e9);
      last = now;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
  }
}
