package io.dialback.hub.bridge;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hub-wide counters that bound what one source address or one identity can do: connections per
 * address and per identity, connections still logging in (per address and in all), how fast failed
 * logins from an address are answered, and requests per second per identity (a token bucket).
 *
 * <p>Nothing here ever refuses a correct token because of what others did from the same address:
 * agents behind one NAT share it. Connections that have not logged in yet are bounded, and a new
 * one beyond the bound pushes out the oldest, so a client that logs in promptly always gets in.
 * Thread-safe: every event loop of the hub uses it.
 */
final class Guards {
  private final Limits limits;
  private final ConcurrentMap<String, AtomicInteger> connections = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicInteger> perIdentity = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, FailureWindow> loginFailures = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** Connections not logged in yet, oldest first, by source address (guarded by itself). */
  private final Map<String, ArrayDeque<BridgeConnection>> loggingIn = new HashMap<>();

  private int loggingInTotal;

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

  /**
   * {@code connection} from {@code host} starts logging in. Returns the connection it pushes out —
   * the oldest still logging in from the same address, or from anywhere when the hub-wide bound is
   * reached — or {@code null}.
   */
  BridgeConnection startLogin(String host, BridgeConnection connection) {
    synchronized (loggingIn) {
      ArrayDeque<BridgeConnection> mine = loggingIn.computeIfAbsent(host, h -> new ArrayDeque<>());
      BridgeConnection evicted = null;
      if (mine.size() >= limits.maxPendingLoginsPerAddress()) {
        evicted = mine.pollFirst();
      } else if (loggingInTotal >= limits.maxPendingLogins()) {
        evicted = oldestAnywhere();
      }
      if (evicted != null) {
        loggingInTotal--;
      }
      mine.addLast(connection);
      loggingInTotal++;
      return evicted;
    }
  }

  /** {@code connection} logged in, or closed: it no longer counts as logging in. */
  void endLogin(String host, BridgeConnection connection) {
    synchronized (loggingIn) {
      ArrayDeque<BridgeConnection> mine = loggingIn.get(host);
      if (mine != null && mine.remove(connection)) {
        loggingInTotal--;
        if (mine.isEmpty()) {
          loggingIn.remove(host);
        }
      }
    }
  }

  private BridgeConnection oldestAnywhere() {
    // The address with the most waiting gives up its oldest: a flood pays, not its neighbours.
    ArrayDeque<BridgeConnection> busiest = null;
    for (ArrayDeque<BridgeConnection> q : loggingIn.values()) {
      if (busiest == null || q.size() > busiest.size()) {
        busiest = q;
      }
    }
    return busiest == null ? null : busiest.pollFirst();
  }

  /** Counts a logged-in connection of {@code identity}; false (not counted) over the bound. */
  boolean connect(String identity) {
    AtomicInteger count = perIdentity.computeIfAbsent(identity, i -> new AtomicInteger());
    if (count.incrementAndGet() > limits.maxConnectionsPerIdentity()) {
      count.decrementAndGet();
      return false;
    }
    return true;
  }

  void disconnect(String identity) {
    AtomicInteger count = perIdentity.get(identity);
    if (count != null) {
      count.decrementAndGet();
    }
  }

  /**
   * How long the answer to a failed login from {@code host} is held back: longer once the address
   * fails often, so guessing is slow, while a correct token from the same address is never held.
   */
  long failureDelayMs(String host) {
    FailureWindow w = loginFailures.get(host);
    boolean often = w != null && w.count(System.nanoTime()) >= limits.maxLoginFailuresPerMinute();
    return often
        ? Math.max(limits.loginFailureDelayMs(), limits.maxLoginFailureDelayMs())
        : limits.loginFailureDelayMs();
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
