package io.dialback.files;

import io.dialback.client.BridgeClient;
import io.dialback.transport.Transport;
import io.dialback.wire.Wire;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;

/**
 * Sends one file to an agent's {@code fs.write}, chunk after chunk, from any {@link UploadSource}.
 * The agent writes a temp file and renames it over the target when the last chunk arrives, so the
 * remote file changes all at once or not at all. Memory: the chunks in flight, at most four (plus
 * what the source holds).
 *
 * <p>Up to four chunks are in flight at once (the agent writes them in order, holding a few ahead
 * of the one it writes), so a link with a long round trip is not idle between chunks.
 *
 * <p>A source with a {@link UploadSource#tag() tag} can be resumed: the first chunk carries the
 * tag, and a later upload of the same content first asks the agent ({@code resume: true}) where the
 * upload it still holds stands, and goes on from there ({@link TransferResult#resumedFrom()}).
 */
public final class Upload {
  private final Context context;
  private final Transport transport;
  private final String address;
  private final String remotePath;
  private final UploadSource source;
  private final Path localPath;
  private final TransferOptions options;
  private final Promise<TransferResult> result = Promise.promise();
  private final long startNanos = System.nanoTime();
  private long resumedFrom;
  private long acknowledged;

  private Upload(
      Vertx vertx,
      Transport transport,
      String agent,
      UploadSource source,
      Path localPath,
      String remotePath,
      TransferOptions options) {
    this.context = vertx.getOrCreateContext();
    this.transport = transport;
    this.address = Wire.fsAddress(agent, Wire.FS_WRITE);
    this.remotePath = remotePath;
    this.source = source;
    this.localPath = localPath;
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
    Objects.requireNonNull(source, "source == null");
    return UploadSource.file(vertx, source)
        .compose(s -> from(vertx, transport, s, source, agent, remotePath, options));
  }

  /**
   * Uploads what {@code source} gives to {@code agent}'s {@code remotePath}; {@code localPath} (may
   * be null) is what the result reports as the local side. The source is closed at the end.
   */
  public static Future<TransferResult> from(
      Vertx vertx,
      Transport transport,
      UploadSource source,
      Path localPath,
      String agent,
      String remotePath,
      TransferOptions options) {
    Objects.requireNonNull(vertx, "vertx == null");
    Objects.requireNonNull(transport, "transport == null");
    Objects.requireNonNull(source, "source == null");
    Objects.requireNonNull(agent, "agent == null");
    Objects.requireNonNull(remotePath, "remotePath == null");
    Objects.requireNonNull(options, "options == null");
    Upload upload = new Upload(vertx, transport, agent, source, localPath, remotePath, options);
    upload.context.runOnContext(v -> upload.start());
    return upload.result.future().eventually(source::close);
  }

  private <T> Handler<AsyncResult<T>> here(Handler<AsyncResult<T>> handler) {
    return ar -> {
      if (Vertx.currentContext() == context) {
        handler.handle(ar);
      } else {
        context.runOnContext(v -> handler.handle(ar));
      }
    };
  }

  private void start() {
    if (options.cancellation() != null) {
      options
          .cancellation()
          .onCancel(
              () ->
                  context.runOnContext(
                      v ->
                          result.tryFail(
                              new TransferCancelled(
                                  "cancelled at byte " + acknowledged + " of " + remotePath,
                                  acknowledged))));
    }
    Future<Long> from =
        options.restart() || source.tag() == null ? Future.succeededFuture(0L) : heldOffset();
    from.compose(offset -> source.skip(offset).map(offset))
        .onComplete(
            here(
                ar -> {
                  if (ar.failed()) {
                    result.tryFail(ar.cause());
                    return;
                  }
                  resumedFrom = ar.result();
                  acknowledged = resumedFrom;
                  send(resumedFrom);
                }));
  }

  /** Where the upload the agent still holds of this content stands (0: none). */
  private Future<Long> heldOffset() {
    JsonObject probe =
        new JsonObject().put("path", remotePath).put("resume", true).put("source", source.tag());
    return transport
        .request(address, probe, options.requestTimeout())
        .map(reply -> reply.json().getLong("offset", 0L))
        .map(offset -> source.size() >= 0 && offset > source.size() ? 0L : offset);
  }

  /** Chunks in flight at once: the agent takes a few ahead of the one it writes. */
  private static final int AHEAD = 4;

  private int inFlight;
  private boolean reading;
  private boolean lastRead;
  private long nextOffset;

  private void send(long offset) {
    nextOffset = offset;
    pump();
  }

  /** Reads and sends the next chunks while fewer than {@link #AHEAD} are in flight, in order. */
  private void pump() {
    if (result.future().isComplete()
        || (options.cancellation() != null && options.cancellation().isCancelled())
        || reading
        || lastRead
        || inFlight >= Math.min(AHEAD, options.window())) {
      return;
    }
    reading = true;
    source
        .next(options.chunkBytes())
        .onComplete(
            here(
                ar -> {
                  reading = false;
                  if (ar.failed()) {
                    result.tryFail(ar.cause());
                    return;
                  }
                  Buffer chunk = ar.result();
                  long offset = nextOffset;
                  long end = offset + chunk.length();
                  lastRead = chunk.length() == 0 || (source.size() >= 0 && end >= source.size());
                  nextOffset = end;
                  request(offset, chunk, lastRead);
                  pump();
                }));
  }

  private void request(long offset, Buffer chunk, boolean last) {
    if (result.future().isComplete()) {
      return;
    }
    long end = offset + chunk.length();
    JsonObject body =
        new JsonObject()
            .put("path", remotePath)
            .put("offset", offset)
            .put("data", Base64.getEncoder().encodeToString(chunk.getBytes()))
            .put("last", last);
    if (offset == 0 && source.tag() != null) {
      body.put("source", source.tag());
    }
    inFlight++;
    transport
        .request(address, body, options.requestTimeout())
        .onComplete(
            here(
                ar -> {
                  inFlight--;
                  if (ar.failed()) {
                    result.tryFail(ar.cause());
                    return;
                  }
                  acknowledged = end; // replies come in order: all before this one are written
                  if (options.progress() != null) {
                    long total = source.size() >= 0 ? source.size() : acknowledged;
                    options.progress().update(acknowledged, total);
                  }
                  if (last) {
                    result.tryComplete(
                        new TransferResult(
                            remotePath,
                            localPath,
                            acknowledged,
                            System.nanoTime() - startNanos,
                            resumedFrom));
                  } else {
                    pump();
                  }
                }));
  }
}
