package io.dialback.client;

import io.vertx.core.Vertx;

/**
 * The one timer of a connection's waiting requests: no timer per request, nor a sweep that runs for
 * ever, but a timer set for the earliest deadline among them, which the connection sets again for
 * the next when it fires. A sweep ten times a second on every connection kept 5,000 idle agents in
 * one process 1.6 cores busy; and while a storm's reconnecting agents waited seconds for their
 * logins, the sweeps their waiting requests kept running were 11 % of a fleet process's samples
 * (JFR). Used on the connection's context only.
 */
final class OverdueTimer {
  private final Vertx vertx;
  private final Runnable due;
  private long timer = -1;
  private long atNanos;

  /** {@code due} runs when the earliest deadline set comes. */
  OverdueTimer(Vertx vertx, Runnable due) {
    this.vertx = vertx;
    this.due = due;
  }

  /** Something now waits until {@code deadlineNanos} ({@code System.nanoTime}). */
  void waitsUntil(long deadlineNanos) {
    if (timer != -1 && deadlineNanos - atNanos >= 0) {
      return; // the timer comes first anyway
    }
    vertx.cancelTimer(timer);
    atNanos = deadlineNanos;
    long ms = Math.max(1, (deadlineNanos - System.nanoTime() + 999_999) / 1_000_000);
    timer =
        vertx.setTimer(
            ms,
            t -> {
              if (t == timer) {
                timer = -1;
                due.run();
              }
            });
  }

  void cancel() {
    vertx.cancelTimer(timer);
    timer = -1;
  }
}
