package io.dialback.hub.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.map.listener.MapClearedListener;
import io.dialback.logging.LogSafe;
import io.dialback.wire.Wire;
import io.vertx.core.Completable;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the cluster finds an agent's addresses: one entry per agent name in a Hazelcast map, {@code
 * name → the node that serves it and which of its addresses}, instead of one entry per address in
 * Vert.x's shared subscription map.
 *
 * <p>Why: an agent registers four or five addresses, and each was a cluster write when it logged in
 * and a cluster removal when it left or its hub died. After a hub holding a thousand agents was
 * killed, those writes (five thousand of them, plus the dead hub's five thousand removals, one at a
 * time) ran while the same agents logged in again on the survivors, and a moved agent answered
 * seconds after it was listed. Here an agent's logins and moves cost one write each (two at most,
 * when its registrations straddle a write), and a dead node's routes stop counting the moment the
 * cluster says it left.
 *
 * <p>Every hub and {@code ClusterMember} service keeps a copy of the map, fed by its change events,
 * and answers the event bus's look-ups for {@code agent.<name>.*} calls from it: the node that
 * serves the name, if it serves that address; none if not (a listed agent's first route is waited
 * for: {@link DueRoutes}). A route changes the event bus's cached routes as soon as its event
 * arrives. Agent event addresses and every other address stay in Vert.x's subscription map.
 *
 * <p>Writes are conditional ({@link SetRoute}): a node that takes an address on takes the name over
 * (the agent logged in there, which the registry allowed); one that gives addresses up changes the
 * entry only while it is its own, so a hub an agent left cannot undo its new route. Thread-safe.
 */
