package io.dialback.hub.cluster;

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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
public final class HubClusterManager extends HazelcastClusterManager implements ClusterRoutes {
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
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "dialback-routes-refresh");
            t.setDaemon(true);
            return t;
          });
  private volatile LiveRoutes routes;

  /** How many subscription changes may be under way at once (see {@link #inLane}). */
  static final int SUBSCRIPTION_LANES = 8;

  private volatile ContextInternal[] lanes;

  public HubClusterManager(Config config) {
    super(config);
  }

  @Override
  public void init(Vertx vertx) {
    super.init(vertx);
    ContextInternal[] lanes = new ContextInternal[SUBSCRIPTION_LANES];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = ((VertxInternal) vertx).createEventLoopContext();
    }
    this.lanes = lanes;
  }

  @Override
  public void addRegistration(String address, RegistrationInfo info, Completable<Void> completion) {
    RegistrationInfo[] slot = capturing.get();
    if (slot != null) {
      slot[0] = info;
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
      inLane(address, () -> super.removeRegistration(address, info, Promise.promise()));
    }
  }

  @Override
  public void registrationListener(RegistrationListener listener) {
    LiveRoutes live = new LiveRoutes(listener, this::getNodeId);
    routes = live;
    super.registrationListener(live);
  }

  @Override
  public void getRegistrations(String address, Completable<List<RegistrationInfo>> completion) {
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
  public void memberRemoved(MembershipEvent event) {
    LiveRoutes live = routes;
    if (live != null) {
      // Before the superclass, which takes the member's consumers out one by one (seconds).
      live.left(event.getMember().getAttribute(NODE_ID));
    }
    super.memberRemoved(event);
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    super.memberAdded(event);
    LiveRoutes live = routes;
    if (live != null) {
      live.joined(event.getMember().getAttribute(NODE_ID), address -> lookUpAfresh(live, address));
    }
    forgetRoutesSoon(); // another cluster may have merged into this one: look routes up again
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
    super.leave(completion);
  }

  private void forgetRoutesSoon() {
    for (long ms : FORGET_ROUTES_AFTER_MS) {
      try {
        later.schedule(this::forgetRoutes, ms, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        return; // leaving
      }
    }
  }

  private void forgetRoutes() {
    LiveRoutes live = routes;
    if (live != null && isActive()) {
      live.refreshAll(address -> lookUpAfresh(live, address));
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
