package io.dialback.hub.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hubs' Hazelcast cluster manager, which can take one consumer out of the cluster's routing
 * while the consumer stays registered on its node ({@link ClusterRoutes}), and which stops routing
 * to a member as soon as it has left ({@link LiveRoutes}).
 */
public final class HubClusterManager extends HazelcastClusterManager implements ClusterRoutes {
  /** The member attribute that holds a member's Vert.x node id (vertx-hazelcast's). */
  private static final String NODE_ID = "__vertx.nodeId";

  private final ThreadLocal<RegistrationInfo[]> capturing = new ThreadLocal<>();
  private final Set<RegistrationInfo> withdrawn = ConcurrentHashMap.newKeySet();
  private volatile LiveRoutes routes;

  public HubClusterManager(Config config) {
    super(config);
  }

  @Override
  public void addRegistration(String address, RegistrationInfo info, Completable<Void> completion) {
    RegistrationInfo[] slot = capturing.get();
    if (slot != null) {
      slot[0] = info;
    }
    super.addRegistration(address, info, completion);
  }

  @Override
  public void removeRegistration(
      String address, RegistrationInfo info, Completable<Void> completion) {
    if (withdrawn.remove(info)) {
      completion.succeed(); // taken out of the routing already
      return;
    }
    super.removeRegistration(address, info, completion);
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
      super.removeRegistration(address, info, Promise.promise());
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
      live.joined(
          event.getMember().getAttribute(NODE_ID),
          address ->
              super.getRegistrations(
                  address,
                  (found, failure) -> {
                    if (failure == null && live.wantsUpdatesFor(address)) {
                      live.registrationsUpdated(new RegistrationUpdateEvent(address, found));
                    }
                  }));
    }
  }
}
