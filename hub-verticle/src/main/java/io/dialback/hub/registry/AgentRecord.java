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

  /** The entry of {@code hub.agents.list}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("hub", hub)
        .put("connectedAt", connectedAt)
        .put("meta", meta.copy());
  }
}
