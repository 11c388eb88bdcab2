package io.dialback.files;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.dialback.client.BridgeClient;
import io.dialback.transport.Reply;
import io.dialback.transport.Transport;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Fetches one whole file from an agent's file service to a local path.
 *
 * <p>Several {@code fs.read} chunk requests are in flight at once (the window), each chunk is
 * written at its offset as it arrives, and no more than a window of chunks is ever held in memory,
 * whatever the file's size. Every chunk must report the same size and modification time as the
 * first (else the file changed under us and the download fails with 409). Chunks lost to a dropped
 * connection are asked for again once the client has reconnected, so a download resumes from where
 * it was. The data lands in {@code <target>.part}, renamed to the target only when every byte is
 * there.
 */
public final class Download {
  private final Vertx vertx;
  private final Transport transport;
  private final String address;
  private final String remotePath;
  private final Path target;
  private final Path part;
  private final TransferOptions options;
  private final Promise<TransferResult> result = Promise.promise();
  private final ArrayDeque<Long> retry = new ArrayDeque<>();
  private final long startNanos = System.nanoTime();

  private AsyncFile file;
  private long size = -1;
  private long modified;
  private long stride;
  private long nextOffset;
  private long written;
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
    this.transport = transport;
    this.address = Wire.fsAddress(agent, Wire.FS_READ);
    this.remotePath = remotePath;
    this.target = target;
    this.part = target.resolveSibling(target.getFileName() + ".part");
    this.options = options;
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
    return new Download(vertx, transport, agent, remotePath, target, options).start();
  }

  private Future<TransferResult> start() {
    vertx
        .fileSystem()
        .open(
            part.toString(),
            new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
        .onSuccess(
            f -> {
              file = f;
              // The first chunk tells the size, and how much the agent serves per chunk.
              request(0);
            })
        .onFailure(e -> fail(e));
    return result.future();
  }

  /** The fields of a base64 fs.read reply that a download uses. */
  private record Base64Chunk(Buffer data, long size, long modified) {
    private static final JsonFactory JSON = new JsonFactory();

    static Base64Chunk of(JsonObject json) {
      return new Base64Chunk(
          Buffer.buffer(Base64.getDecoder().decode(json.getString("data", ""))),
          json.getLong("size", -1L),
          json.getLong("modified", 0L));
    }

    /**
     * Reads the reply's JSON text as a stream: the data is decoded from base64 straight out of the
     * text, without a string or a JSON object in between.
     */
    static Base64Chunk read(Buffer json) {
      if (json == null) {
        throw new IllegalArgumentException("no body");
      }
      Buffer data = Buffer.buffer();
      long size = -1;
      long modified = 0;
      byte[] text = json.getBytes();
      try (JsonParser p = JSON.createParser(text)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IllegalArgumentException("body is not an object");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          if (field.equals("data") && value == JsonToken.VALUE_STRING) {
            data = Buffer.buffer(base64(p, text));
          } else if (field.equals("size") && value == JsonToken.VALUE_NUMBER_INT) {
            size = p.getLongValue();
          } else if (field.equals("modified") && value == JsonToken.VALUE_NUMBER_INT) {
            modified = p.getLongValue();
          } else {
            p.skipChildren();
          }
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      return new Base64Chunk(data, size, modified);
    }

    /**
     * The string value under the parser, decoded from base64: by the JDK's decoder straight from
     * the text when it holds no escapes (it never does from our agents), else through Jackson.
     */
    private static byte[] base64(JsonParser p, byte[] text) throws IOException {
      int open = (int) p.currentTokenLocation().getByteOffset(); // the opening quote
      if (open >= 0 && open < text.length && text[open] == '"') {
        int close = open + 1;
        while (close < text.length && text[close] != '"' && text[close] != '\\') {
          close++;
        }
        if (close < text.length && text[close] == '"') {
          ByteBuffer encoded = ByteBuffer.wrap(text, open + 1, close - open - 1);
          ByteBuffer decoded = Base64.getDecoder().decode(encoded);
          return decoded.array().length == decoded.remaining()
              ? decoded.array()
              : Arrays.copyOf(decoded.array(), decoded.remaining());
        }
      }
      return p.getBinaryValue(Base64Variants.MIME_NO_LINEFEEDS);
    }
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
    transport
        .request(address, body, options.requestTimeout())
        .onComplete(
            ar -> {
              inFlight--;
              if (result.future().isComplete()) {
                return;
              }
              if (ar.succeeded()) {
                failuresInARow = 0;
                onChunk(offset, ar.result());
              } else {
                onChunkFailed(offset, ar.cause());
              }
            });
  }

  private void onChunk(long offset, Reply reply) {
    Buffer data;
    long chunkSize;
    long chunkModified;
    try {
      if (reply.data() != null) {
        data = reply.data();
        chunkSize = Long.parseLong(reply.header(Wire.FS_SIZE));
        chunkModified = Long.parseLong(reply.header(Wire.FS_MODIFIED));
      } else {
        Base64Chunk chunk =
            reply.jsonText() != null
                ? Base64Chunk.read(reply.jsonText())
                : Base64Chunk.of(reply.json());
        data = chunk.data();
        chunkSize = chunk.size();
        chunkModified = chunk.modified();
      }
    } catch (RuntimeException e) {
      fail(
          FailureCode.INTERNAL.exception(
              "malformed chunk at offset " + offset + ": " + e.getMessage()));
      return;
    }
    if (size < 0) {
      size = chunkSize;
      modified = chunkModified;
      stride = data.length();
      nextOffset = data.length();
      if (stride == 0 && size > 0) {
        fail(FailureCode.INTERNAL.exception("the agent returned an empty first chunk"));
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
            w -> {
              inFlight--;
              if (w.failed()) {
                fail(w.cause());
                return;
              }
              written += data.length();
              if (options.progress() != null) {
                options.progress().update(written, size);
              }
              pump();
            });
    pump();
  }

  /** Keeps the window full, and finishes once everything is written. */
  private void pump() {
    if (result.future().isComplete() || waitingForReconnect) {
      return;
    }
    while (inFlight < options.window() && (!retry.isEmpty() || nextOffset < size)) {
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
    if (transport.ready()) {
      waitingForReconnect = false;
      if (inFlight == 0) {
        pump();
      } else {
        // Let the other requests of the window come back (or fail) first.
        vertx.setTimer(50, t -> awaitConnected(deadlineNanos, cause));
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
    vertx.setTimer(100, t -> awaitConnected(deadlineNanos, cause));
  }

  private void finish() {
    file.close()
        .compose(v -> vertx.fileSystem().props(part.toString()))
        .compose(
            props -> {
              if (props.size() != size) {
                return Future.failedFuture(
                    FailureCode.INTERNAL.exception(
                        "wrote " + props.size() + " bytes, expected " + size));
              }
              return vertx
                  .fileSystem()
                  .move(
                      part.toString(),
                      target.toString(),
                      new CopyOptions().setReplaceExisting(true).setAtomicMove(true));
            })
        .onSuccess(
            v ->
                result.tryComplete(
                    new TransferResult(remotePath, target, size, System.nanoTime() - startNanos)))
        .onFailure(this::fail);
  }

  private void fail(Throwable cause) {
    if (!result.tryFail(cause)) {
      return;
    }
    Future<Void> closed = file == null ? Future.succeededFuture() : file.close();
    closed.eventually(() -> vertx.fileSystem().delete(part.toString()));
  }
}
