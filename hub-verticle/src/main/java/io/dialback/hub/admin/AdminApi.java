package io.dialback.hub.admin;

import io.dialback.hub.bridge.BridgeContext;
import io.dialback.hub.hubs.HubDirectory;
import io.dialback.hub.registry.AgentRecord;
import io.dialback.hub.registry.AgentRegistry;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of {@code /api/*}: the cluster-wide agents (with the figures of each agent's connection,
 * asked of the hub it is on), this hub's connections, and the cluster's hubs ({@code
 * hub.hubs.list}'s answer).
 */
final class AdminApi {
  private static final long ASK_MS = 3_000;

  private final Vertx vertx;
  private final BridgeContext bridge;
  private final AgentRegistry registry;
  private final HubDirectory directory;

  AdminApi(Vertx vertx, BridgeContext bridge, AgentRegistry registry, HubDirectory directory) {
    this.vertx = vertx;
    this.bridge = bridge;
    this.registry = registry;
    this.directory = directory;
  }

  void connections(RoutingContext ctx) {
    json(
        ctx,
        new JsonObject()
            .put("hub", bridge.hubName())
            .put("connections", directory.connectionsJson()));
  }

  void hubs(RoutingContext ctx) {
    directory
        .list()
        .onSuccess(hubs -> json(ctx, new JsonObject().put("hubs", new JsonArray(hubs))))
        .onFailure(e -> unavailable(ctx, "the cluster did not answer: " + e.getMessage()));
  }

  /** Every agent, and for each the figures of its connection from its hub (null if it is mute). */
  void agents(RoutingContext ctx) {
    registry
        .list()
        .compose(
            agents -> {
              Set<String> hubs = new LinkedHashSet<>();
              agents.forEach(a -> hubs.add(a.hub()));
              List<Future<JsonArray>> asked = new ArrayList<>();
              for (String hub : hubs) {
                asked.add(connectionsOf(hub));
              }
              return Future.join(asked)
                  .transform(
                      done -> {
                        Map<String, JsonObject> byConnection = new HashMap<>();
                        List<String> order = new ArrayList<>(hubs);
                        for (int i = 0; i < asked.size(); i++) {
                          JsonArray list = asked.get(i).result();
                          if (list != null) {
                            for (Object c : list) {
                              JsonObject conn = (JsonObject) c;
                              byConnection.put(order.get(i) + "/" + conn.getString("id"), conn);
                            }
                          }
                        }
                        return Future.succeededFuture(view(agents, byConnection));
                      });
            })
        .onSuccess(body -> json(ctx, body))
        .onFailure(e -> unavailable(ctx, "the agent registry did not answer: " + e.getMessage()));
  }

  private Future<JsonArray> connectionsOf(String hub) {
    if (hub.equals(bridge.hubName())) {
      return Future.succeededFuture(directory.connectionsJson());
    }
    return vertx
        .eventBus()
        .<JsonObject>request(
            Wire.hubConnectionsAddress(hub), null, new DeliveryOptions().setSendTimeout(ASK_MS))
        .map(m -> m.body().getJsonArray("connections"));
  }

  private static JsonObject view(List<AgentRecord> agents, Map<String, JsonObject> byConnection) {
    JsonArray list = new JsonArray();
    for (AgentRecord a : agents) {
      JsonObject conn = byConnection.get(a.hub() + "/" + a.connectionId());
      JsonObject entry = a.toJson();
      entry.put("address", conn == null ? null : conn.getString("remote"));
      entry.put("calls", conn == null ? null : conn.getLong("calls"));
      entry.put("bytesIn", conn == null ? null : conn.getLong("bytesIn"));
      entry.put("bytesOut", conn == null ? null : conn.getLong("bytesOut"));
      entry.put("pending", conn == null ? null : conn.getInteger("pending"));
      list.add(entry);
    }
    return new JsonObject().put("agents", list);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void unavailable(RoutingContext ctx, String why) {
    ctx.response()
        .setStatusCode(503)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", why).encode());
  }
}
