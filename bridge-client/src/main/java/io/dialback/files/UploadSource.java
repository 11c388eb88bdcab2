package io.dialback.files;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.nio.file.Path;

/**
 * Where an {@link Upload}'s bytes come from, read once from start to end: a local file ({@link
 * #file}), another agent's file ({@link AgentSource}), or any stream a caller adapts.
 */
public interface UploadSource {
  /** The total size when known beforehand, else -1 (the end is an empty {@link #next}). */
  long size();

  /**
   * What identifies this content for a resume — e.g. a file's size and modification time — or null:
   * an upload of it is never resumed.
   */
  String tag();

  /** Moves past the first {@code offset} bytes (before the first {@link #next}, for a resume). */
  Future<Void> skip(long offset);

  /** The next piece, at most {@code max} bytes; empty at the end. */
  Future<Buffer> next(int max);

  /** Lets go of what the source holds. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** A local file, read with asynchronous I/O. */
  static Future<UploadSource> file(Vertx vertx, Path path) {
    return vertx
        .fileSystem()
        .props(path.toString())
        .compose(
            props -> {
              if (!props.isRegularFile()) {
                return Future.failedFuture(
                    new IllegalArgumentException(path + " is not a regular file"));
              }
              return vertx
                  .fileSystem()
                  .open(path.toString(), new OpenOptions().setRead(true).setWrite(false))
                  .map(
                      f ->
                          new FileSource(
                              f, props.size(), props.size() + ":" + props.lastModifiedTime()));
            });
  }

  /** {@link #file}'s source. */
  final class FileSource implements UploadSource {
    private final AsyncFile file;
    private final long size;
    private final String tag;
    private long position;

    FileSource(AsyncFile file, long size, String tag) {
      this.file = file;
      this.size = size;
      this.tag = tag;
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
      position = offset;
      return Future.succeededFuture();
    }

    @Override
    public Future<Buffer> next(int max) {
      int length = (int) Math.max(0, Math.min(max, size - position));
      if (length == 0) {
        return Future.succeededFuture(Buffer.buffer());
      }
      long at = position;
      position += length;
      return file.read(Buffer.buffer(length), 0, at, length);
    }

    @Override
    public Future<Void> close() {
      return file.close();
    }
  }
}
