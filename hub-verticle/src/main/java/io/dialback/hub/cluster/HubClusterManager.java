package io.dialback.hub.cluster;

import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hubs' Hazelcast cluster manager, which can take one consumer out of the cluster's routing
 * while the consumer stays registered on its node ({@link ClusterRoutes}).
 */
public final class HubClusterManager extends HazelcastClusterManager implements ClusterRoutes {
  private final ThreadLocal<RegistrationInfo[]> capturing = new ThreadLocal<>();
  private final Set<RegistrationInfo> withdrawn = ConcurrentHashMap.newKeySet();

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
}
