package io.dialback.link;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * Two {@link ByteSocket}s joined in process: what one end writes, the other end's handler receives,
 * in order, on the pipe's context. A write completes when the other end has taken it, so an end
 * that pauses holds the writer's outbox back as a slow TCP peer would. Closing either end closes
 * both. For bridge connections that never leave the process (the hub's own HTTP download endpoint
 * logs in as a bridge client through one).
 *
 * <p>Not thread-safe: use both ends from the pipe's context only.
 */
public final class Pipe {
  private final Context context;
  private final End a = new End();
  private final End b = new End();
  private boolean closed;

  private Pipe(Context context) {
    this.context = Objects.requireNonNull(context, "context == null");
    a.other = b;
    b.other = a;
  }

  /** A new pipe whose ends deliver on {@code context}. */
  public static Pipe on(Context context) {
    return new Pipe(context);
  }

  /** One end. */
  public ByteSocket a() {
    return a;
  }

  /** The other end. */
  public ByteSocket b() {
    return b;
  }

  private record Chunk(Buffer data, Promise<Void> taken) {}

  private final class End implements ByteSocket {
    private final ArrayDeque<Chunk> inbound = new ArrayDeque<>();
    private End other;
    private Handler<Buffer> handler;
    private Handler<Void> closeHandler;
    private boolean paused;
    private boolean scheduled;

    @Override
    public void handler(Handler<Buffer> handler) {
      this.handler = handler;
      schedule();
    }

    @Override
    public void closeHandler(Handler<Void> handler) {
      this.closeHandler = handler;
    }

    @Override
    public void exceptionHandler(Handler<Throwable> handler) {
      // nothing fails in process
    }

    @Override
    public Future<Void> write(Buffer frames) {
      if (closed) {
        return Future.failedFuture("pipe closed");
      }
      Promise<Void> taken = Promise.promise();
      other.inbound.add(new Chunk(frames, taken));
      other.schedule();
      return taken.future();
    }

    @Override
    public void pause() {
      paused = true;
    }

    @Override
    public void resume() {
      paused = false;
      schedule();
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      context.runOnContext(
          v -> {
            a.end();
            b.end();
          });
    }

    private void schedule() {
      if (!scheduled && !paused && handler != null && !inbound.isEmpty()) {
        scheduled = true;
        context.runOnContext(v -> deliver());
      }
    }

    private void deliver() {
      scheduled = false;
      while (!closed && !paused && handler != null && !inbound.isEmpty()) {
        Chunk chunk = inbound.poll();
        handler.handle(chunk.data());
        chunk.taken().tryComplete();
      }
    }

    private void end() {
      for (Chunk chunk : inbound) {
        chunk.taken().tryFail("pipe closed");
      }
      inbound.clear();
      if (closeHandler != null) {
        Handler<Void> h = closeHandler;
        closeHandler = null;
        h.handle(null);
      }
    }
  }
}
