package io.dialback.files;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * Where a download lands until it is complete: {@code <target>.part}, and beside it {@code
 * <target>.part.resume}, a small JSON note of what the part holds — which remote file (agent, path,
 * size, modification time) and how many bytes from the start are surely on disk. Chunks land out of
 * order, so the part may have holes beyond that count; a later download of the same, unchanged file
 * resumes from it. Used from the download's context only.
 */
final class PartFile {
  /** The note is rewritten after this many more bytes, or this long, whichever comes first. */
  private static final long SAVE_BYTES = 4L * 1024 * 1024;

  private static final long SAVE_NANOS = 500_000_000;

  private final FileSystem fs;
  private final Path part;
  private final Path note;
  private final String agent;
  private final String remotePath;
  private final TreeMap<Long, Long> pieces = new TreeMap<>();
  private long contiguous;
  private long saved = -1;
  private long savedAt;
  private boolean saving;
  private Promise<Void> saveAgain;

  /** Completed or discarded: no note is written any more. */
  private boolean finished;

  /** The note being written, if any: what removes the note waits for it. */
  private Future<Void> writing = Future.succeededFuture();

  private long size;
  private long modified;

  /** What an earlier download of the same remote file left. */
  record Kept(long size, long modified, long have) {}

  PartFile(Vertx vertx, Path target, String agent, String remotePath) {
    this.fs = vertx.fileSystem();
    this.part = target.resolveSibling(target.getFileName() + ".part");
    this.note = target.resolveSibling(target.getFileName() + ".part.resume");
    this.agent = agent;
    this.remotePath = remotePath;
  }

  /** The kept part of an earlier download of this remote file, or null (none, or another's). */
  Future<Kept> kept() {
    return fs.exists(part.toString())
        .compose(exists -> exists ? fs.readFile(note.toString()) : Future.succeededFuture(null))
        .map(
            text -> {
              if (text == null) {
                return null;
              }
              JsonObject json = new JsonObject(text);
              if (!agent.equals(json.getString("agent"))
                  || !remotePath.equals(json.getString("path"))) {
                return null;
              }
              return new Kept(
                  json.getLong("size", -1L),
                  json.getLong("modified", 0L),
                  json.getLong("have", 0L));
            })
        .compose(
            k ->
                k == null
                    ? Future.succeededFuture((Kept) null)
                    // A part shorter than its note says is not to be trusted.
                    : partSize().map(bytes -> bytes >= k.have() ? k : null))
        .otherwise((Kept) null);
  }

  /** Opens the part: emptied, or as it is with {@code have} bytes known good (a resume). */
  Future<AsyncFile> open(long have) {
    contiguous = have;
    saved = have;
    savedAt = System.nanoTime();
    return fs.open(
        part.toString(),
        new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(have == 0));
  }

  /** Forgets what the part held and empties it (the remote file changed since). */
  Future<Void> restart() {
    pieces.clear();
    contiguous = 0;
    saved = 0;
    return fs.truncate(part.toString(), 0);
  }

  /** The remote file this part is of (known from the first reply). */
  void of(long size, long modified) {
    this.size = size;
    this.modified = modified;
  }

  /** Bytes from the start that are surely on disk. */
  long contiguous() {
    return contiguous;
  }

  /** {@code length} bytes at {@code offset} are written; the note follows now and then. */
  void landed(long offset, long length) {
    pieces.put(offset, offset + length);
    Long end;
    while ((end = pieces.remove(contiguous)) != null) {
      contiguous = end;
    }
    if (contiguous - saved >= SAVE_BYTES || System.nanoTime() - savedAt >= SAVE_NANOS) {
      save();
    }
  }

  /**
   * Writes the note as it stands now; the future completes once a note at least this recent is on
   * disk. A save asked for while one is being written follows it, once for all such asks.
   */
  Future<Void> save() {
    if (finished) {
      return Future.succeededFuture(); // completed or discarded: no note any more
    }
    if (saving) {
      if (saveAgain == null) {
        saveAgain = Promise.promise();
      }
      return saveAgain.future();
    }
    saving = true;
    long have = contiguous;
    JsonObject json =
        new JsonObject()
            .put("agent", agent)
            .put("path", remotePath)
            .put("size", size)
            .put("modified", modified)
            .put("have", have);
    writing = fs.writeFile(note.toString(), Buffer.buffer(json.encode()));
    return writing.andThen(
        ar -> {
          saving = false;
          saved = have;
          savedAt = System.nanoTime();
          Promise<Void> again = saveAgain;
          saveAgain = null;
          if (again != null) {
            save().onComplete(again);
          }
        });
  }

  /** The part becomes the target; the note goes. */
  Future<Void> complete(Path target) {
    finished = true;
    return writing
        .otherwiseEmpty()
        .compose(
            v ->
                fs.move(
                    part.toString(),
                    target.toString(),
                    new CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
        .compose(v -> fs.delete(note.toString()).otherwiseEmpty());
  }

  Future<Long> partSize() {
    return fs.props(part.toString()).map(p -> p.size());
  }

  /** Nothing kept: the part and its note go. */
  Future<Void> discard() {
    finished = true;
    return writing
        .otherwiseEmpty()
        .compose(v -> Future.join(fs.delete(part.toString()), fs.delete(note.toString())))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }
}
