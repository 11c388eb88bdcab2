package io.dialback.files;

import io.dialback.transport.Transport;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Another agent's file as an {@link Upload}'s source, for copies from agent to agent that never
 * touch the caller's disk: {@code fs.read} requests run ahead of the upload, at most {@code window}
 * of them, so memory is bounded by the window whatever the file's size. Every piece must come from
 * the file as it was when the copy started (its size and modification time), else the copy fails
 * with {@code conflict}. Used from one context at a time, in order.
 */
public final class AgentSource implements UploadSource {
  private final Transport transport;
  private final String address;
  private final String path;
  private final long size;
  private final long modified;
  private final int window;
  private final int chunkBytes;
  private final java.time.Duration timeout;
  private final String tag;
  private final ArrayDeque<Future<Buffer>> ahead = new ArrayDeque<>();
  private long next;
  private long requested;
  private long stride;

  /**
   * @param size the file's size, as {@code fs.stat} gave it
   * @param modified its modification time (epoch milliseconds), as {@code fs.stat} gave it
   * @param options the read-ahead ({@link TransferOptions#window()} requests), chunk size and
   *     request timeout
   */
  public AgentSource(
      Transport transport,
      String agent,
      String path,
      long size,
      long modified,
      TransferOptions options) {
    this.transport = Objects.requireNonNull(transport, "transport == null");
    this.address = Wire.fsAddress(Objects.requireNonNull(agent, "agent == null"), Wire.FS_READ);
    this.path = Objects.requireNonNull(path, "path == null");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    this.size = size;
    this.modified = modified;
    this.window = options.window();
    this.chunkBytes = options.chunkBytes();
    this.timeout = options.requestTimeout();
    this.tag = "agent:" + sha256(agent + ":" + path) + ":" + size + ":" + modified;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public String tag() {
    return tag;
  }

  @Override
  public Future<Void> skip(long offset) {
    next = offset;
    requested = offset;
    return Future.succeededFuture();
  }

  @Override
  public Future<Buffer> next(int max) {
    if (next >= size) {
      return Future.succeededFuture(Buffer.buffer());
    }
    if (stride == 0) {
      // The first piece tells how much the agent serves per request; then the rest run ahead.
      return read(next).map(this::taken);
    }
    while (ahead.size() < window && requested < size) {
      ahead.add(read(requested));
      requested += stride;
    }
    return ahead.poll().map(this::taken);
  }

  private Buffer taken(Buffer data) {
    if (stride == 0) {
      stride = data.length();
      requested = next + stride;
    }
    next += data.length();
    return data;
  }

  private Future<Buffer> read(long offset) {
    JsonObject body =
        new JsonObject().put("path", path).put("offset", offset).put("length", chunkBytes);
    if (transport.binary()) {
      body.put("binary", true);
    }
    return transport
        .request(address, body, timeout)
        .compose(
            reply -> {
              ChunkText chunk = ChunkText.of(reply);
              long expected = Math.min(stride == 0 ? chunk.data().length() : stride, size - offset);
              if (chunk.size() != size
                  || chunk.modified() != modified
                  || chunk.data().length() != expected
                  || (expected == 0 && offset < size)) {
                return Future.failedFuture(
                    FailureCode.CONFLICT.exception(path + " changed during the copy"));
              }
              return Future.succeededFuture(chunk.data());
            });
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
