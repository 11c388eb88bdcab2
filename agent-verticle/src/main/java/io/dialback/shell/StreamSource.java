package io.dialback.shell;

import io.dialback.files.UploadSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream (stdin, for {@code put -}) as an upload's source: read on a worker thread, a chunk at a
 * time, so memory is one chunk. Its size is unknown until it ends, and it is never resumed.
 */
final class StreamSource implements UploadSource {
  private final Vertx vertx;
  private final InputStream in;

  StreamSource(Vertx vertx, InputStream in) {
    this.vertx = vertx;
    this.in = in;
  }

  @Override
  public long size() {
    return -1;
  }

  @Override
  public String tag() {
    return null;
  }

  @Override
  public Future<Void> skip(long offset) {
    return offset == 0
        ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("a stream cannot be resumed"));
  }

  @Override
  public Future<Buffer> next(int max) {
    return vertx.executeBlocking(() -> Buffer.buffer(readUpTo(max)), false);
  }

  private byte[] readUpTo(int max) throws IOException {
    byte[] buffer = new byte[max];
    int filled = 0;
    while (filled < max) {
      int n = in.read(buffer, filled, max - filled);
      if (n < 0) {
        break;
      }
      filled += n;
    }
    return filled == max ? buffer : java.util.Arrays.copyOf(buffer, filled);
  }
}
