package io.dialback.hub.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Iterator;

/**
 * Builds a clustered Vert.x for a hub with our own Hazelcast config — the one in the
 * vertx-hazelcast jar joins by multicast: TCP-IP join on the listed members only, bound to one
 * interface, multicast and auto-detection off, phone-home off, phi-accrual failure detection, and
 * the maps Vert.x itself needs.
 */
public final class HubCluster {
  /** The Hazelcast map of bound agent names (see {@code ClusteredAgentRegistry}). */
  public static final String AGENTS_MAP = "dialback.agents";

  /** Suspicion level (phi) at which a silent member is dropped: about 1 in 10^10 to be wrong. */
  static final double PHI_THRESHOLD = 10;

  /** Heartbeat intervals the detector remembers per member (over 3 minutes at 1 s). */
  static final int PHI_SAMPLES = 200;

  /** Floor of the intervals' standard deviation, so a very regular history is not brittle. */
  static final int PHI_MIN_STD_DEV_MS = 100;

  /** How long a survivor that is not the oldest waits before it cleans up after a departed hub. */
  static final long SPARE_CLEAN_UP_MS = 30_000;

  private HubCluster() {}

  /**
   * When this member removes the map entries of the member {@code event} says left: at once if it
   * is the oldest of those that remain, {@link #SPARE_CLEAN_UP_MS} later if not (a spare, should
   * the oldest fail meanwhile; it then finds little or nothing). With every survivor at once, two
   * hubs scanned and emptied the same entries while the departed hub's agents logged in again: 8.8
   * s each for 3,300 agents, competing with the logins for the partition threads.
   */
  public static long cleanUpDelayMs(MembershipEvent event) {
    Iterator<Member> remaining = event.getMembers().iterator();
    return remaining.hasNext() && remaining.next().localMember() ? 0 : SPARE_CLEAN_UP_MS;
  }

  /** The Hazelcast config for {@code cfg}. */
  public static Config hazelcastConfig(ClusterConfig cfg) {
    Config config = new Config().setClusterName(cfg.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty(
        "hazelcast.heartbeat.interval.seconds", String.valueOf(cfg.heartbeatSeconds()));
    failureDetection(config, cfg);
    config.setProperty(
        "hazelcast.merge.first.run.delay.seconds", String.valueOf(cfg.mergeDelaySeconds()));
    config.setProperty(
        "hazelcast.merge.next.run.delay.seconds", String.valueOf(cfg.mergeDelaySeconds()));
    // A call to a member that stopped answering fails within this, rather than after 2 minutes.
    config.setProperty("hazelcast.operation.call.timeout.millis", "5000");
    // A hub is small: few threads. Not fewer I/O threads than Hazelcast's 3 in and 3 out, though:
    // with one outbound thread, the connection a new master opens to a frozen member (which the
    // kernel accepts and the process never answers) kept that thread spinning, no heartbeat left
    // for the healthy members, and on a loaded machine they dropped each other (clustering.md).
    config.setProperty("hazelcast.event.thread.count", "2");
    config.setProperty("hazelcast.partition.operation.thread.count", "2");
    config.setProperty("hazelcast.operation.generic.thread.count", "1");
    config.setProperty(
        "hazelcast.shutdownhook.enabled", "false"); // Vert.x leaves the cluster itself

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cfg.port()).setPortAutoIncrement(false);
    network.setPublicAddress(cfg.host() + ":" + cfg.port());
    network.getInterfaces().setEnabled(true).addInterface(cfg.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(cfg.members());
    config.getJetConfig().setEnabled(false);
    // Our entry processors and predicates travel as a type id and their fields (RouteTypes). Java
    // deserialization reads only the classes Hazelcast's default filter allows (names that start
    // with "java" or "com.hazelcast.", no known gadget): none of ours, so one sent that way fails.
    config
        .getSerializationConfig()
        .setJavaSerializationFilterConfig(new JavaSerializationFilterConfig())
        .addDataSerializableFactory(RouteTypes.FACTORY_ID, new RouteTypes())
        .addDataSerializableFactoryClass(
            RouteTypes.REGISTRY_FACTORY_ID, "io.dialback.hub.registry.RegistryTypes");

    // What vertx-hazelcast's own default-cluster.xml configures, which we replace.
    config.addMultiMapConfig(
        new MultiMapConfig("__vertx.subs")
            .setBackupCount(1)
            .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig(AGENTS_MAP).setBackupCount(1));
    config.addMapConfig(new MapConfig(AgentRoutes.MAP).setBackupCount(1));
    return config;
  }

  /**
   * Phi-accrual failure detection: a member is suspected once its silence is improbable given the
   * heartbeats it sent so far, beyond {@code maxNoHeartbeatSeconds} of pause allowed on top of
   * their mean interval. A member whose heartbeats come late and irregular (a busy machine) earns
   * more patience than one that stops dead; a frozen hub was dropped {@code maxNoHeartbeatSeconds}
   * + 2-4 s after its last heartbeat (docs/clustering.md, "Failure detection on a loaded host").
   */
  private static void failureDetection(Config config, ClusterConfig cfg) {
    config.setProperty("hazelcast.heartbeat.failuredetector.type", "phi-accrual");
    config.setProperty(
        "hazelcast.max.no.heartbeat.seconds", String.valueOf(cfg.maxNoHeartbeatSeconds()));
    config.setProperty(
        "hazelcast.heartbeat.phiaccrual.failuredetector.threshold", String.valueOf(PHI_THRESHOLD));
    config.setProperty(
        "hazelcast.heartbeat.phiaccrual.failuredetector.sample.size", String.valueOf(PHI_SAMPLES));
    config.setProperty(
        "hazelcast.heartbeat.phiaccrual.failuredetector.min.std.dev.millis",
        String.valueOf(PHI_MIN_STD_DEV_MS));
  }

  /** A cluster manager for {@code cfg}, to hand to {@link #vertx} and to the hub verticle. */
  public static HubClusterManager clusterManager(ClusterConfig cfg) {
    return new HubClusterManager(hazelcastConfig(cfg));
  }

  /**
   * A clustered Vert.x whose event bus binds to and announces the cluster host, with TLS and
   * required client certificates when {@code cluster.tls} is on.
   */
  public static Future<Vertx> vertx(ClusterConfig cfg, HazelcastClusterManager manager) {
    return Vertx.builder().with(options(cfg)).withClusterManager(manager).buildClustered();
  }

  /** The Vert.x options of a clustered hub: its event bus on the cluster host, TLS if asked. */
  public static VertxOptions options(ClusterConfig cfg) {
    return new VertxOptions()
        .setEventBusOptions(
            cfg.tls()
                .apply(
                    new EventBusOptions()
                        .setHost(cfg.host())
                        .setPort(cfg.eventBusPort())
                        .setClusterPublicHost(cfg.host())));
  }
}
