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
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

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
  private static final Pattern TEMP = Pattern.compile("^\\..*\\.dialback-[0-9a-f]{32}\\.part$");

  private final Vertx vertx;
  private final Jail jail;
  private final FsSettings settings;
  private final UploadLimits limits;
  private final WorkerExecutor workers;
  private final Map<Path, Upload> active = new HashMap<>();

  /** Uploads the agent ended lately, to tell their next chunk why; bounded in number and age. */
  private final LinkedHashMap<Path, Ended> ended =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Ended> eldest) {
          return size() > limits.maxUploads();
        }
      };

  private long sweeper = -1;

  private static final class Upload {
    final Path target;
    final Path temp;
    final String owner;
    final Pace pace;
    final String source;
    FileChannel channel;
    long offset;
    boolean busy;
    long lastActivityNanos;

    Upload(Path target, Path temp, String owner, Pace pace, String source, long now) {
      this.target = target;
      this.temp = temp;
      this.owner = owner;
      this.pace = pace;
      this.source = source;
      this.lastActivityNanos = now;
    }
  }

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
    return TEMP.matcher(name).matches();
  }

  void start() {
    long shortest = Math.min(settings.uploadIdleMs(), limits.rateWindowMs());
    sweeper = vertx.setPeriodic(Math.max(25, Math.min(1_000, shortest / 4)), t -> sweep());
  }

  void stop() {
    vertx.cancelTimer(sweeper);
    for (Upload upload : active.values()) {
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
      data = decode(req.getValue("data"));
      last = Args.flag(req, "last");
      resume = Args.flag(req, "resume");
      source = Args.sourceOf(req);
      target = jail.writable(path);
    } catch (FsException e) {
      FileService.fail(msg, e);
      return;
    }
    long now = System.nanoTime();
    Upload upload = active.get(target);
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
            "the upload of " + path + " is refused: " + tooLarge(data.length));
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
      upload = new Upload(target, tempBeside(target), owner, pace, source, now);
      active.put(target, upload);
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
    } else if (upload.busy || offset != upload.offset) {
      fail(
          msg,
          FailureCode.CONFLICT,
          "expected the chunk at offset " + upload.offset + " of " + path + ", got " + offset);
      return;
    } else if (limits.tooLarge(offset + data.length)) {
      String reason = tooLarge(offset + data.length);
      end(upload, reason);
      fail(msg, FailureCode.TOO_LARGE, "the upload of " + path + " is abandoned: " + reason);
      return;
    }
    Upload u = upload;
    u.busy = true;
    u.lastActivityNanos = now;
    u.pace.chunkStarted(now);
    workers
        .executeBlocking(() -> writeChunk(u, offset, data, last), false)
        .onComplete(
            ar -> {
              long done = System.nanoTime();
              u.busy = false;
              u.lastActivityNanos = done;
              u.pace.chunkDone(done);
              if (ar.failed()) {
                active.remove(u.target, u);
                discard(u);
                Audit.writeFailed(owner, path, ar.cause().getMessage());
                FileService.fail(msg, ar.cause(), Wire.FS_WRITE);
                return;
              }
              if (last) {
                active.remove(u.target, u);
                Audit.write(owner, path, u.offset);
              }
              msg.reply(
                  new JsonObject().put("path", path).put("offset", u.offset).put("done", last));
            });
  }

  /**
   * Answers where the upload {@code owner} started of the same {@code source} stands (0: none,
   * start afresh); if one of its chunks is being written, once that write is done.
   */
  private void probe(Message<Object> msg, String path, Upload u, String owner, String source) {
    if (u == null || !u.owner.equals(owner) || source == null || !source.equals(u.source)) {
      msg.reply(new JsonObject().put("path", path).put("offset", 0L).put("done", false));
    } else if (u.busy) {
      vertx.setTimer(10, t -> probe(msg, path, active.get(u.target), owner, source));
    } else {
      u.lastActivityNanos = System.nanoTime();
      msg.reply(new JsonObject().put("path", path).put("offset", u.offset).put("done", false));
    }
  }

  /** Why a new upload of {@code owner} cannot start, naming the bound; null if it can. */
  private String noSlot(String owner, Upload replaced) {
    int mine = 0;
    int all = 0;
    for (Upload u : active.values()) {
      if (u != replaced) {
        all++;
        if (u.owner.equals(owner)) {
          mine++;
        }
      }
    }
    if (mine >= limits.maxPerCaller()) {
      return (owner.isEmpty() ? "this caller" : "caller " + owner)
          + " has "
          + mine
          + " uploads in progress, the most one caller may have (fs.maxUploadsPerCaller = "
          + limits.maxPerCaller()
          + "); finish one first";
    }
    if (all >= limits.maxUploads()) {
      return all
          + " uploads are in progress on this agent, the most it takes (fs.maxUploads = "
          + limits.maxUploads()
          + "); try again later";
    }
    return null;
  }

  private String tooLarge(long bytes) {
    return "it would reach "
        + bytes
        + " bytes, more than this agent takes (fs.maxUploadBytes = "
        + limits.maxBytes()
        + ")";
  }

  private static void fail(Message<?> msg, FailureCode code, String detail) {
    msg.fail(code.code(), code.message(detail));
  }

  private JsonObject writeChunk(Upload u, long offset, byte[] data, boolean last)
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

  private byte[] decode(Object data) {
    if (data == null) {
      return new byte[0];
    }
    if (!(data instanceof String)) {
      throw new FsException(FailureCode.BAD_REQUEST, "data must be a base64 string");
    }
    String s = (String) data;
    if (s.length() > (settings.chunkBytes() / 3 + 1) * 4 + 4) {
      throw new FsException(
          FailureCode.TOO_LARGE, "a chunk may carry at most " + settings.chunkBytes() + " bytes");
    }
    try {
      return s.indexOf('-') >= 0 || s.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(s)
          : Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new FsException(FailureCode.BAD_REQUEST, "data is not base64: " + e.getMessage());
    }
  }

  private boolean idle(Upload u, long now) {
    return !u.busy && now - u.lastActivityNanos > settings.uploadIdleMs() * 1_000_000;
  }

  /** Ends uploads that stopped or crawl, and forgets old endings. */
  private void sweep() {
    long now = System.nanoTime();
    Map<Upload, String> over = new LinkedHashMap<>();
    for (Upload u : active.values()) {
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
  }

  /** Ends an upload the caller did not finish: its temp file goes, the old file stays. */
  private void end(Upload u, String reason) {
    active.remove(u.target, u);
    ended.put(u.target, new Ended(u.owner, reason, System.nanoTime()));
    Audit.writeAbandoned(u.owner, jail.relative(u.target), u.offset, reason);
    discard(u);
  }

  private void discard(Upload u) {
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

  private static Path tempBeside(Path target) {
    String id = UUID.randomUUID().toString().replace("-", "");
    return target.resolveSibling("." + target.getFileName() + ".dialback-" + id + ".part");
  }
}
