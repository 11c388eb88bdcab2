package io.dialback.link;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.LongFunction;

/**
 * Sends a request to an agent again when no handler took it, within the request's own timeout.
 *
 * <p>A {@code NO_HANDLERS} failure means the message reached no consumer, so sending it again
 * cannot run anything twice. It is what a caller meets while an agent moves between hubs: its hub
 * is stopping and it registered on another, or it reconnects after a drop, and the cluster's view
 * of who holds the address lags by some milliseconds. Five more tries, 20 ms apart and doubling
 * (620 ms in all), cover a move; a call to an agent that is really absent fails after them.
 */
public final class NoHandlerRetry {
  /** Delays before each retry, in ms. */
  private static final long[] DELAYS_MS = {20, 40, 80, 160, 320};

  private NoHandlerRetry() {}

  /**
   * {@code send(timeoutMs)} at once, and again with the time left while it fails with {@code
   * NO_HANDLERS} and the retries and {@code timeoutMs} allow.
   */
  public static <T> Future<T> send(Vertx vertx, long timeoutMs, LongFunction<Future<T>> send) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    Future<T> first = send.apply(timeoutMs);
    return first.transform(ar -> ar.succeeded() ? first : retry(vertx, deadline, send, first, 0));
  }

  private static <T> Future<T> retry(
      Vertx vertx, long deadline, LongFunction<Future<T>> send, Future<T> failed, int attempt) {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (!noHandlers(failed.cause())
        || attempt >= DELAYS_MS.length
        || left <= DELAYS_MS[attempt] + 1) {
      return failed;
    }
    Promise<T> result = Promise.promise();
    vertx.setTimer(
        DELAYS_MS[attempt],
        t -> {
          Future<T> next = send.apply(Math.max(1, left - DELAYS_MS[attempt]));
          next.onComplete(
              ar -> {
                if (ar.succeeded()) {
                  result.complete(ar.result());
                } else {
                  retry(vertx, deadline, send, next, attempt + 1).onComplete(result);
                }
              });
        });
    return result.future();
  }

  /** Whether {@code cause} says no consumer took the message. */
  public static boolean noHandlers(Throwable cause) {
    return cause instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS;
  }
}
