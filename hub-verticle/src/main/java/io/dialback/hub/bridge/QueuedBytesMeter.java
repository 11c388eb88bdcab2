package io.dialback.hub.bridge;

import io.dialback.link.Outbox;

/**
 * Counts one connection's queued bytes against its identity's and the hub's {@link Budget}: under
 * pressure on either, a connection with a backlog beyond {@link Limits#STALLED_BYTES} is refused
 * (and cut off), so the slow readers pay, not the others. Before login the connection counts as
 * itself; at login its bytes move to its identity.
 */
final class QueuedBytesMeter implements Outbox.Meter {
  private final Budget budget;
  private String key;
  private long held;

  QueuedBytesMeter(Budget budget, String key) {
    this.budget = budget;
    this.key = key;
  }

  @Override
  public String refuse(int length, long queuedAfter) {
    if (queuedAfter <= Limits.STALLED_BYTES) {
      return null;
    }
    if (budget.used(key) + length > budget.perIdentity()) {
      return key
          + " has more than "
          + budget.perIdentity()
          + " bytes queued across its connections";
    }
    if (budget.used() + length > budget.total()) {
      return "the hub has more than " + budget.total() + " bytes queued";
    }
    return null;
  }

  @Override
  public void took(int length) {
    held += length;
    budget.take(key, length);
  }

  @Override
  public void gave(int length) {
    held -= length;
    budget.give(key, length);
  }

  /** Bytes this connection has queued right now. */
  long held() {
    return held;
  }

  /** From now on, counts against {@code identity} (what is held moves there). */
  void rekey(String identity) {
    budget.give(key, held);
    key = identity;
    budget.take(key, held);
  }
}
