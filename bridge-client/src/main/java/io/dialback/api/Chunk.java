package io.dialback.api;

import io.dialback.transport.Reply;
import io.dialback.wire.Wire;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * One piece of a remote file, as one {@code fs.read} returns it.
 *
 * @param size the whole file's size when the piece was read
 * @param modified the file's modification time then (epoch milliseconds)
 * @param eof whether the piece reaches the end of the file
 */
public record Chunk(long offset, Buffer data, long size, long modified, boolean eof) {
  static Chunk of(long offset, Reply reply) {
    if (reply.data() != null) {
      return new Chunk(
          offset,
          reply.data(),
          Long.parseLong(reply.header(Wire.FS_SIZE)),
          Long.parseLong(reply.header(Wire.FS_MODIFIED)),
          Boolean.parseBoolean(reply.header(Wire.FS_EOF)));
    }
    JsonObject json = reply.json();
    return new Chunk(
        offset,
        Buffer.buffer(Base64.getDecoder().decode(json.getString("data", ""))),
        json.getLong("size", -1L),
        json.getLong("modified", 0L),
        json.getBoolean("eof", true));
  }
}
