package io.dialback.testkit;

import java.time.Duration;

/** Polls a condition that becomes true by itself (a reconnect, an event), up to a deadline. */
public final class Await {
  private Await() {}

  /** A condition to poll; exceptions count as "not yet". */
  @FunctionalInterface
  public interface Check {
    boolean ok() throws Exception;
  }

  /**
   * Returns once {@code check} holds; fails with {@code what} if it does not within {@code wait}.
   */
  public static void until(String what, Duration wait, Check check) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(25);
    }
    AssertionError failure = new AssertionError(what + " did not happen within " + wait);
    if (last != null) {
      failure.initCause(last);
    }
    throw failure;
  }

  /** Sleeps {@code wait}, for tests that must let time pass. */
  public static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
