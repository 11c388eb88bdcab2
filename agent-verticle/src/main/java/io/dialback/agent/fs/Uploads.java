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
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Chunked uploads ({@code fs.write}) that become visible atomically.
 *
 * <p>The chunk at offset 0 opens a temp file beside the target; each next chunk must continue at
 * the offset reached so far; the chunk marked {@code last} syncs the temp file and renames it over
 * the target in one step. Until then the old file is untouched, and an upload that stops (the
 * uploader died, or gave up) is removed after {@code uploadIdleMs}. One upload per path at a time;
 * its chunks must come one after another from the identity that started it.
 */
final class Uploads {
  private static final Pattern TEMP = Pattern.compile("^\\..*\\.dialback-[0-9a-f]{32}\\.part$");

  private final Vertx vertx;
  private final Jail jail;
  private final FsSettings settings;
  private final WorkerExecutor workers;
  private final Map<Path, Upload> active = new HashMap<>();
  private long sweeper = -1;

  private static final class Upload {
    final Path target;
    final Path temp;
    final String owner;
    FileChannel channel;
    long offset;
    boolean busy;
    long lastActivityNanos = System.nanoTime();

    Upload(Path target, Path temp, String owner) {
      this.target = target;
      this.temp = temp;
      this.owner = owner;
    }
  }

  Uploads(Vertx vertx, Jail jail, FsSettings settings, WorkerExecutor workers) {
    this.vertx = vertx;
    this.jail = jail;
    this.settings = settings;
    this.workers = workers;
  }

  static boolean isTempFile(String name) {
    return TEMP.matcher(name).matches();
  }

  void start() {
    long every = Math.max(100, settings.uploadIdleMs() / 4);
    sweeper = vertx.setPeriodic(every, t -> abandonIdle());
  }

  void stop() {
    vertx.cancelTimer(sweeper);
    for (Upload upload : active.values()) {
      discard(upload);
    }
    active.clear();
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
    try {
      path = FileService.pathOf(req, false);
      offset = FileService.longOf(req, "offset", 0);
      data = decode(req.getValue("data"));
      last = Boolean.TRUE.equals(req.getValue("last"));
      target = jail.writable(path);
    } catch (FsException e) {
      FileService.fail(msg, e);
      return;
    }
    Upload upload = active.get(target);
    if (offset == 0 && upload == null && active.size() >= settings.maxQueued()) {
      msg.fail(
          FailureCode.BUSY.code(),
          FailureCode.BUSY.message(active.size() + " uploads are in progress"));
      return;
    }
    if (offset == 0) {
      if (upload != null && !idle(upload)) {
        msg.fail(
            FailureCode.CONFLICT.code(),
            FailureCode.CONFLICT.message("an upload of " + path + " is already in progress"));
        return;
      }
      if (upload != null) {
        active.remove(target);
        discard(upload);
      }
      upload = new Upload(target, tempBeside(target), owner);
      active.put(target, upload);
    } else if (upload == null) {
      msg.fail(
          FailureCode.CONFLICT.code(),
          FailureCode.CONFLICT.message("no upload of " + path + " in progress; start at offset 0"));
      return;
    } else if (!upload.owner.equals(owner)) {
      msg.fail(
          FailureCode.CONFLICT.code(),
          FailureCode.CONFLICT.message(path + " is being uploaded by someone else"));
      return;
    } else if (upload.busy || offset != upload.offset) {
      msg.fail(
          FailureCode.CONFLICT.code(),
          FailureCode.CONFLICT.message(
              "expected the chunk at offset " + upload.offset + " of " + path + ", got " + offset));
      return;
    }
    Upload u = upload;
    u.busy = true;
    u.lastActivityNanos = System.nanoTime();
    workers
        .executeBlocking(() -> writeChunk(u, offset, data, last), false)
        .onComplete(
            ar -> {
              u.busy = false;
              u.lastActivityNanos = System.nanoTime();
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

  private JsonObject writeChunk(Upload u, long offset, byte[] data, boolean last)
      throws IOException {
    if (u.channel == null) {
      if (Files.isDirectory(u.target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FsException(FailureCode.CONFLICT, jail.relative(u.target) + " is a directory");
      }
      if (Files.exists(u.target, LinkOption.NOFOLLOW_LINKS)) {
        BasicFileAttributes attrs = Files.readAttributes(u.target, BasicFileAttributes.class);
        FileService.requireRegular(attrs, jail.relative(u.target));
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

  private boolean idle(Upload u) {
    return !u.busy && System.nanoTime() - u.lastActivityNanos > settings.uploadIdleMs() * 1_000_000;
  }

  private void abandonIdle() {
    Iterator<Upload> it = active.values().iterator();
    while (it.hasNext()) {
      Upload u = it.next();
      if (idle(u)) {
        it.remove();
        Audit.writeAbandoned(
            u.owner,
            jail.relative(u.target),
            u.offset,
            "no chunk for " + settings.uploadIdleMs() + " ms");
        discard(u);
      }
    }
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
