package io.dialback.files;

import io.dialback.client.BridgeClient;
import io.dialback.transport.Transport;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;

/**
 * Sends one local file to an agent's {@code fs.write}, chunk after chunk. The agent writes a temp
 * file and renames it over the target when the last chunk arrives, so the remote file changes all
 * at once or not at all. Memory: one chunk.
 */
public final class Upload {
  private final Vertx vertx;
  private final Transport transport;
  private final String address;
  private final String remotePath;
  private final Path source;
  private final TransferOptions options;
  private final Promise<TransferResult> result = Promise.promise();
  private final long startNanos = System.nanoTime();
  private AsyncFile file;
  private long size;

  private Upload(
      Vertx vertx,
      Transport transport,
      String agent,
      Path source,
      String remotePath,
      TransferOptions options) {
    this.vertx = vertx;
    this.transport = transport;
    this.address = Wire.fsAddress(agent, Wire.FS_WRITE);
    this.remotePath = remotePath;
    this.source = source;
    this.options = options;
  }

  /** Uploads {@code source} to {@code agent}'s {@code remotePath}. */
  public static Future<TransferResult> fromFile(
      Vertx vertx,
      BridgeClient client,
      Path source,
      String agent,
      String remotePath,
      TransferOptions options) {
    Objects.requireNonNull(client, "client == null");
    return fromFile(vertx, Transport.bridge(client), source, agent, remotePath, options);
  }

  /** Uploads {@code source} to {@code agent}'s {@code remotePath} over any transport. */
  public static Future<TransferResult> fromFile(
      Vertx vertx,
      Transport transport,
      Path source,
      String agent,
      String remotePath,
      TransferOptions options) {
    Objects.requireNonNull(vertx, "vertx == null");
    Objects.requireNonNull(transport, "transport == null");
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(agent, "agent == null");
    Objects.requireNonNull(remotePath, "remotePath == null");
    Objects.requireNonNull(options, "options == null");
    return new Upload(vertx, transport, agent, source, remotePath, options).start();
  }

  private Future<TransferResult> start() {
    vertx
        .fileSystem()
        .props(source.toString())
        .compose(
            props -> {
              if (!props.isRegularFile()) {
                return Future.failedFuture(
                    new IllegalArgumentException(source + " is not a regular file"));
              }
              size = props.size();
              return vertx
                  .fileSystem()
                  .open(source.toString(), new OpenOptions().setRead(true).setWrite(false));
            })
        .onSuccess(
            f -> {
              file = f;
              send(0);
            })
        .onFailure(result::tryFail);
    return result.future().eventually(() -> file == null ? Future.succeededFuture() : file.close());
  }

  private void send(long offset) {
    int length = (int) Math.min(options.chunkBytes(), size - offset);
    file.read(io.vertx.core.buffer.Buffer.buffer(length), 0, offset, length)
        .compose(
            chunk -> {
              boolean last = offset + chunk.length() >= size;
              JsonObject body =
                  new JsonObject()
                      .put("path", remotePath)
                      .put("offset", offset)
                      .put("data", Base64.getEncoder().encodeToString(chunk.getBytes()))
                      .put("last", last);
              return transport
                  .request(address, body, options.requestTimeout())
                  .map(reply -> last ? -1 : offset + chunk.length());
            })
        .onSuccess(
            next -> {
              long done = next < 0 ? size : next;
              if (options.progress() != null) {
                options.progress().update(done, size);
              }
              if (next < 0) {
                result.tryComplete(
                    new TransferResult(remotePath, source, size, System.nanoTime() - startNanos));
              } else {
                send(next);
              }
            })
        .onFailure(result::tryFail);
  }
}
