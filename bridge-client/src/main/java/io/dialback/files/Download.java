package io.dialback.files;

import io.dialback.client.BridgeClient;
import io.dialback.transport.Reply;
import io.dialback.transport.Transport;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Wire;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Fetches one whole file from an agent's file service to a local path.
 *
 * <p>Several {@code fs.read} chunk requests are in flight at once — a {@link Window} sized to the
 * link's bandwidth × round trip within the options' memory bound — each chunk is written at its
 * offset as it arrives, and no more than a window of chunks is ever held in memory, whatever the
 * file's size. Every chunk must report the same size and modification time as the first (else the
 * file changed under us and the download fails with 409). Chunks lost to a dropped connection are
 * asked for again once the client has reconnected.
 *
 * <p>The data lands in a {@link PartFile}, renamed to the target only when every byte is there. A
 * download that fails or is cancelled keeps its part; the next download of the same file resumes
 * from it when the remote size and modification time are unchanged ({@link
 * TransferResult#resumedFrom()}), unless the options say {@code restart}.
 */
public final class Download {
  private final Vertx vertx;
  private final Context context;
  private final Transport transport;
  private final String address;
  private final String remotePath;
  private final Path target;
  private final PartFile part;
  private final TransferOptions options;
  private final Window window;
  private final Promise<TransferResult> result = Promise.promise();
  private final ArrayDeque<Long> retry = new ArrayDeque<>();
  private final long startNanos = System.nanoTime();

  private AsyncFile file;
  private PartFile.Kept kept;
  private long size = -1;
  private long modified;
  private long stride;
  private long nextOffset;
  private long written;
  private long resumedFrom;
  private int inFlight;
  private int failuresInARow;
  private boolean waitingForReconnect;

  private Download(
      Vertx vertx,
      Transport transport,
      String agent,
      String remotePath,
      Path target,
      TransferOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.transport = transport;
    this.address = Wire.fsAddress(agent, Wire.FS_READ);
    this.remotePath = remotePath;
    this.target = target;
    this.part = new PartFile(vertx, target, agent, remotePath);
    this.options = options;
    this.window = new Window(options.window(), options.maxWindow(), options.chunkBytes());
  }

  /** Downloads {@code agent}'s {@code remotePath} to {@code target} (replaced when complete). */
  public static Future<TransferResult> toFile(
      Vertx vertx,
      BridgeClient client,
      String agent,
      String remotePath,
      Path target,
      TransferOptions options) {
    Objects.requireNonNull(client, "client == null");
    return toFile(vertx, Transport.bridge(client), agent, remotePath, target, options);
  }

  /** Downloads {@code agent}'s {@code remotePath} to {@code target} over any transport. */
  public static Future<TransferResult> toFile(
      Vertx vertx,
      Transport transport,
      String agent,
      String remotePath,
      Path target,
      TransferOptions options) {
    Objects.requireNonNull(vertx, "vertx == null");
    Objects.requireNonNull(transport, "transport == null");
    Objects.requireNonNull(agent, "agent == null");
    Objects.requireNonNull(remotePath, "remotePath == null");
    Objects.requireNonNull(target, "target == null");
    Objects.requireNonNull(options, "options == null");
    Download download = new Download(vertx, transport, agent, remotePath, target, options);
    download.context.runOnContext(v -> download.start());
    return download.result.future();
  }

  /** Everything runs on one context: callbacks that complete elsewhere hop onto it. */
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
      options.cancellation().onCancel(() -> context.runOnContext(v -> cancel()));
    }
    Future<PartFile.Kept> earlier = options.restart() ? Future.succeededFuture() : part.kept();
    earlier
        .compose(
            k -> {
              kept = k;
              return part.open(k == null ? 0 : k.have());
            })
        .onComplete(
            here(
                ar -> {
                  if (ar.failed()) {
                    result.tryFail(ar.cause());
                    return;
                  }
                  file = ar.result();
                  // The first chunk tells the size, and how much the agent serves per chunk; on a
                  // resume it is the first chunk not yet here, and tells if the file is unchanged.
                  request(kept == null ? 0 : kept.have());
                }));
  }

  private void request(long offset) {
    inFlight++;
    JsonObject body =
        new JsonObject()
            .put("path", remotePath)
            .put("offset", offset)
            .put("length", options.chunkBytes());
    if (transport.binary()) {
      body.put("binary", true); // raw bytes instead of base64 JSON
    }
    long sent = System.nanoTime();
    transport
        .request(address, body, options.requestTimeout())
        .onComplete(
            here(
                ar -> {
                  inFlight--;
                  if (result.future().isComplete()) {
                    return;
                  }
                  if (ar.succeeded()) {
                    failuresInARow = 0;
                    onChunk(offset, ar.result(), sent);
                  } else if (size < 0 && kept != null && badRequest(ar.cause())) {
                    startAfresh(); // the kept part reaches past the end of a file that shrank
                  } else {
                    onChunkFailed(offset, ar.cause());
                  }
                }));
  }

  private void onChunk(long offset, Reply reply, long sent) {
    Buffer data;
    long chunkSize;
    long chunkModified;
    try {
      ChunkText chunk = ChunkText.of(reply);
      data = chunk.data();
      chunkSize = chunk.size();
      chunkModified = chunk.modified();
    } catch (RuntimeException e) {
      fail(
          FailureCode.INTERNAL.exception(
              "malformed chunk at offset " + offset + ": " + e.getMessage()));
      return;
    }
    long now = System.nanoTime();
    window.delivered(data.length(), now - sent, now);
    if (size < 0) {
      if (kept != null && (chunkSize != kept.size() || chunkModified != kept.modified())) {
        startAfresh(); // the file changed since the part was kept
        return;
      }
      size = chunkSize;
      modified = chunkModified;
      part.of(size, modified);
      resumedFrom = offset;
      written = offset;
      stride = data.length();
      nextOffset = offset + data.length();
      if (stride == 0 && size > offset) {
        fail(FailureCode.INTERNAL.exception("the agent returned an empty chunk"));
        return;
      }
    } else if (chunkSize != size || chunkModified != modified) {
      fail(FailureCode.CONFLICT.exception(remotePath + " changed during the transfer"));
      return;
    }
    long expected = Math.min(stride, size - offset);
    if (data.length() != expected) {
      fail(
          FailureCode.CONFLICT.exception(
              "chunk at offset "
                  + offset
                  + " has "
                  + data.length()
                  + " bytes, expected "
                  + expected));
      return;
    }
    inFlight++; // the write counts as in flight until it is on disk
    file.write(data, offset)
        .onComplete(
            here(
                w -> {
                  inFlight--;
                  if (w.failed()) {
                    fail(w.cause());
                    return;
                  }
                  written += data.length();
                  part.landed(offset, data.length());
                  if (options.progress() != null) {
                    options.progress().update(written, size);
                  }
                  pump();
                }));
    pump();
  }

  /** The kept part is of another version of the file: empty it and start from the first byte. */
  private void startAfresh() {
    kept = null;
    part.restart().onComplete(here(ar -> request(0)));
  }

  /** Keeps the window full, and finishes once everything is written. */
  private void pump() {
    if (result.future().isComplete() || waitingForReconnect) {
      return;
    }
    while (inFlight < window.size() && (!retry.isEmpty() || nextOffset < size)) {
      if (!retry.isEmpty()) {
        request(retry.poll());
      } else {
        long offset = nextOffset;
        nextOffset += stride;
        request(offset);
      }
    }
    if (inFlight == 0 && retry.isEmpty() && written == size) {
      finish();
    }
  }

  private void onChunkFailed(long offset, Throwable cause) {
    if (!resumable(cause)) {
      fail(cause);
      return;
    }
    retry.add(offset);
    if (++failuresInARow > options.maxRetries()) {
      fail(
          FailureCode.UNAVAILABLE.exception(
              "gave up after " + options.maxRetries() + " failed attempts: " + cause.getMessage()));
      return;
    }
    if (!waitingForReconnect) {
      waitingForReconnect = true;
      awaitConnected(System.nanoTime() + options.reconnectWait().toNanos(), cause);
    }
  }

  private static boolean badRequest(Throwable cause) {
    return cause instanceof ReplyException
        && ((ReplyException) cause).failureCode() == FailureCode.BAD_REQUEST.code();
  }

  /** Lost connection or a timeout: worth asking again once the client is connected. */
  private static boolean resumable(Throwable cause) {
    if (!(cause instanceof ReplyException)) {
      return false;
    }
    ReplyException e = (ReplyException) cause;
    return e.failureType() == ReplyFailure.TIMEOUT
        || e.failureCode() == FailureCode.UNAVAILABLE.code()
        || e.failureCode() == FailureCode.BUSY.code();
  }

  private void awaitConnected(long deadlineNanos, Throwable cause) {
    if (result.future().isComplete()) {
      return;
    }
    if (transport.ready()) {
      waitingForReconnect = false;
      if (inFlight == 0) {
        pump();
      } else {
        // Let the other requests of the window come back (or fail) first.
        vertx.setTimer(50, t -> context.runOnContext(v -> awaitConnected(deadlineNanos, cause)));
        waitingForReconnect = true;
      }
      return;
    }
    if (transport.closed() || System.nanoTime() > deadlineNanos) {
      fail(
          FailureCode.UNAVAILABLE.exception(
              "no connection to resume the transfer of " + remotePath + ": " + cause.getMessage()));
      return;
    }
    vertx.setTimer(100, t -> context.runOnContext(v -> awaitConnected(deadlineNanos, cause)));
  }

  private void finish() {
    file.close()
        .compose(v -> part.partSize())
        .compose(
            bytes ->
                bytes != size
                    ? Future.failedFuture(
                        FailureCode.INTERNAL.exception(
                            "wrote " + bytes + " bytes, expected " + size))
                    : part.complete(target))
        .onSuccess(
            v ->
                result.tryComplete(
                    new TransferResult(
                        remotePath, target, size, System.nanoTime() - startNanos, resumedFrom)))
        .onFailure(this::fail);
  }

  /** Stops asking; what is on disk stays for a later download to resume. */
  private void cancel() {
    if (result.future().isComplete()) {
      return;
    }
    keepAndFail(
        new TransferCancelled(
            "cancelled at byte " + part.contiguous() + " of " + remotePath, part.contiguous()));
  }

  private void fail(Throwable cause) {
    if (result.future().isComplete()) {
      return;
    }
    boolean changed =
        cause instanceof ReplyException
            && ((ReplyException) cause).failureCode() == FailureCode.CONFLICT.code();
    if (changed || (size < 0 && kept == null)) {
      // Nothing worth keeping: the remote file changed, or not one byte came.
      Future<Void> closed = file == null ? Future.succeededFuture() : file.close();
      closed.eventually(part::discard).onComplete(v -> result.tryFail(cause));
      return;
    }
    keepAndFail(cause);
  }

  /** Closes the part and writes its note, then fails: the next download resumes from here. */
  private void keepAndFail(Throwable cause) {
    Future<Void> closed = file == null ? Future.succeededFuture() : file.close();
    closed
        .eventually(() -> size < 0 ? Future.succeededFuture() : part.save())
        .onComplete(v -> result.tryFail(cause));
  }
}
