package io.dialback.hub.hubs;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.dialback.hub.bridge.BridgeContext;
import io.dialback.hub.bridge.ConnectionInfo;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's hubs and their counts, as {@code hub.hubs.list} answers (the shell's {@code hubs},
 * the admin API's {@code /api/hubs}). A clustered hub puts its own summary into a Hazelcast map
 * every {@link #PUBLISH_MS} (with a TTL), and a list shows only current members, so a killed hub
 * leaves the list as soon as it leaves the cluster; a member whose entry the map misses for a
 * moment (its partition changing owner) is listed with its last summary ({@link MemberSummaries}).
 * A hub alone lists itself.
 *
 * <p>It also answers other hubs' requests for this hub's connections ({@link
 * Wire#hubConnectionsAddress}), from which the admin API's agent list takes its figures.
 */
public final class HubDirectory {
  private static final Logger log = LoggerFactory.getLogger(HubDirectory.class);

  /** The Hazelcast map of hub summaries, by member id. */
  public static final String MAP = "dialback.hubs";

  static final long PUBLISH_MS = 2_000;
  private static final long WAIT_MS = 3_000;

  private final Vertx vertx;
  private final BridgeContext bridge;
  private final String address;
  private final HazelcastInstance hazelcast;
  private final IMap<String, String> map;
  private final long since = System.currentTimeMillis();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final MemberSummaries others = new MemberSummaries();
  private final java.util.concurrent.atomic.AtomicBoolean publishing =
      new java.util.concurrent.atomic.AtomicBoolean();
  private long timer = -1;

  /**
   * @param address the bridge's {@code host:port}
   * @param hazelcast the cluster, or null for a hub alone
   */
  public HubDirectory(
      Vertx vertx, BridgeContext bridge, String address, HazelcastInstance hazelcast) {
    this.vertx = Objects.requireNonNull(vertx, "vertx == null");
    this.bridge = Objects.requireNonNull(bridge, "bridge == null");
    this.address = Objects.requireNonNull(address, "address == null");
    this.hazelcast = hazelcast;
    this.map = hazelcast == null ? null : hazelcast.getMap(MAP);
  }

  /** Serves {@code hub.hubs.list} and this hub's connections; a clustered hub starts publishing. */
  public Future<Void> start() {
    consumers.add(vertx.eventBus().consumer(Wire.HUB_HUBS_LIST, this::onList));
    consumers.add(
        vertx
            .eventBus()
            .consumer(
                Wire.hubConnectionsAddress(bridge.hubName()),
                m -> m.reply(new JsonObject().put("connections", connectionsJson()))));
    if (map == null) {
      return Future.succeededFuture();
    }
    timer = vertx.setPeriodic(PUBLISH_MS, t -> publish());
    return publish();
  }

  /** This hub's summary: name, address, since, counts. */
  public JsonObject self() {
    int agents = 0;
    int clients = 0;
    for (ConnectionInfo c : bridge.connections()) {
      if ("agent".equals(c.role())) {
        agents++;
      } else if ("client".equals(c.role())) {
        clients++;
      }
    }
    return new JsonObject()
        .put("name", bridge.hubName())
        .put("address", address)
        .put("since", since)
        .put("connections", bridge.liveConnections())
        .put("agents", agents)
        .put("clients", clients)
        .put("pendingCalls", bridge.pendingRequests())
        .put("queuedBytes", bridge.queuedWriteBytes())
        .put("draining", bridge.draining());
  }

  /** This hub's connections as JSON. */
  public JsonArray connectionsJson() {
    JsonArray all = new JsonArray();
    for (ConnectionInfo c : bridge.connections()) {
      all.add(c.toJson());
    }
    return all;
  }

  /** Every hub of the cluster (this one with fresh counts), ordered by name. */
  public Future<List<JsonObject>> list() {
    if (map == null) {
      return Future.succeededFuture(List.of(self().put("self", true)));
    }
    return vertx
        .executeBlocking(
            () -> {
              List<JsonObject> hubs = new ArrayList<>();
              for (String summary : otherSummaries()) {
                hubs.add(new JsonObject(summary).put("self", false));
              }
              hubs.add(self().put("self", true));
              hubs.sort(Comparator.comparing(h -> h.getString("name")));
              return hubs;
            },
            false)
        .timeout(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  private void onList(Message<Object> msg) {
    list()
        .onSuccess(hubs -> msg.reply(new JsonObject().put("hubs", new JsonArray(hubs))))
        .onFailure(
            e ->
                msg.fail(
                    FailureCode.UNAVAILABLE.code(),
                    FailureCode.UNAVAILABLE.message("the cluster did not answer: " + e)));
  }

  private Future<Void> publish() {
    if (!publishing.compareAndSet(false, true)) {
      return Future.succeededFuture(); // the last one still waits on a frozen member, say
    }
    String summary = self().encode();
    return vertx
        .executeBlocking(
            () -> {
              if (hazelcast.getLifecycleService().isRunning()) {
                map.set(localMember(), summary, PUBLISH_MS * 5, TimeUnit.MILLISECONDS);
                otherSummaries(); // so that a list knows every member's last summary
              }
              return (Void) null;
            },
            false)
        .onComplete(ar -> publishing.set(false))
        .onFailure(e -> log.debug("could not publish this hub's summary: {}", e.toString()));
  }

  /** The summaries of the other current members, as the map gives them or last gave them. */
  private List<String> otherSummaries() {
    Set<String> members = new HashSet<>();
    for (Member m : hazelcast.getCluster().getMembers()) {
      members.add(m.getUuid().toString());
    }
    Map<String, String> fromMap = new HashMap<>();
    for (var entry : map.entrySet()) {
      fromMap.put(entry.getKey(), entry.getValue());
    }
    return others.current(members, localMember(), fromMap);
  }

  private String localMember() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  /** Stops publishing and takes this hub's entry out. */
  public Future<Void> close() {
    vertx.cancelTimer(timer);
    consumers.forEach(MessageConsumer::unregister);
    if (map == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(
        () -> {
          if (hazelcast.getLifecycleService().isRunning()) {
            map.remove(localMember());
          }
          return null;
        },
        false);
  }
}
