package io.dialback.hub.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Completable;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hubs' Hazelcast cluster manager, which can take one consumer out of the cluster's routing
 * while the consumer stays registered on its node ({@link ClusterRoutes}), which stops routing to a
 * member as soon as it has left ({@link LiveRoutes}), and which makes the event bus look its routes
 * up again after a merge.
 *
 * <p>Why the latter: when a cut-off hub merges into this one's cluster, the merging hub puts its
 * consumers back into Vert.x's subscription map, but this hub's event bus keeps what it cached
 * while alone (no handlers there) when the map's change events do not reach it. Measured in
 * ClusterTest: after hub 3 merged into hub 2, hub 2 answered "No handlers" for an agent of hub 3
 * for a whole minute while hub 3 served it and both listed it. Vert.x 5.0.8's event bus replaces a
 * cached route only when handed that route again (its registrationsLost does nothing), so a little
 * after a member joins, this hub looks every route it remembers up again and hands it over.
 */
public final class HubClusterManager extends HazelcastClusterManager
    implements ClusterRoutes, LinkDirectory {
  private static final Logger log = LoggerFactory.getLogger(HubClusterManager.class);

  /** The cluster map of the hubs' link ports: Vert.x node id → {@code host:port}. */
  static final String LINKS_MAP = "dialback.links";

  /** The member attribute that holds a member's Vert.x node id (vertx-hazelcast's). */
  private static final String NODE_ID = "__vertx.nodeId";

  /**
   * When to forget the cached routes after a member joins or this hub merged: the merged side
   * republishes its consumers first.
   */
  static final long[] FORGET_ROUTES_AFTER_MS = {2_000, 10_000};

  private final ThreadLocal<RegistrationInfo[]> capturing = new ThreadLocal<>();
  private final Set<RegistrationInfo> withdrawn = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService later =
      Executors.newSingleThreadScheduledExecutor(daemon("dialback-routes-refresh"));
  private volatile LiveRoutes routes;
  private final ExecutorService membership =
      Executors.newSingleThreadExecutor(daemon("dialback-membership"));

  /** How many subscription changes may be under way at once (see {@link #inLane}). */
  static final int SUBSCRIPTION_LANES = 8;

  private volatile ContextInternal[] lanes;
  private volatile AgentRoutes agents;
  private volatile VertxInternal blocking;
  private volatile RegistrationListener busListener;

  public HubClusterManager(Config config) {
    super(config);
  }

  @Override
  public void init(Vertx vertx) {
    super.init(vertx);
    this.blocking = (VertxInternal) vertx;
    ContextInternal[] lanes = new ContextInternal[SUBSCRIPTION_LANES];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = ((VertxInternal) vertx).createEventLoopContext();
    }
    this.lanes = lanes;
  }

  /**
   * Joins, then starts the agent routes ({@link AgentRoutes}): their map's listener and a first
   * read of it, before the event bus routes anything.
   */
  @Override
  public void join(Completable<Void> completion) {
    super.join(
        (ok, failure) -> {
          if (failure != null) {
            completion.fail(failure);
            return;
          }
          AgentRoutes routes =
              new AgentRoutes(
                  getNodeId(), getHazelcastInstance().getMap(AgentRoutes.MAP), this::anyLane);
          routes.awaitWith(new DueRoutes(getHazelcastInstance()));
          blocking
              .<Void>executeBlocking(
                  () -> {
                    routes.listen(busListener);
                    agents = routes; // before it reads the members: it hears every change after
                    routes.start(memberNodes(getHazelcastInstance().getCluster().getMembers()));
                    return null;
                  },
                  false)
              .onComplete(
                  (v, e) -> {
                    if (e == null) {
                      completion.succeed();
                    } else {
                      completion.fail(e);
                    }
                  });
        });
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** The Vert.x node ids of {@code members}. */
  private static Set<String> memberNodes(Set<Member> members) {
    Set<String> nodes = new HashSet<>();
    for (Member m : members) {
      String node = m.getAttribute(NODE_ID);
      if (node != null) {
        nodes.add(node);
      }
    }
    return nodes;
  }

  @Override
  public void addRegistration(String address, RegistrationInfo info, Completable<Void> completion) {
    RegistrationInfo[] slot = capturing.get();
    if (slot != null) {
      slot[0] = info;
    }
    AgentRoutes routes = agents;
    if (routes != null && AgentRoutes.routes(address)) {
      routes.added(address, completion);
      return;
    }
    inLane(address, () -> super.addRegistration(address, info, completion));
  }

  @Override
  public void removeRegistration(
      String address, RegistrationInfo info, Completable<Void> completion) {
    if (withdrawn.remove(info)) {
      completion.succeed(); // taken out of the routing already
      return;
    }
    AgentRoutes routes = agents;
    if (routes != null && AgentRoutes.routes(address)) {
      routes.removed(address, completion);
      return;
    }
    inLane(address, () -> super.removeRegistration(address, info, completion));
  }

  /**
   * Runs a subscription change for {@code address} in the lane of that address. vertx-hazelcast
   * 5.0.8 runs the subscription changes made from one context one after another, each a blocking
   * call to the cluster: every consumer of every agent on one event loop of the hub queued behind
   * one thread, and after a hub failure the moved agents became callable seconds after they were
   * listed. Changes of one address stay in order (one lane); different addresses run side by side.
   */
  private void inLane(String address, Runnable change) {
    ContextInternal[] l = lanes;
    if (l == null) {
      change.run();
    } else {
      l[Math.floorMod(address.hashCode(), l.length)].runOnContext(v -> change.run());
    }
  }

  private final AtomicInteger nextLane = new AtomicInteger();

  /** Runs {@code task} in the next lane, round robin (writes that keep their own order). */
  private void anyLane(Runnable task) {
    ContextInternal[] l = lanes;
    if (l == null) {
      task.run();
    } else {
      l[Math.floorMod(nextLane.getAndIncrement(), l.length)].runOnContext(v -> task.run());
    }
  }

  @Override
  public Object capture(Runnable create) {
    RegistrationInfo[] slot = new RegistrationInfo[1];
    capturing.set(slot);
    try {
      create.run();
    } finally {
      capturing.remove();
    }
    return slot[0];
  }

  @Override
  public void withdraw(String address, Object token) {
    if (token instanceof RegistrationInfo info && withdrawn.add(info)) {
      AgentRoutes routes = agents;
      if (routes != null && AgentRoutes.routes(address)) {
        routes.removed(address, Promise.promise());
      } else {
        inLane(address, () -> super.removeRegistration(address, info, Promise.promise()));
      }
    }
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    busListener = listener; // called before join: the agent routes hear of it once they start
    LiveRoutes live = new LiveRoutes(listener, this::getNodeId);
    routes = live;
    super.registrationListener(live);
  }

  @Override
  public void getRegistrations(String address, Completable<List<RegistrationInfo>> completion) {
    AgentRoutes agentRoutes = agents;
    if (agentRoutes != null && AgentRoutes.routes(address)) {
      agentRoutes.lookUp(address, completion);
      return;
    }
    LiveRoutes live = routes;
    if (live == null) {
      super.getRegistrations(address, completion);
      return;
    }
    super.getRegistrations(
        address,
        (found, failure) -> {
          if (failure != null) {
            completion.fail(failure);
          } else {
            completion.succeed(live.lookedUp(address, found));
          }
        });
  }

  @Override
  public String nodeOf(String address) {
    AgentRoutes agentRoutes = agents;
    return agentRoutes == null || !AgentRoutes.routes(address) ? null : agentRoutes.nodeOf(address);
  }

  @Override
  public CompletionStage<Void> advertise(String endpoint) {
    return getHazelcastInstance().<String, String>getMap(LINKS_MAP).setAsync(getNodeId(), endpoint);
  }

  @Override
  public CompletionStage<String> endpointOf(String node) {
    return getHazelcastInstance().<String, String>getMap(LINKS_MAP).getAsync(node);
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    String node = event.getMember().getAttribute(NODE_ID);
    if (node != null) { // every member does it: whichever runs first takes the entry away
      getHazelcastInstance().getMap(LINKS_MAP).removeAsync(node);
    }
    AgentRoutes agentRoutes = agents;
    if (agentRoutes != null) {
      agentRoutes.members(memberNodes(event.getMembers()));
      if (node != null) {
        later(() -> agentRoutes.forget(node), HubCluster.cleanUpDelayMs(event));
      }
    }
    LiveRoutes live = routes;
    if (live != null) {
      // Before the superclass, which takes the member's consumers out one by one (seconds).
      live.left(node);
    }
    inOrder(() -> super.memberRemoved(event));
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    inOrder(
        () -> {
          super.memberAdded(event);
          AgentRoutes agentRoutes = agents;
          if (agentRoutes != null) {
            agentRoutes.members(memberNodes(event.getMembers()));
          }
          LiveRoutes live = routes;
          if (live != null) {
            live.joined(
                event.getMember().getAttribute(NODE_ID), address -> lookUpAfresh(live, address));
          }
          forgetRoutesSoon(); // another cluster may have merged into this one: look routes up again
        });
  }

  /**
   * Runs vertx-hazelcast's handling of a membership change on a thread of its own, in order.
   * Hazelcast calls every membership listener of a change one after another on one event thread,
   * and vertx-hazelcast's takes the departed member's subscriptions out with blocking cluster
   * calls: on a hub that had 1,000 agents' worth of them, the registry heard of the departure 3.1 s
   * after the cluster knew (FleetBench, the hubs' logs), and so did the logins waiting for it.
   */
  private void inOrder(Runnable change) {
    try {
      membership.execute(
          () -> {
            try {
              change.run();
            } catch (RuntimeException e) {
              if (isActive()) {
                log.warn("membership change: {}", e.toString());
              }
            }
          });
    } catch (RejectedExecutionException e) {
      // leaving
    }
  }

  @Override
  public synchronized void stateChanged(LifecycleEvent event) {
    super.stateChanged(event);
    if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
      forgetRoutesSoon();
    }
  }

  @Override
  public void leave(Completable<Void> completion) {
    later.shutdownNow();
    membership.shutdown();
    super.leave(completion);
  }

  private void forgetRoutesSoon() {
    for (long ms : FORGET_ROUTES_AFTER_MS) {
      later(this::forgetRoutes, ms);
    }
  }

  /** Runs {@code task} on the refresh thread after {@code ms}, unless leaving; logs failures. */
  private void later(Runnable task, long ms) {
    Runnable logged =
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            if (isActive()) {
              log.warn("cluster routes: {}", e.toString());
            }
          }
        };
    try {
      later.schedule(logged, ms, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // leaving
    }
  }

  private void forgetRoutes() {
    LiveRoutes live = routes;
    if (live != null && isActive()) {
      live.refreshAll(address -> lookUpAfresh(live, address));
    }
    AgentRoutes agentRoutes = agents;
    if (agentRoutes != null && isActive()) {
      agentRoutes.reload();
    }
  }

  /** Looks {@code address} up in the subscription map and hands the event bus what it finds. */
  private void lookUpAfresh(LiveRoutes live, String address) {
    super.getRegistrations(
        address,
        (found, failure) -> {
          if (failure == null && live.wantsUpdatesFor(address)) {
            live.registrationsUpdated(new RegistrationUpdateEvent(address, found));
          }
        });
  }
}
