package io.dialback.hub.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Completable;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Look-ups of an agent call address that find no route although the registry lists the agent on a
 * live member: they wait for its route, instead of answering "no handlers" at once.
 *
 * <p>Why: an agent is listed (its registry entry) as it logs in; its route is written once it has
 * registered its addresses, a moment later, and reaches each other member as a change event. In a
 * full-size rolling-restart run, under the load of 500 agents logging in, a listed agent's route
 * reached the caller's hub 0.5 and 1.5 s after it logged in, and calls failed "nobody serves" after
 * the 620 ms of no-handler retries. Whoever sends in that window (a bridge connection, a hub link
 * falling back to the event bus, a clustered Vert.x service) now waits until the route arrives or
 * {@link #WAIT_MS} has passed. An agent that is not listed, is listed on a member that left, or
 * whose route is here but lacks the address, is answered at once, as before. So is a look-up
 * waiting for an agent whose registry entry goes meanwhile (it left before it was routed, or left
 * and its route's removal came first), within {@link #RECHECK_MS} and then twice as long each time:
 * it used to wait out {@link #WAIT_MS}. The registry is read again for the names that have look-ups
 * waiting, rather than listened to: a listener would hear of every agent that leaves, thousands at
 * once after a hub dies, on every hub, for the rare look-up that waits. And the reads back off: in
 * a storm, a hundred names can have look-ups waiting on each hub.
 */
final class DueRoutes {
  /** The longest a look-up waits for a listed agent's route. */
  static final long WAIT_MS = 5_000;

  /**
   * The longest the registry is waited for: while a dead member's partitions move, a read can take
   * seconds (Hazelcast retries it every 500 ms), and a look-up that waited for it held up every
   * call to the address behind it. After a kill -9 of a hub holding 1,000 agents, a sample of them
   * answered a second later than without the wait. A read that takes longer counts as "not listed":
   * the caller hears "no handlers", and the hub's no-handler retries send again.
   */
  static final long READ_MS = 100;

  /** When the registry is first read again for a name that look-ups wait for. */
  static final long RECHECK_MS = 500;

  /** How often it is read again after that, while look-ups wait. */
  static final long RECHECK_EVERY_MS = 1_000;

  /**
   * Runs the waits' ends and re-reads, all short. Not {@code CompletableFuture.delayedExecutor}: on
   * a machine of two cores or fewer its pool starts a thread for every task.
   */
  private static final ScheduledExecutorService TIMERS =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "dialback-due-routes");
            t.setDaemon(true);
            return t;
          });

  /** Look-ups waiting at most at once; more are answered "none" at once. */
  static final int MAX_WAITING = 10_000;

  private final IMap<String, String> registry;
  private final Predicate<String> isMember;

  /** Agent name → the look-ups waiting for its route; each set changed only inside compute. */
  private final Map<String, Set<Waiter>> waiting = new ConcurrentHashMap<>();

  private final AtomicInteger count = new AtomicInteger();

  /** Reads the agent registry's map of {@code hazelcast} (name → record and its member's id). */
  DueRoutes(HazelcastInstance hazelcast) {
    this.registry = hazelcast.getMap(HubCluster.AGENTS_MAP);
    this.isMember =
        uuid ->
            hazelcast.getCluster().getMembers().stream()
                .anyMatch(m -> m.getUuid().toString().equals(uuid));
  }

  /**
   * Answers the look-up of {@code address} (of agent {@code name}, which has no route here) once
   * {@code lookUp} finds a route for it, or with none when the agent is not listed on a live member
   * (or the registry does not say so within {@link #READ_MS}) or its route does not come in time.
   */
  void await(
      String address,
      String name,
      Function<String, List<RegistrationInfo>> lookUp,
      Completable<List<RegistrationInfo>> completion) {
    CompletableFuture<String> read = new CompletableFuture<>();
    registry
        .getAsync(name)
        .whenComplete(
            (stored, failure) -> {
              if (failure != null) {
                read.completeExceptionally(failure);
              } else {
                read.complete(stored);
              }
            });
    read.completeOnTimeout(null, READ_MS, TimeUnit.MILLISECONDS)
        .whenComplete(
            (stored, failure) -> {
              if (failure != null || !listedOnMember(stored)) {
                completion.succeed(List.of());
                return;
              }
              if (count.incrementAndGet() > MAX_WAITING) {
                count.decrementAndGet();
                completion.succeed(List.of());
                return;
              }
              Waiter w = new Waiter(address, lookUp, completion);
              List<Set<Waiter>> created = new ArrayList<>(1);
              waiting.compute(
                  name,
                  (n, set) -> {
                    Set<Waiter> s = set;
                    if (s == null) {
                      s = new HashSet<>();
                      created.add(s);
                    }
                    s.add(w);
                    return s;
                  });
              TIMERS.schedule(() -> finish(name, w, List.of()), WAIT_MS, TimeUnit.MILLISECONDS);
              changed(name); // the route may have come while the registry was read
              if (!created.isEmpty()) { // one chain of re-reads per set of waiters
                recheck(name, created.get(0), RECHECK_MS);
              }
            });
  }

  /**
   * Reads {@code name}'s registry entry again after {@code delayMs}, then every {@link
   * #RECHECK_EVERY_MS}, while {@code waiters} (the set of look-ups that started the chain) wait for
   * it: once it is gone (or its member is), they are answered. A new set, after this one emptied,
   * has a chain of its own.
   */
  private void recheck(String name, Set<Waiter> waiters, long delayMs) {
    TIMERS.schedule(
        () -> {
          if (waiting.get(name) != waiters) {
            return;
          }
          registry
              .getAsync(name)
              .whenComplete(
                  (stored, failure) -> {
                    if (failure == null && !listedOnMember(stored)) {
                      gone(name);
                    }
                    recheck(name, waiters, RECHECK_EVERY_MS);
                  });
        },
        delayMs,
        TimeUnit.MILLISECONDS);
  }

  /** Whether {@code stored} is a registry record whose member is in the cluster. */
  private boolean listedOnMember(String stored) {
    if (stored == null) {
      return false;
    }
    try {
      String member = new JsonObject(stored).getString("member");
      return member != null && isMember.test(member);
    } catch (DecodeException | ClassCastException e) {
      return false;
    }
  }

  /** {@code name}'s routes changed: the look-ups that now find one are answered. */
  void changed(String name) {
    List<Waiter> now = waitersOf(name);
    for (Waiter w : now) {
      List<RegistrationInfo> found = w.lookUp.apply(w.address);
      if (!found.isEmpty()) {
        finish(name, w, found);
      }
    }
  }

  /**
   * {@code name}'s registry entry went: its look-ups are answered with what they find now (none, as
   * a rule), as a look-up made now would be.
   */
  private void gone(String name) {
    List<Waiter> now = waitersOf(name);
    for (Waiter w : now) {
      finish(name, w, w.lookUp.apply(w.address));
    }
  }

  /** The look-ups waiting for {@code name} now. */
  private List<Waiter> waitersOf(String name) {
    List<Waiter> now = new ArrayList<>();
    waiting.computeIfPresent(
        name,
        (n, set) -> {
          now.addAll(set);
          return set;
        });
    return now;
  }

  private void finish(String name, Waiter w, List<RegistrationInfo> found) {
    if (!w.done.compareAndSet(false, true)) {
      return;
    }
    count.decrementAndGet();
    waiting.computeIfPresent(
        name,
        (n, set) -> {
          set.remove(w);
          return set.isEmpty() ? null : set;
        });
    w.completion.succeed(found);
  }

  private static final class Waiter {
    final String address;
    final Function<String, List<RegistrationInfo>> lookUp;
    final Completable<List<RegistrationInfo>> completion;
    final AtomicBoolean done = new AtomicBoolean();

    Waiter(
        String address,
        Function<String, List<RegistrationInfo>> lookUp,
        Completable<List<RegistrationInfo>> completion) {
      this.address = address;
      this.lookUp = lookUp;
      this.completion = completion;
    }
  }
}
