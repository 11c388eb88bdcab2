package io.dialback.hub.bridge;

import io.dialback.link.CloseReason;
import io.dialback.wire.FailureCode;

/**
 * What the connection core counts, for whoever keeps metrics ({@code hub.metrics}): logins, calls
 * with their outcome and latency, publishes, refusals, closes and bytes. Every method is called on
 * a connection's event loop, often, so an implementation must be cheap and thread-safe; {@link
 * #NONE} counts nothing. Label values come from fixed sets only, never from a peer.
 */
public interface BridgeMetrics {
  /** Counts nothing: a hub without an admin port. */
  BridgeMetrics NONE = new BridgeMetrics() {};

  /** A login ended: {@code refused} is null when it succeeded. */
  default void login(FailureCode refused) {}

  /** A call of {@code kind} ended with {@code outcome}, {@code nanos} after it started. */
  default void call(CallKind kind, CallOutcome outcome, long nanos) {}

  /** A peer published a message (after the policy let it). */
  default void published() {}

  /** A frame or login was refused with {@code code} (the err the peer got). */
  default void refused(FailureCode code) {}

  /** A connection ended, for {@code reason}. */
  default void closed(CloseReason reason) {}

  /** {@code n} bytes arrived from a peer. */
  default void bytesIn(int n) {}

  /** {@code n} bytes were written to a peer. */
  default void bytesOut(int n) {}
}
