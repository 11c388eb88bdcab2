package io.dialback.hub.cluster;

import io.dialback.conf.HostPort;
import io.dialback.conf.Settings;
import java.util.List;

/**
 * The {@code cluster} section of a hub's conf: how hubs find each other and how fast they give up
 * on one that stops answering.
 *
 * @param host the address the hub's cluster traffic binds to and announces (an IP literal)
 * @param port the hub's Hazelcast member port (each hub on a machine needs its own)
 * @param members every hub's {@code host:port} cluster address (this hub's may be listed too)
 * @param name the cluster's name: hubs join only a cluster of the same name
 * @param eventBusPort port of the clustered event bus (0: any free port)
 * @param heartbeatSeconds how often members tell each other they are alive
 * @param maxNoHeartbeatSeconds silence a member may keep beyond its usual heartbeat interval before
 *     the others start to suspect it (a frozen hub is dropped a few seconds later)
 * @param mergeDelaySeconds how soon a hub cut off from the others looks for them to merge back
 * @param leaseSeconds lifetime of a hub's agent entries, renewed by the hub while it lives
 * @param tls TLS with client certificates on the clustered event bus and the hub links
 * @param linkPort port of the hub links, the connections on which hubs pass calls to each other's
 *     agents (0: any free port; -1: no links, such calls cross the clustered event bus)
 */
public record ClusterConfig(
    boolean enabled,
    String host,
    int port,
    List<String> members,
    String name,
    int eventBusPort,
    int heartbeatSeconds,
    int maxNoHeartbeatSeconds,
    int mergeDelaySeconds,
    int leaseSeconds,
    ClusterTls tls,
    int linkPort) {

  public static final int DEFAULT_PORT = 5701;

  /** Whether hubs pass calls to each other's agents on hub links of their own. */
  public boolean links() {
    return linkPort >= 0;
  }

  /**
   * Healthy hubs on a loaded 2-core machine went silent for up to 8.4 s (FrozenHubUnderLoadTest,
   * docs/clustering.md); 10 s of allowed pause keeps them together.
   */
  public static final int DEFAULT_MAX_NO_HEARTBEAT_SECONDS = 10;

  /** Reads the {@code cluster} section; {@code forceEnabled} is the {@code -cluster} flag. */
  public static ClusterConfig from(Settings s, boolean forceEnabled) {
    s.onlyKeys(
        "enabled",
        "host",
        "port",
        "members",
        "name",
        "eventBusPort",
        "heartbeatSeconds",
        "maxNoHeartbeatSeconds",
        "mergeDelaySeconds",
        "leaseSeconds",
        "tls",
        "linkPort");
    boolean enabled = forceEnabled || s.bool("enabled", false);
    String host = s.string("host", "127.0.0.1");
    int port = s.integer("port", DEFAULT_PORT, 1, 65535);
    List<String> members = s.strings("members", List.of(host + ":" + port));
    for (String member : members) {
      try {
        HostPort.parse(member);
      } catch (IllegalArgumentException e) {
        throw s.fail("members", e.getMessage());
      }
    }
    if (enabled && members.isEmpty()) {
      throw s.fail("members", "is empty: list every hub's cluster address as host:port");
    }
    String name = s.string("name", "dialback");
    if (name.isBlank()) {
      throw s.fail("name", "must not be blank");
    }
    int heartbeat = s.integer("heartbeatSeconds", 1, 1, 60);
    int maxNoHeartbeat =
        s.integer("maxNoHeartbeatSeconds", DEFAULT_MAX_NO_HEARTBEAT_SECONDS, heartbeat + 1, 3600);
    return new ClusterConfig(
        enabled,
        host,
        port,
        List.copyOf(members),
        name,
        s.integer("eventBusPort", 0, 0, 65535),
        heartbeat,
        maxNoHeartbeat,
        s.integer("mergeDelaySeconds", 5, 1, 3600),
        s.integer("leaseSeconds", 60, 3, 3600),
        ClusterTls.from(s.section("tls")),
        s.integer("linkPort", 0, -1, 65535));
  }

  /** Not clustered. */
  public static ClusterConfig disabled() {
    return new ClusterConfig(
        false,
        "127.0.0.1",
        DEFAULT_PORT,
        List.of(),
        "dialback",
        0,
        1,
        DEFAULT_MAX_NO_HEARTBEAT_SECONDS,
        5,
        15,
        ClusterTls.OFF,
        0);
  }
}
