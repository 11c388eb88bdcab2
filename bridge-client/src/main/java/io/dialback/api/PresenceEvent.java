package io.dialback.api;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** An agent joined or left, as the hubs publish it on {@code hub.agents.events}. */
public record PresenceEvent(Kind kind, String name, String hub, Instant at) {
  public enum Kind {
    JOINED,
    LEFT
  }

  static PresenceEvent of(JsonObject json) {
    return new PresenceEvent(
        "left".equals(json.getString("event")) ? Kind.LEFT : Kind.JOINED,
        json.getString("name"),
        json.getString("hub"),
        Instant.ofEpochMilli(json.getLong("at", 0L)));
  }
}
