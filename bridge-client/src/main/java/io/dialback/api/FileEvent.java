package io.dialback.api;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A change below an agent's root, published by agents that watch their root on {@code
 * agent.<name>.events.fs}.
 *
 * @param path relative to the agent's root, with {@code /} separators
 * @param type {@code file}, {@code dir}, or null once deleted
 */
public record FileEvent(String agent, Kind kind, String path, String type, long size, Instant at) {
  public enum Kind {
    CREATED,
    MODIFIED,
    DELETED
  }

  static FileEvent of(String agent, JsonObject json) {
    Kind kind;
    switch (json.getString("event", "")) {
      case "created":
        kind = Kind.CREATED;
        break;
      case "deleted":
        kind = Kind.DELETED;
        break;
      default:
        kind = Kind.MODIFIED;
    }
    return new FileEvent(
        agent,
        kind,
        json.getString("path"),
        json.getString("type"),
        json.getLong("size", 0L),
        Instant.ofEpochMilli(json.getLong("at", 0L)));
  }
}
