package io.dialback.api;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Details of a remote file or folder ({@code fs.stat}).
 *
 * @param permissions POSIX permissions such as {@code rw-r--r--}, or null where the agent's file
 *     system has none
 */
public record FileStat(
    String type,
    long size,
    Instant modified,
    Instant created,
    boolean writable,
    String permissions) {
  static FileStat of(JsonObject json) {
    return new FileStat(
        json.getString("type"),
        json.getLong("size", 0L),
        Instant.ofEpochMilli(json.getLong("modified", 0L)),
        Instant.ofEpochMilli(json.getLong("created", 0L)),
        json.getBoolean("writable", false),
        json.getString("permissions"));
  }

  public boolean isDirectory() {
    return "dir".equals(type);
  }

  public boolean isFile() {
    return "file".equals(type);
  }
}
