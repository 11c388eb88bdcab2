package io.dialback.files;

import java.util.ArrayList;
import java.util.List;

/**
 * A way to stop transfers from another thread (a Ctrl-C handler, say): {@link #cancel()} ends every
 * transfer that was given this token, which keeps what it has (a download its {@code .part}) and
 * fails with {@link TransferCancelled}. A token stays cancelled; make a new one per operation.
 */
public final class Cancellation {
  private final List<Runnable> listeners = new ArrayList<>();
  private boolean cancelled;

  public synchronized boolean isCancelled() {
    return cancelled;
  }

  /** Cancels; idempotent, callable from any thread. */
  public void cancel() {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      toRun = new ArrayList<>(listeners);
      listeners.clear();
    }
    toRun.forEach(Runnable::run);
  }

  /** Runs {@code listener} on cancellation (at once if already cancelled). */
  public void onCancel(Runnable listener) {
    synchronized (this) {
      if (!cancelled) {
        listeners.add(listener);
        return;
      }
    }
    listener.run();
  }
}