final class AgentRoutes
    implements EntryAddedListener<String, String>,
        EntryUpdatedListener<String, String>,
        EntryRemovedListener<String, String>,
        EntryMergedListener<String, String>,
        MapClearedListener {
  private static final Logger log = LoggerFactory.getLogger(AgentRoutes.class);

  /** The Hazelcast map of agent routes. */
  static final String MAP = "dialback.routes";

  private final String self;
  private final Executor later;
  private final IMap<String, String> map;
  private volatile RegistrationListener bus;
  private volatile DueRoutes due;

  /** The cluster's routes, as last heard: agent name → route. */
  private final Map<String, StoredRoute> routes = new ConcurrentHashMap<>();

  /** This node's own agent addresses, by agent name. */
  private final Map<String, Own> own = new ConcurrentHashMap<>();

  /** Addresses the event bus holds a route for, by agent name: what a route change updates. */
  private final Map<String, Set<String>> cached = new ConcurrentHashMap<>();

  /** The nodes in the cluster now: a route to any other is ignored. */
  private volatile Set<String> live = Set.of();

  /**
   * @param later runs this node's writes (a little later, so that an agent's registrations of one
   *     moment go in one write)
   */
  AgentRoutes(String self, IMap<String, String> map, Executor later) {
    this.self = self;
    this.map = map;
    this.later = later;
  }

  /** The event bus's listener, which hears of route changes from now on. */
  void listen(RegistrationListener bus) {
    this.bus = bus;
  }

  /** Look-ups of listed agents without a route wait with {@code due} from now on. */
  void awaitWith(DueRoutes due) {
    this.due = due;
  }

  /** Whether {@code address} is routed here rather than by Vert.x's subscription map. */
  static boolean routes(String address) {
    return Wire.isAgentCall(address);
  }

  /**
   * Listens to the map and reads it whole; blocks (call from a worker).
   *
   * @param members the nodes in the cluster now
   */
  void start(Set<String> members) {
    members(members);
    map.addEntryListener(this, true);
    reload();
  }

  /**
   * Reads the whole map again and updates whatever changed (after a split cluster merged, whose
   * change events need not all have reached this node), and writes this node's own routes again
   * where they went missing. Blocks.
   */
  void reload() {
    Map<String, StoredRoute> now = new HashMap<>();
    map.forEach((name, stored) -> now.put(name, StoredRoute.decode(stored)));
    for (String name : routes.keySet()) {
      if (!now.containsKey(name)) {
        changed(name, null);
      }
    }
    now.forEach(this::changed);
    own.forEach(this::flushSoon);
  }

  // --- this node's own addresses ---

  /** A consumer of agent address {@code address} was registered on this node. */
  void added(String address, Completable<Void> done) {
    String name = Wire.agentNameOf(address);
    while (true) {
      Own o = own.computeIfAbsent(name, n -> new Own());
      synchronized (o) {
        if (o.retired) {
          continue; // its last write just ended: take a new one
        }
        o.counts.merge(address, 1, Integer::sum);
        o.claim = true;
        o.waiting.add(done);
      }
      refresh(name);
      flushSoon(name, o);
      return;
    }
  }

  /** A consumer of agent address {@code address} on this node left the cluster's routing. */
  void removed(String address, Completable<Void> done) {
    String name = Wire.agentNameOf(address);
    Own o = own.get(name);
    if (o == null) {
      done.succeed();
      return;
    }
    synchronized (o) {
      if (o.retired) {
        done.succeed();
        return;
      }
      o.counts.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
      o.waiting.add(done);
    }
    refresh(name);
    flushSoon(name, o);
  }

  private void flushSoon(String name, Own o) {
    synchronized (o) {
      if (o.scheduled || o.retired) {
        return;
      }
      o.scheduled = true;
      if (o.writing) {
        return; // the write in flight starts the next one when it ends
      }
    }
    later.execute(() -> flush(name, o));
  }

  /**
   * Writes {@code name}'s route as this node has it now. One write per name is in flight at a time,
   * so they reach the entry in order; a holder whose last write left no address retires only then.
   */
  private void flush(String name, Own o) {
    String route;
    boolean claim;
    List<Completable<Void>> waiting;
    synchronized (o) {
      if (o.writing || !o.scheduled) {
        return;
      }
      o.scheduled = false;
      o.writing = true;
      route = o.counts.isEmpty() ? null : new StoredRoute(self, o.counts.keySet()).encode();
      claim = o.claim;
      o.claim = false;
      waiting = new ArrayList<>(o.waiting);
      o.waiting.clear();
    }
    map.submitToKey(name, new SetRoute(self, route, claim))
        .whenComplete(
            (ok, failure) -> {
              boolean again;
              synchronized (o) {
                o.writing = false;
                again = o.scheduled;
                if (!again && o.counts.isEmpty()) {
                  o.retired = true;
                  own.remove(name, o);
                }
              }
              if (failure != null) {
                log.warn(
                    "could not write the route of agent {}: {}",
                    LogSafe.text(name),
                    failure.toString());
              }
              for (Completable<Void> c : waiting) {
                if (failure == null) {
                  c.succeed();
                } else {
                  c.fail(failure);
                }
              }
              if (again) {
                later.execute(() -> flush(name, o));
              }
            });
  }

  // --- look-ups for the event bus ---

  /** The registrations the event bus should route {@code address} to: one node, or none. */
  List<RegistrationInfo> lookUp(String address) {
    List<RegistrationInfo> found = resolve(address);
    if (!found.isEmpty()) { // the event bus caches a route only when there is one
      cached
          .computeIfAbsent(Wire.agentNameOf(address), n -> ConcurrentHashMap.newKeySet())
          .add(address);
    }
    return found;
  }

  /** As {@link #lookUp(String)}; when the agent has no route at all, {@link DueRoutes} answers. */
  void lookUp(String address, Completable<List<RegistrationInfo>> completion) {
    List<RegistrationInfo> found = lookUp(address);
    String name = Wire.agentNameOf(address);
    DueRoutes d = due;
    if (!found.isEmpty() || d == null || hasRoute(name)) {
      completion.succeed(found);
    } else {
      d.await(address, name, this::lookUp, completion);
    }
  }

  /** Whether agent {@code name} is served here or by another live node (any of its addresses). */
  private boolean hasRoute(String name) {
    if (own.containsKey(name)) {
      return true;
    }
    StoredRoute r = routes.get(name);
    return r != null && !self.equals(r.node()) && live.contains(r.node());
  }

  /** The other live node that serves {@code address}, or null (nobody, or this node). */
  String nodeOf(String address) {
    List<RegistrationInfo> found = resolve(address);
    return found.isEmpty() || self.equals(found.get(0).nodeId()) ? null : found.get(0).nodeId();
  }

  private List<RegistrationInfo> resolve(String address) {
    String name = Wire.agentNameOf(address);
    Own o = own.get(name);
    if (o != null) {
      synchronized (o) {
        if (o.counts.containsKey(address)) {
          return List.of(new RegistrationInfo(self, 0, false));
        }
      }
    }
    StoredRoute r = routes.get(name);
    if (r == null
        || self.equals(r.node()) // a route of this node's that it no longer holds is stale
        || !live.contains(r.node())
        || !r.addresses().contains(address)) {
      return List.of();
    }
    return List.of(new RegistrationInfo(r.node(), 0, false));
  }

  /** Hands the event bus {@code name}'s routes afresh, for each address it caches. */
  private void refresh(String name) {
    DueRoutes d = due;
    if (d != null) {
      d.changed(name);
    }
    Set<String> addresses = cached.get(name);
    RegistrationListener bus = this.bus;
    if (addresses == null || bus == null) {
      return;
    }
    for (String address : addresses) {
      if (bus.wantsUpdatesFor(address)) {
        bus.registrationsUpdated(new RegistrationUpdateEvent(address, resolve(address)));
      } else {
        addresses.remove(address);
      }
    }
    if (addresses.isEmpty()) {
      cached.remove(name, addresses);
    }
  }

  /**
   * The nodes in the cluster are now {@code nodes} (from the member list itself, at every change):
   * routes to a node that left stop counting at once, and routes to one that (re)joined count.
   */
  void members(Set<String> nodes) {
    Set<String> now = new HashSet<>(nodes);
    now.add(self);
    Set<String> before = live;
    live = Set.copyOf(now);
    routes.forEach(
        (name, r) -> {
          if (before.contains(r.node()) != now.contains(r.node())) {
            refresh(name);
          }
        });
  }

  /**
   * Removes the routes of node {@code node}, which left, from the map (those its agents have not
   * replaced by logging in elsewhere). Blocks. Every hub may do it; the first one does the work.
   */
  void forget(String node) {
    map.removeAll(new StoredRoute.OfNode(node));
  }

  // --- the map's change events ---

  private void changed(String name, StoredRoute now) {
    StoredRoute before = now == null ? routes.remove(name) : routes.put(name, now);
    if (now == null && before == null) {
      return;
    }
    refresh(name);
    Own o = own.get(name);
    if (now == null && o != null) {
      flushSoon(name, o); // this node still serves it: its route must not go missing
    }
  }

  @Override
  public void entryAdded(EntryEvent<String, String> event) {
    changed(event.getKey(), StoredRoute.decode(event.getValue()));
  }

  @Override
  public void entryUpdated(EntryEvent<String, String> event) {
    changed(event.getKey(), StoredRoute.decode(event.getValue()));
  }

  @Override
  public void entryMerged(EntryEvent<String, String> event) {
    changed(event.getKey(), StoredRoute.decode(event.getValue()));
  }

  @Override
  public void entryRemoved(EntryEvent<String, String> event) {
    changed(event.getKey(), null);
  }

  @Override
  public void mapCleared(MapEvent event) {
    for (String name : routes.keySet()) {
      changed(name, null);
    }
  }

  /** This node's addresses of one agent, and the state of their write. */
  private static final class Own {
    final Map<String, Integer> counts = new HashMap<>();
    final List<Completable<Void>> waiting = new ArrayList<>();
    boolean claim;
    boolean scheduled;
    boolean writing;

    /** Its last write left the name without an address here: a new holder takes over. */
    boolean retired;
  }
}
