package io.dialback.link;

import java.util.function.BooleanSupplier;

/** Polls a condition for up to 10 s (the wire module cannot use the testkit, which needs it). */
final class Wait {
  private Wait() {}

  static void until(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }
}
