package io.dialback.api;

import io.dialback.files.Download;
import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import io.dialback.files.Upload;
import io.dialback.files.UploadSource;
import io.dialback.transport.Reply;
import io.dialback.transport.Subscription;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One agent's file service (and events), typed: paths are relative to the agent's root with {@code
 * /} separators ({@code ""} is the root itself). Get one from {@link Dialback#agent}.
 */
public final class RemoteAgent {
  private final Dialback dialback;
  private final String name;

  RemoteAgent(Dialback dialback, String name) {
    this.dialback = dialback;
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** Every entry of a folder (all pages of {@code fs.list}). */
  public Future<List<FileEntry>> list(String path) {
    Objects.requireNonNull(path, "path == null");
    return listFrom(path, 0, new ArrayList<>());
  }

  private Future<List<FileEntry>> listFrom(String path, int offset, List<FileEntry> into) {
    return dialback
        .request(address(Wire.FS_LIST), new JsonObject().put("path", path).put("offset", offset))
        .map(Reply::json)
        .compose(
            page -> {
              JsonArray entries = page.getJsonArray("entries", new JsonArray());
              for (Object o : entries) {
                into.add(FileEntry.of((JsonObject) o));
              }
              if (page.getBoolean("more", false) && !entries.isEmpty()) {
                return listFrom(path, offset + entries.size(), into);
              }
              return Future.succeededFuture(into);
            });
  }

  public Future<FileStat> stat(String path) {
    Objects.requireNonNull(path, "path == null");
    return dialback
        .request(address(Wire.FS_STAT), new JsonObject().put("path", path))
        .map(reply -> FileStat.of(reply.json()));
  }

  /** The SHA-256 of a file, computed by the agent. */
  public Future<FileHash> hash(String path) {
    Objects.requireNonNull(path, "path == null");
    return dialback
        .request(address(Wire.FS_HASH), new JsonObject().put("path", path))
        .map(reply -> FileHash.of(reply.json()));
  }

  /** Makes a folder (writable agents); with {@code parents} the missing ones on the way too. */
  public Future<Void> mkdir(String path, boolean parents) {
    Objects.requireNonNull(path, "path == null");
    return dialback
        .request(address(Wire.FS_MKDIR), new JsonObject().put("path", path).put("parents", parents))
        .mapEmpty();
  }

  /** Deletes a file or link; a folder only with {@code recursive} (writable agents). */
  public Future<Void> delete(String path, boolean recursive) {
    Objects.requireNonNull(path, "path == null");
    return dialback
        .request(
            address(Wire.FS_DELETE), new JsonObject().put("path", path).put("recursive", recursive))
        .mapEmpty();
  }

  /**
   * Renames {@code from} to {@code to} in one step (writable agents); {@code replace} an existing
   * one.
   */
  public Future<Void> move(String from, String to, boolean replace) {
    Objects.requireNonNull(from, "from == null");
    Objects.requireNonNull(to, "to == null");
    return dialback
        .request(
            address(Wire.FS_MOVE),
            new JsonObject().put("from", from).put("to", to).put("replace", replace))
        .mapEmpty();
  }

  /**
   * Up to {@code length} bytes of a file from {@code offset}: fewer only at its end. Asks chunk by
   * chunk (the agent caps each), so memory is what was asked for.
   */
  public Future<Buffer> read(String path, long offset, int length) {
    Objects.requireNonNull(path, "path == null");
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "offset and length must not be negative: " + offset + ", " + length);
    }
    return readInto(path, offset, length, Buffer.buffer(Math.min(length, 1 << 20)));
  }

  private Future<Buffer> readInto(String path, long offset, int left, Buffer into) {
    return readChunk(path, offset, left)
        .compose(
            chunk -> {
              int take = Math.min(left, chunk.data().length());
              into.appendBuffer(chunk.data(), 0, take);
              if (chunk.eof() || take == 0 || take == left) {
                return Future.succeededFuture(into);
              }
              return readInto(path, offset + take, left - take, into);
            });
  }

  /**
   * One {@code fs.read}: at most {@code length} bytes from {@code offset}, and at most the agent's
   * chunk size, with the file's size and modification time (to notice a file that changes while it
   * is read in several chunks).
   */
  public Future<Chunk> readChunk(String path, long offset, int length) {
    Objects.requireNonNull(path, "path == null");
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "offset and length must not be negative: " + offset + ", " + length);
    }
    JsonObject body =
        new JsonObject().put("path", path).put("offset", offset).put("length", length);
    if (dialback.transport().binary()) {
      body.put("binary", true);
    }
    return dialback.request(address(Wire.FS_READ), body).map(reply -> Chunk.of(offset, reply));
  }

  /**
   * Downloads a file to {@code target}: chunks pipelined (the window of {@code options}), memory
   * bounded by the window, progress reported, resumed over a reconnect; the target appears only
   * once complete.
   */
  public Future<TransferResult> download(String path, Path target, TransferOptions options) {
    return Download.toFile(
            dialback.transport().vertx(), dialback.transport(), name, path, target, options)
        .recover(e -> Future.failedFuture(DialbackException.of(e, address(Wire.FS_READ))));
  }

  /** Uploads a local file to {@code path} (agents whose conf allows writes); atomic remotely. */
  public Future<TransferResult> upload(Path source, String path, TransferOptions options) {
    return Upload.fromFile(
            dialback.transport().vertx(), dialback.transport(), source, name, path, options)
        .recover(e -> Future.failedFuture(DialbackException.of(e, address(Wire.FS_WRITE))));
  }

  /**
   * Uploads what {@code source} gives — another agent's file ({@link
   * io.dialback.files.AgentSource}), a stream — to {@code path}; atomic remotely, resumed where the
   * agent still holds an interrupted upload of the same tagged source.
   */
  public Future<TransferResult> upload(UploadSource source, String path, TransferOptions options) {
    return Upload.from(
            dialback.transport().vertx(), dialback.transport(), source, null, name, path, options)
        .recover(e -> Future.failedFuture(DialbackException.of(e, address(Wire.FS_WRITE))));
  }

  /** Changes below the agent's root, if the agent watches it ({@code fs.watch} in its conf). */
  public Future<Subscription> onFileEvents(Handler<FileEvent> handler) {
    Objects.requireNonNull(handler, "handler == null");
    return onEvents(Wire.EVENTS_FS, json -> handler.handle(FileEvent.of(name, json)));
  }

  /** Whatever the agent publishes on {@code agent.<name>.events.<topic>}. */
  public Future<Subscription> onEvents(String topic, Handler<JsonObject> handler) {
    Objects.requireNonNull(topic, "topic == null");
    Objects.requireNonNull(handler, "handler == null");
    return dialback.subscribe(Wire.agentEventsAddress(name, topic), handler);
  }

  /** The same calls, each waiting for its result on the calling thread. */
  public BlockingAgent blocking() {
    return new BlockingAgent(this, dialback.timeout());
  }

  private String address(String operation) {
    return Wire.fsAddress(name, operation);
  }
}
