package io.dialback.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on 127.0.0.1 that makes a link slow, for tests and benchmarks where {@code tc netem}
 * is not at hand: every byte is held for {@code delayMs} in each direction (a round trip of twice
 * that), and, if {@code bytesPerSecond} is above zero, each direction is paced to that rate. It
 * holds at most the bytes in flight on such a link plus a little, pausing the sender beyond that.
 */
public final class DelayProxy implements AutoCloseable {
  private final Vertx vertx;
  private final NetServer server;
  private final NetClient client;
  private final long delayNanos;
  private final long bytesPerSecond;
  private final long maxQueuedBytes;

  private DelayProxy(Vertx vertx, int targetPort, long delayMs, long bytesPerSecond) {
    this.vertx = vertx;
    this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMs);
    this.bytesPerSecond = bytesPerSecond;
    long rate = bytesPerSecond > 0 ? bytesPerSecond : 2L << 30;
    this.maxQueuedBytes = Math.max(1 << 20, rate * Math.max(delayMs, 1) / 1000 * 2);
    this.client = vertx.createNetClient();
    this.server =
        vertx
            .createNetServer()
            .connectHandler(
                in -> {
                  in.pause();
                  client
                      .connect(targetPort, "127.0.0.1")
                      .onSuccess(
                          out -> {
                            new Direction(in, out);
                            new Direction(out, in);
                            in.resume();
                          })
                      .onFailure(e -> in.close());
                });
  }

  /** A proxy to 127.0.0.1:{@code targetPort}; {@link #port()} is where to connect instead. */
  public static DelayProxy start(Vertx vertx, int targetPort, long delayMs, long bytesPerSecond)
      throws Exception {
    DelayProxy proxy = new DelayProxy(vertx, targetPort, delayMs, bytesPerSecond);
    proxy.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return proxy;
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() throws Exception {
    Future.join(server.close(), client.close()).await(10, TimeUnit.SECONDS);
  }

  /** One direction of one connection: a queue of buffers, each released when it is due. */
  private final class Direction {
    private final NetSocket from;
    private final NetSocket to;
    private final ArrayDeque<Object[]> queue = new ArrayDeque<>();
    private long queued;
    private long lastDue;
    private boolean timerSet;
    private boolean paused;

    Direction(NetSocket from, NetSocket to) {
      this.from = from;
      this.to = to;
      from.handler(this::arrived);
      from.closeHandler(v -> vertx.setTimer(Math.max(1, delayNanos / 1_000_000), t -> to.close()));
      to.drainHandler(v -> release());
    }

    private void arrived(Buffer data) {
      long now = System.nanoTime();
      long due = now + delayNanos;
      if (bytesPerSecond > 0) {
        long sendNanos = data.length() * 1_000_000_000L / bytesPerSecond;
        due = Math.max(due, lastDue + sendNanos);
      }
      lastDue = due;
      queue.add(new Object[] {data, due});
      queued += data.length();
      if (queued > maxQueuedBytes && !paused) {
        paused = true;
        from.pause();
      }
      if (delayNanos == 0 && bytesPerSecond <= 0) {
        release(); // nothing to hold back: no timer in the way
      } else {
        schedule();
      }
    }

    private void schedule() {
      if (timerSet || queue.isEmpty()) {
        return;
      }
      long wait = (long) queue.peek()[1] - System.nanoTime();
      timerSet = true;
      vertx.setTimer(
          Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)),
          t -> {
            timerSet = false;
            release();
          });
    }

    private void release() {
      long now = System.nanoTime();
      while (!queue.isEmpty() && (long) queue.peek()[1] <= now && !to.writeQueueFull()) {
        Buffer data = (Buffer) queue.poll()[0];
        queued -= data.length();
        to.write(data);
      }
      if (paused && queued < maxQueuedBytes / 2) {
        paused = false;
        from.resume();
      }
      schedule();
    }
  }
}
