package io.dialback.api;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One entry of a remote folder.
 *
 * @param type {@code file}, {@code dir}, {@code link} (one that leaves the agent's root) or {@code
 *     other}
 */
public record FileEntry(String name, String type, long size, Instant modified) {
  static FileEntry of(JsonObject json) {
    return new FileEntry(
        json.getString("name"),
        json.getString("type"),
        json.getLong("size", 0L),
        Instant.ofEpochMilli(json.getLong("modified", 0L)));
  }

  public boolean isDirectory() {
    return "dir".equals(type);
  }

  public boolean isFile() {
    return "file".equals(type);
  }
}
