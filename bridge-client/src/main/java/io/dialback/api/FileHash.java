package io.dialback.api;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A remote file's SHA-256 ({@code fs.hash}), with the size and modification time it was taken at.
 *
 * @param sha256 lower-case hex
 */
public record FileHash(String path, long size, Instant modified, String sha256) {
  static FileHash of(JsonObject json) {
    return new FileHash(
        json.getString("path"),
        json.getLong("size", -1L),
        Instant.ofEpochMilli(json.getLong("modified", 0L)),
        json.getString("sha256"));
  }
}
