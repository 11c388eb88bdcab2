package io.dialback.shell;

import io.dialback.api.Dialback;
import io.dialback.api.DialbackException;
import io.dialback.client.BridgeClient;
import io.dialback.client.ClientState;
import io.dialback.files.Cancellation;
import io.dialback.files.TransferCancelled;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the shell's commands share: where they print, how they show progress, the connection to the
 * hub (made on first use, and made again if it was lost for good), and the cancellation of the
 * operation under way, which a Ctrl-C triggers from another thread. Waits happen on the caller's
 * thread, never an event loop.
 */
final class Session {
  /** How long a single call waits for its reply. */
  static final Duration TIMEOUT = Dialback.DEFAULT_TIMEOUT;

  final PrintStream out;
  final PrintStream err;
  final Shell.Progress progress;
  private final Supplier<BridgeClient> dial;
  private BridgeClient client;
  private Dialback dialback;
  private volatile Cancellation current = new Cancellation();

  /** A session that dials with {@code dial} when a command first needs the hub. */
  Session(PrintStream out, PrintStream err, Shell.Progress progress, Supplier<BridgeClient> dial) {
    this.out = out;
    this.err = err;
    this.progress = progress;
    this.dial = dial;
  }

  /** The typed API, connecting first if need be ({@link NoConnection} if that fails). */
  synchronized Dialback dialback() {
    if (client == null || client.state() == ClientState.CLOSED) {
      client = dial.get();
      dialback = Dialback.over(client);
    }
    return dialback;
  }

  Vertx vertx() {
    return dialback().transport().vertx();
  }

  /** The connection, if one was made. */
  synchronized BridgeClient client() {
    return client;
  }

  /** Whether progress bars and summaries go to a terminal. */
  boolean onTerminal() {
    return progress != Shell.Progress.NONE;
  }

  /** A fresh cancellation for the command about to run. */
  Cancellation begin() {
    current = new Cancellation();
    return current;
  }

  /** Cancels what runs now (from a signal handler's thread). */
  void cancel() {
    current.cancel();
  }

  Cancellation cancellation() {
    return current;
  }

  /**
   * Waits for {@code future} (up to {@code timeout}, null for as long as it takes), or until the
   * operation is cancelled; failures come typed ({@link DialbackException}, {@link
   * TransferCancelled}).
   */
  <T> T await(Future<T> future, Duration timeout, String what) {
    CountDownLatch done = new CountDownLatch(1);
    future.onComplete(ar -> done.countDown());
    current.onCancel(done::countDown);
    try {
      boolean finished =
          timeout == null
              ? awaitForever(done)
              : done.await(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      if (!future.isComplete()) {
        if (current.isCancelled()) {
          throw new TransferCancelled("cancelled", 0);
        }
        if (!finished) {
          throw new DialbackException(
              io.dialback.wire.FailureCode.UNAVAILABLE,
              503,
              io.vertx.core.eventbus.ReplyFailure.TIMEOUT,
              what,
              "timed out waiting for " + what);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransferCancelled("interrupted", 0);
    }
    if (future.failed()) {
      Throwable cause = future.cause();
      if (cause instanceof TransferCancelled) {
        throw (TransferCancelled) cause;
      }
      if (cause instanceof DialbackException && cause.getCause() instanceof TransferCancelled) {
        throw (TransferCancelled) cause.getCause();
      }
      throw DialbackException.of(cause, what);
    }
    return future.result();
  }

  private static boolean awaitForever(CountDownLatch done) throws InterruptedException {
    done.await();
    return true;
  }

  /** Closes the connection (quickly: the process is about to end, or the shell to leave). */
  synchronized void close() {
    if (client != null) {
      try {
        client.close().await(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        // leaving anyway
      }
    }
  }

  /** A connection that could not be made, with the one line that says why. */
  static final class NoConnection extends RuntimeException {
    NoConnection(String line) {
      super(line);
    }
  }
}
