package io.dialback.hub.registry;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One connected agent as the registry knows it.
 *
 * @param connectionId the hub-local id of the connection that bound the name, so that a late unbind
 *     from an old connection cannot remove a newer binding
 * @param connectedAt epoch milliseconds of the login
 */
public record AgentRecord(
    String name, String hub, String connectionId, long connectedAt, JsonObject meta) {

  public AgentRecord {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(hub, "hub == null");
    Objects.requireNonNull(connectionId, "connectionId == null");
    meta = meta == null ? new JsonObject() : meta.copy();
  }

  /** A {@code hub.agents.events} body about this agent: {@code {event, name, hub, at}}. */
  public JsonObject event(String event) {
    return new JsonObject()
        .put("event", event)
        .put("name", name)
        .put("hub", hub)
        .put("at", System.currentTimeMillis());
  }

  /** Everything, for storing in a cluster-wide map (with the owning member's id). */
  public JsonObject toStored(String member) {
    return toJson().put("connectionId", connectionId).put("member", member);
  }

  /** A record read back from {@link #toStored}. */
  public static AgentRecord fromStored(JsonObject json) {
    return new AgentRecord(
        json.getString("name"),
        json.getString("hub"),
        json.getString("connectionId"),
        json.getLong("connectedAt", 0L),
        json.getJsonObject("meta"));
  }

  /** The entry of {@code hub.agents.list}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("hub", hub)
        .put("connectedAt", connectedAt)
        .put("meta", meta.copy());
  }
}
