package io.dialback.hub.registry;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.dialback.hub.cluster.HubCluster;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Wire;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of a clustered hub: one Hazelcast map, agent name → entry (JSON, with the id of the
 * member that owns it), shared by every hub.
 *
 * <ul>
 *   <li>A name is bound with {@code putIfAbsent}: unique across the cluster. An entry whose owner
 *       is no longer a member is stale and may be taken over.
 *   <li>When a member leaves (killed, or frozen past the heartbeat bound), every hub removes that
 *       member's entries with a conditional remove; the first one wins.
 *   <li>Entries carry a lease that their owner renews; an owner that cannot renew (and is somehow
 *       still a member) loses them when the lease runs out.
 *   <li>{@code joined} and {@code left} are published by a <em>local</em> entry listener: only the
 *       member that owns an entry's partition hears of its change, so each change is announced
 *       once, whatever caused it (bind, unbind, a dead member, an expired lease).
 *   <li>After a split cluster heals, each hub re-asserts its agents, announces them again, and
 *       closes any connection whose name is now held elsewhere.
 * </ul>
 *
 * <p>Hazelcast calls block, so they run on worker threads.
 */
public final class ClusteredAgentRegistry implements AgentRegistry {
  private static final Logger log = LoggerFactory.getLogger(ClusteredAgentRegistry.class);

  /** Marks a stored entry whose hub is stopping and whose agent moves. */
  static final String MOVING = "moving";

  /** How long {@link #list()} waits for the cluster before it fails. */
  static final long LIST_WAIT_MS = 4000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> map;
  private final long leaseMs;
  private final Map<String, Binding> local = new ConcurrentHashMap<>();
  private final AtomicBoolean renewing = new AtomicBoolean();
  private final HolderWait holders;

  private final AtomicReference<Future<List<AgentRecord>>> listing = new AtomicReference<>();

  private final Listing listed = new Listing();
  private UUID entryListener;
  private UUID membershipListener;
  private UUID lifecycleListener;
  private long renewTimer = -1;

  /** When the last renewing pass started ({@code System.nanoTime}); passes run one at a time. */
  private volatile long renewedNanos = System.nanoTime();

  public ClusteredAgentRegistry(Vertx vertx, HazelcastInstance hazelcast, long leaseMs) {
    this.vertx = Objects.requireNonNull(vertx, "vertx == null");
    this.hazelcast = Objects.requireNonNull(hazelcast, "hazelcast == null");
    this.map = hazelcast.getMap(HubCluster.AGENTS_MAP);
    this.leaseMs = leaseMs;
    this.holders = new HolderWait(vertx);
  }

