package io.dialback.api;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A connected agent as {@code hub.agents.list} reports it.
 *
 * @param meta what the agent said about itself at login ({@code host}, {@code root}, {@code
 *     writable}, ...)
 */
public record AgentInfo(String name, String hub, Instant connectedAt, JsonObject meta) {
  static AgentInfo of(JsonObject json) {
    return new AgentInfo(
        json.getString("name"),
        json.getString("hub"),
        Instant.ofEpochMilli(json.getLong("connectedAt", 0L)),
        json.getJsonObject("meta", new JsonObject()));
  }

  /** Whether the agent accepts uploads. */
  public boolean writable() {
    return meta.getBoolean("writable", false);
  }
}
