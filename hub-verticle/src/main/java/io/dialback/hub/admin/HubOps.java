package io.dialback.hub.admin;

import com.hazelcast.core.HazelcastInstance;
import io.dialback.hub.bridge.BridgeContext;
import io.dialback.hub.bridge.BridgeMetrics;
import io.dialback.hub.hubs.HubDirectory;
import io.dialback.hub.metrics.HubMetrics;
import io.dialback.hub.metrics.MetricsSetup;
import io.dialback.hub.registry.AgentRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a hub runs for its operators beside the bridge: the directory of hubs ({@code
 * hub.hubs.list}, always) and, when {@code admin} is on, the meters and the admin server. The hub
 * verticle makes it before its bridge (whose connections count into {@link #metrics()}) and starts
 * it once the bridge listens.
 */
public final class HubOps {
  private static final long REGISTRY_REFRESH_MS = 5_000;

  private final Vertx vertx;
  private final AdminConfig cfg;
  private final HazelcastInstance hazelcast;
  private final PrometheusMeterRegistry meters;
  private final HubMetrics metrics;
  private final AtomicInteger registered = new AtomicInteger();
  private HubDirectory directory;
  private AdminServer server;
  private long refresh = -1;
  private int adminPort;

  /**
   * @param hazelcast the cluster, or null for a hub alone
   */
  public HubOps(Vertx vertx, AdminConfig cfg, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.cfg = cfg;
    this.hazelcast = hazelcast;
    this.meters = cfg.enabled() ? MetricsSetup.registry(vertx) : null;
    this.metrics = meters == null ? null : new HubMetrics(meters);
  }

  /** Where the bridge counts: the hub's meters, or nothing without an admin port. */
  public BridgeMetrics metrics() {
    return metrics == null ? BridgeMetrics.NONE : metrics;
  }

  /** Starts the directory, then (if on) the gauges and the admin server. */
  public Future<Void> start(BridgeContext bridge, AgentRegistry registry, String bridgeHost) {
    directory = new HubDirectory(vertx, bridge, bridgeHost + ":" + bridge.boundPort(), hazelcast);
    Future<Void> started = directory.start();
    if (!cfg.enabled()) {
      return started;
    }
    metrics.bind(
        bridge,
        () -> hazelcast == null ? 1 : hazelcast.getCluster().getMembers().size(),
        registered::get);
    refresh = vertx.setPeriodic(REGISTRY_REFRESH_MS, t -> refreshRegistered(registry));
    refreshRegistered(registry);
    server = new AdminServer(vertx, cfg, bridge, registry, directory, hazelcast, meters);
    return started
        .compose(v -> server.start())
        .map(
            port -> {
              adminPort = port;
              return (Void) null;
            });
  }

  private void refreshRegistered(AgentRegistry registry) {
    registry.size().onSuccess(registered::set);
  }

  /** The admin port, once it listens (0 when off). */
  public int adminPort() {
    return adminPort;
  }

  public Future<Void> close() {
    vertx.cancelTimer(refresh);
    Future<Void> admin = server == null ? Future.succeededFuture() : server.close();
    return admin.compose(v -> directory == null ? Future.succeededFuture() : directory.close());
  }
}
