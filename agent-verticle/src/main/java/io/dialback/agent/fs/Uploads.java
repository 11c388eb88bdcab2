package io.dialback.agent.fs;

import io.dialback.wire.FailureCode;
import io.dialback.wire.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Chunked uploads ({@code fs.write}) that become visible atomically.
 *
 * <p>The chunk at offset 0 opens a temp file beside the target; each next chunk must continue at
 * the offset reached so far; the chunk marked {@code last} syncs the temp file and renames it over
 * the target in one step. Until then the old file is untouched. One upload per path at a time; its
 * chunks must come one after another from the identity that started it.
 *
 * <p>No caller can hold the agent's uploads: a caller has at most {@link
 * UploadLimits#maxPerCaller()} in progress, the agent {@link UploadLimits#maxUploads()} (beyond,
 * {@code busy}). The agent ends an upload, removing its temp file, when no chunk came for {@code
 * uploadIdleMs}, when its sender falls below {@link UploadLimits#minBytesPerSecond()} ({@link
 * Pace}), or when a chunk would take it past {@link UploadLimits#maxBytes()} ({@code too_large});
 * the next chunk of an ended upload is told why.
 *
 * <p>A caller whose upload was cut off (its connection dropped, its process ended) asks with {@code
 * resume: true} and the {@code source} it gave the first chunk (an opaque tag of its file, e.g.
 * size and modification time) where that upload stands, and goes on from there.
 */
final class Uploads {
  private final Vertx vertx;
  private final Jail jail;
  private final FsSettings settings;
  private final UploadLimits limits;
  private final WorkerExecutor workers;
  private final Map<Path, UploadState> active = new HashMap<>();

  /** Chunks a sender may send ahead of the one being written, per upload. */
  static final int MAX_AHEAD = 4;

  /** The most bytes of chunks waiting to be written, all uploads together. */
  static final long MAX_QUEUED_BYTES = 16L * 1024 * 1024;

  private long queuedBytes;

  /** Uploads the agent ended lately, to tell their next chunk why; bounded in number and age. */
  private final LinkedHashMap<Path, Ended> ended =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Ended> eldest) {
          return size() > limits.maxUploads();
        }
      };

  private long sweeper = -1;
  private long sweepMs;

  /** An upload the agent ended, and why. */
  private record Ended(String owner, String reason, long atNanos) {}

  Uploads(Vertx vertx, Jail jail, FsSettings settings, WorkerExecutor workers) {
    this.vertx = vertx;
    this.jail = jail;
    this.settings = settings;
    this.limits = settings.uploads();
    this.workers = workers;
  }

  static boolean isTempFile(String name) {
    return UploadState.isTempFile(name);
  }

  void start() {
    long shortest = Math.min(settings.uploadIdleMs(), limits.rateWindowMs());
    sweepMs = Math.max(25, Math.min(1_000, shortest / 4));
  }

  /**
   * Sweeps while an upload is open or an ending is remembered, not for ever: an idle agent's timer
   * woke its event loop every second (with the default settings), and 5,000 idle agents in one
   * process kept 0.67 of a core busy; 0.06 without it.
   */
  private void sweepSoon() {
    if (sweeper == -1 && sweepMs > 0) {
      sweeper = vertx.setPeriodic(sweepMs, t -> sweep());
    }
  }

  void stop() {
    sweepMs = 0;
    vertx.cancelTimer(sweeper);
    sweeper = -1;
    for (UploadState upload : active.values()) {
      discard(upload);
    }
    active.clear();
    ended.clear();
  }

  /** Handles one {@code fs.write} chunk (on the service's event loop). */
  void write(Message<Object> msg) {
    if (!(msg.body() instanceof JsonObject)) {
      msg.fail(
          FailureCode.BAD_REQUEST.code(),
          FailureCode.BAD_REQUEST.message("body must be an object"));
      return;
    }
    JsonObject req = (JsonObject) msg.body();
    String from = msg.headers().get(Wire.HEADER_FROM);
    String owner = from == null ? "" : from;
    String path;
    long offset;
    byte[] data;
    boolean last;
    Path target;
    String source;
    boolean resume;
    try {
      path = Args.pathOf(req, false);
      offset = Args.longOf(req, "offset", 0);
      data = Args.base64(req.getValue("data"), settings.chunkBytes());
      last = Args.flag(req, "last");
      resume = Args.flag(req, "resume");
      source = Args.sourceOf(req);
      target = jail.writable(path);
    } catch (FsException e) {
      FileService.fail(msg, e);
      return;
    }
    long now = System.nanoTime();
    UploadState upload = active.get(target);
    if (resume) {
      probe(msg, path, upload, owner, source);
      return;
    }
    if (offset == 0) {
      // The same caller starting over replaces its own upload; anyone else waits for it to end.
      boolean own = upload != null && upload.owner.equals(owner) && !upload.busy;
      if (upload != null && !own && !idle(upload, now)) {
        fail(msg, FailureCode.CONFLICT, "an upload of " + path + " is already in progress");
        return;
      }
      if (limits.tooLarge(data.length)) {
        fail(
            msg,
            FailureCode.TOO_LARGE,
            "the upload of " + path + " is refused: " + limits.whyTooLarge(data.length));
        return;
      }
      String full = noSlot(owner, upload);
      if (full != null) {
        fail(msg, FailureCode.BUSY, full);
        return;
      }
      if (upload != null) {
        active.remove(target);
        discard(upload);
      }
      ended.remove(target);
      Pace pace =
          new Pace(limits.minBytesPerSecond(), limits.rateWindowMs(), settings.chunkBytes(), now);
      upload = new UploadState(target, UploadState.tempBeside(target), owner, pace, source, now);
      active.put(target, upload);
      sweepSoon();
    } else if (upload == null) {
      Ended why = ended.get(target);
      fail(
          msg,
          FailureCode.CONFLICT,
          why != null && why.owner().equals(owner)
              ? "the upload of "
                  + path
                  + " was abandoned: "
                  + why.reason()
                  + "; start again at offset 0"
              : "no upload of " + path + " in progress; start at offset 0");
      return;
    } else if (!upload.owner.equals(owner)) {
      fail(msg, FailureCode.CONFLICT, path + " is being uploaded by someone else");
      return;
    } else if (offset != upload.expected) {
      fail(
          msg,
          FailureCode.CONFLICT,
          "expected the chunk at offset " + upload.expected + " of " + path + ", got " + offset);
      return;
    } else if (limits.tooLarge(offset + data.length)) {
      String reason = limits.whyTooLarge(offset + data.length);
      end(upload, reason);
      fail(msg, FailureCode.TOO_LARGE, "the upload of " + path + " is abandoned: " + reason);
      return;
    } else if (upload.queue.size() >= MAX_AHEAD || queuedBytes + data.length > MAX_QUEUED_BYTES) {
      fail(
          msg,
          FailureCode.BUSY,
          "more chunks of uploads are waiting to be written than this agent holds ("
              + MAX_AHEAD
              + " per upload, "
              + MAX_QUEUED_BYTES / (1024 * 1024)
              + " MiB in all); send fewer ahead");
      return;
    }
    upload.expected = offset + data.length;
    upload.lastActivityNanos = now;
    upload.queue.add(new UploadState.Queued(msg, path, offset, data, last));
    queuedBytes += data.length;
    if (!upload.busy) {
      writeNext(upload);
    }
  }

  /** Writes the next chunk that waits, if any; its reply goes once it is on disk. */
  private void writeNext(UploadState u) {
    UploadState.Queued q = u.queue.poll();
    if (q == null) {
      return;
    }
    queuedBytes -= q.data().length;
    long now = System.nanoTime();
    u.busy = true;
    u.pace.chunkStarted(now);
    workers
        .executeBlocking(() -> writeChunk(u, q.offset(), q.data(), q.last()), false)
        .onComplete(
            ar -> {
              long done = System.nanoTime();
              u.busy = false;
              u.lastActivityNanos = done;
              u.pace.chunkDone(done);
              if (ar.failed()) {
                active.remove(u.target, u);
                discard(u);
                Audit.writeFailed(u.owner, q.path(), ar.cause().getMessage());
                FileService.fail(q.msg(), ar.cause(), Wire.FS_WRITE);
                return;
              }
              if (q.last()) {
                active.remove(u.target, u);
                Audit.write(u.owner, q.path(), u.offset);
              }
              q.msg()
                  .reply(
                      new JsonObject()
                          .put("path", q.path())
                          .put("offset", u.offset)
                          .put("done", q.last()));
              if (active.get(u.target) == u) {
                writeNext(u);
              } else {
                failQueued(u, "the upload of " + q.path() + " is no longer in progress");
              }
            });
  }

  /** Chunks that waited for an upload that ended are told so. */
  private void failQueued(UploadState u, String why) {
    for (UploadState.Queued q; (q = u.queue.poll()) != null; ) {
      queuedBytes -= q.data().length;
      fail(q.msg(), FailureCode.CONFLICT, why);
    }
  }

  /**
   * Answers where the upload {@code owner} started of the same {@code source} stands (0: none,
   * start afresh); if one of its chunks is being written, once that write is done.
   */
  private void probe(Message<Object> msg, String path, UploadState u, String owner, String source) {
    if (u == null || !u.owner.equals(owner) || source == null || !source.equals(u.source)) {
      msg.reply(new JsonObject().put("path", path).put("offset", 0L).put("done", false));
    } else if (u.busy || !u.queue.isEmpty()) {
      vertx.setTimer(10, t -> probe(msg, path, active.get(u.target), owner, source));
    } else {
      u.lastActivityNanos = System.nanoTime();
      msg.reply(new JsonObject().put("path", path).put("offset", u.offset).put("done", false));
    }
  }

  /** Why a new upload of {@code owner} cannot start, naming the bound; null if it can. */
  private String noSlot(String owner, UploadState replaced) {
    int mine = 0;
    int all = 0;
    for (UploadState u : active.values()) {
      if (u != replaced) {
        all++;
        if (u.owner.equals(owner)) {
          mine++;
        }
      }
    }
    return limits.noSlot(owner, mine, all);
  }

  private static void fail(Message<?> msg, FailureCode code, String detail) {
    msg.fail(code.code(), code.message(detail));
  }

  private JsonObject writeChunk(UploadState u, long offset, byte[] data, boolean last)
      throws IOException {
    if (u.channel == null) {
      if (Files.isDirectory(u.target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FsException(FailureCode.CONFLICT, jail.relative(u.target) + " is a directory");
      }
      if (Files.exists(u.target, LinkOption.NOFOLLOW_LINKS)) {
        BasicFileAttributes attrs = Files.readAttributes(u.target, BasicFileAttributes.class);
        Args.requireRegular(attrs, jail.relative(u.target));
      }
      u.channel = FileChannel.open(u.temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
    ByteBuffer buf = ByteBuffer.wrap(data);
    while (buf.hasRemaining()) {
      u.channel.write(buf, offset + buf.position());
    }
    u.offset = offset + data.length;
    if (last) {
      u.channel.force(true);
      u.channel.close();
      u.channel = null;
      Files.move(
          u.temp, u.target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    return null;
  }

  private boolean idle(UploadState u, long now) {
    return !u.busy
        && u.queue.isEmpty()
        && now - u.lastActivityNanos > settings.uploadIdleMs() * 1_000_000;
  }

  /** Ends uploads that stopped or crawl, and forgets old endings. */
  private void sweep() {
    long now = System.nanoTime();
    Map<UploadState, String> over = new LinkedHashMap<>();
    for (UploadState u : active.values()) {
      String reason =
          idle(u, now)
              ? "no chunk came for " + settings.uploadIdleMs() + " ms (fs.uploadIdleMs)"
              : u.pace.tooSlow(now, u.offset);
      if (reason != null) {
        over.put(u, reason);
      }
    }
    over.forEach(this::end);
    long keep = Math.max(settings.uploadIdleMs(), limits.rateWindowMs()) * 1_000_000;
    ended.values().removeIf(e -> now - e.atNanos() > keep);
    if (active.isEmpty() && ended.isEmpty()) {
      vertx.cancelTimer(sweeper);
      sweeper = -1;
    }
  }

  /** Ends an upload the caller did not finish: its temp file goes, the old file stays. */
  private void end(UploadState u, String reason) {
    active.remove(u.target, u);
    failQueued(u, "the upload of " + jail.relative(u.target) + " was abandoned: " + reason);
    ended.put(u.target, new Ended(u.owner, reason, System.nanoTime()));
    sweepSoon(); // to forget it in time
    Audit.writeAbandoned(u.owner, jail.relative(u.target), u.offset, reason);
    discard(u);
  }

  private void discard(UploadState u) {
    failQueued(u, "the upload of " + jail.relative(u.target) + " ended");
    workers.executeBlocking(
        () -> {
          if (u.channel != null) {
            u.channel.close();
          }
          Files.deleteIfExists(u.temp);
          return null;
        },
        false);
  }
}