  /** Starts listening and renewing; call once. */
  public Future<Void> start() {
    return vertx.executeBlocking(
        () -> {
          entryListener =
              map.addLocalEntryListener(
                  new RegistryAnnouncer(vertx), Predicates.alwaysTrue(), true);
          membershipListener =
              hazelcast.getCluster().addMembershipListener(new Reaper(vertx, map, holders));
          lifecycleListener =
              hazelcast
                  .getLifecycleService()
                  .addLifecycleListener(
                      event -> {
                        if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                          log.info("cluster merged: re-asserting this hub's agents");
                          vertx.executeBlocking(() -> renew(true), false);
                        }
                      });
          renewTimer =
              vertx.setPeriodic(
                  renewEveryMs(), t -> vertx.executeBlocking(() -> renew(false), false));
          return null;
        },
        false);
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(renewTimer);
    return vertx.executeBlocking(
        () -> {
          if (hazelcast.getLifecycleService().isRunning()) {
            map.removeEntryListener(entryListener);
            hazelcast.getCluster().removeMembershipListener(membershipListener);
            hazelcast.getLifecycleService().removeLifecycleListener(lifecycleListener);
          }
          return null;
        },
        false);
  }

  /**
   * Binds {@code record}'s name. The common case, a free name, is one asynchronous call that holds
   * no thread while the cluster answers: under a reconnect storm, blocking calls filled the worker
   * pool and logins waited behind each other for longer than the agents' keepalive.
   */
  @Override
  public Future<Void> bind(AgentRecord record, Runnable lost) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HolderWait.WAIT_MS);
    return bind(record, lost, deadline, HolderWait.FIRST_LOOK_MS);
  }

  /** {@link #bind}, waiting for a holder on another hub to go until {@code deadline}. */
  private Future<Void> bind(AgentRecord record, Runnable lost, long deadline, long lookMs) {
    String stored = stored(record);
    Context caller = vertx.getOrCreateContext();
    Promise<Void> bound = Promise.promise();
    map.submitToKey(record.name(), new BindIfFree(stored, leaseMs, memberIds()))
        .whenComplete(
            (previous, failure) ->
                caller.runOnContext(
                    v -> {
                      if (failure != null) {
                        bound.fail(failure);
                      } else if (previous == null) {
                        local.put(record.name(), new Binding(record, lost, stored));
                        bound.complete();
                      } else {
                        JsonObject holder = new JsonObject(previous);
                        waitForHolder(
                                holder.getString("member"),
                                holder.getString("hub"),
                                record,
                                lost,
                                deadline,
                                lookMs)
                            .onComplete(bound);
                      }
                    }));
    return bound.future();
  }

  /**
   * The name's holder is a connection on another hub that is still a member: wait for that hub to
   * leave ({@link HolderWait}), or {@code lookMs}, and try again; refuse once {@code deadline} has
   * passed.
   */
  private Future<Void> waitForHolder(
      String member, String hub, AgentRecord record, Runnable lost, long deadline, long lookMs) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0 && !isMember(member)) {
      // The bind's cluster call took the whole wait (partitions moving after a hub died), but the
      // holder's hub has left meanwhile: the next bind takes the name over. Refusing here told 49
      // agents in one 10,000-agent storm that a dead hub held their names.
      return bind(record, lost, deadline, lookMs);
    }
    if (left <= 0 || localMember().equals(member)) { // a holder here is known to be live
      return Future.failedFuture(
          FailureCode.CONFLICT.exception(
              "agent name " + record.name() + " is bound by a live connection on " + hub));
    }
    return holders
        .untilGone(member, Math.min(left, lookMs), () -> isMember(member))
        .compose(v -> bind(record, lost, deadline, lookMs * 2));
  }

  /** The ids of the cluster's members, as this hub sees them now. */
  private Set<String> memberIds() {
    Set<String> ids = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      ids.add(m.getUuid().toString());
    }
    return ids;
  }

  @Override
  public Future<Void> markMoving(AgentRecord record) {
    Binding binding = local.get(record.name());
    if (binding == null || !binding.record.connectionId().equals(record.connectionId())) {
      return Future.succeededFuture();
    }
    binding.moving = true;
    return vertx.executeBlocking(
        () -> {
          String moving = new JsonObject(binding.stored).put(MOVING, true).encode();
          if (map.replace(record.name(), binding.stored, moving)) {
            binding.stored = moving;
          }
          return null;
        },
        false);
  }

  @Override
  public Future<Void> unbind(AgentRecord record) {
    Binding binding = local.get(record.name());
    if (binding == null || !binding.record.connectionId().equals(record.connectionId())) {
      return Future.succeededFuture();
    }
    local.remove(record.name(), binding);
    Context caller = vertx.getOrCreateContext();
    Promise<Void> removed = Promise.promise();
    map.submitToKey(record.name(), new RemoveIfStored(binding.stored))
        .whenComplete(
            (done, failure) ->
                caller.runOnContext(
                    v -> {
                      if (failure != null) {
                        removed.fail(failure);
                      } else {
                        removed.complete();
                      }
                    }));
    return removed.future();
  }

  /**
   * Every bound agent, from a query of the whole map. While hubs join or leave, such a query can
   * wait on partitions changing owner for longer than any caller would: callers then get a failure
   * after {@link #LIST_WAIT_MS} instead of hanging to their own timeout, and join the one query in
   * flight rather than stacking more of them on worker threads.
   */
  @Override
  public Future<List<AgentRecord>> list() {
    Promise<List<AgentRecord>> started = Promise.promise();
    Future<List<AgentRecord>> query = listing.compareAndExchange(null, started.future());
    if (query == null) {
      query = started.future();
      vertx
          .executeBlocking(this::queryAll, false)
          .onComplete(
              done -> {
                listing.set(null);
                started.handle(done);
              });
    }
    return query
        .timeout(LIST_WAIT_MS, TimeUnit.MILLISECONDS)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof java.util.concurrent.TimeoutException
                        ? "no answer within " + LIST_WAIT_MS + " ms (hubs joining or leaving?)"
                        : e.toString()));
  }

  /** The map's size, failing after {@link #LIST_WAIT_MS} (readiness asks it: is the map there?). */
  @Override
  public Future<Integer> size() {
    return vertx.executeBlocking(map::size, false).timeout(LIST_WAIT_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * Every entry whose hub is still a member: a departed hub's entries stay in the map until the
   * reaper's pass removes them, which took 17 s on a survivor in a 10,000-agent storm, and its
   * agents are not connected meanwhile.
   */
  private List<AgentRecord> queryAll() {
    return listed.read(map.values(), memberIds());
  }

  /**
   * How often this hub looks over its entries: a third of the lease, at most 5 s, because a pass is
   * also what finds entries that went missing (in storms after a hub was killed, hundreds of a
   * survivor's entries did) and puts them back. Only every third of the lease does a pass renew
   * them: a renewal writes each entry, which is a backup operation and an update event per entry,
   * and with 10,000 idle agents on three hubs the three kept 0.96 of a core busy renewing every 5
   * s, 0.46 like this (FleetBench, 5 s before the kill, one run each).
   */
  private long renewEveryMs() {
    return Math.max(500, Math.min(leaseMs / 3, 5_000));
  }

  /**
   * Renews the lease of every binding of this hub, and puts back what went missing (after a split
   * cluster merged, say). A name now held by another hub's connection is lost: its local connection
   * is closed.
   */
  private Void renew(boolean announce) {
    if (!renewing.compareAndSet(false, true)) {
      return null;
    }
    try {
      String self = localMember();
      List<Binding> before = new ArrayList<>(local.values());
      if (before.isEmpty()) {
        return null;
      }
      // One pass over the entries this member stored, where they live: renewing their lease every
      // third of it, only reading them in between (to find what went missing).
      long start = System.nanoTime();
      boolean renewNow = announce || start - renewedNanos >= leaseMs / 3 * 1_000_000;
      Map<String, String> found =
          renewNow ? RenewOwn.renewAll(map, self, leaseMs) : RenewOwn.findAll(map, self);
      if (renewNow) {
        renewedNanos = start;
      }
      List<Binding> missing = new ArrayList<>();
      for (Binding b : before) {
        String name = b.record.name();
        if (local.get(name) != b) {
          continue; // unbound, or bound again, while the pass ran
        }
        String current = found.get(name);
        if (current == null) {
          // Gone from the map, held by another hub, or stored under this hub's former member id
          // (it rejoined the cluster): bound again as a login binds.
          missing.add(b);
        } else if (b.stored.equals(current)) {
          if (announce) {
            vertx.eventBus().publish(Wire.HUB_AGENTS_EVENTS, b.record.event(Wire.EVENT_JOINED));
          }
        } else {
          lose(b, new JsonObject(current).getString("hub"));
        }
      }
      for (Binding b :
          PutBack.run(map, leaseMs, missing, memberIds(), m -> stored(m.record), this::lose)) {
        if (announce) { // after a merge this hub's entries are under its former member id
          vertx.eventBus().publish(Wire.HUB_AGENTS_EVENTS, b.record.event(Wire.EVENT_JOINED));
        }
      }
    } catch (RuntimeException e) {
      log.warn("could not renew agent leases: {}", e.toString());
    } finally {
      renewing.set(false);
    }
    return null;
  }

  private void lose(Binding b, String holderHub) {
    if (b.moving) {
      local.remove(b.record.name(), b); // the agent moved to holderHub, as this hub asked it to
      return;
    }
    if (local.remove(b.record.name(), b)) {
      log.warn(
          "agent {} is now bound on {}; closing its connection here", b.record.name(), holderHub);
      b.lost.run(); // the connection moves to its own event loop
    }
  }

  private String stored(AgentRecord record) {
    return record.toStored(localMember()).encode();
  }

  private String localMember() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  private boolean isMember(String uuid) {
    return uuid != null && memberIds().contains(uuid);
  }
}
