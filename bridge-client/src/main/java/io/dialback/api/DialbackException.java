package io.dialback.api;

import io.dialback.wire.FailureCode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A call that failed, typed by its {@link FailureCode}: what the agent or hub answered (a missing
 * file is {@link FailureCode#NOT_FOUND}, a read-only agent {@link FailureCode#DENIED}, ...), or
 * what became of the call ({@link #timedOut()}; {@link #noSuchAddress()} when no agent serves the
 * address, which is {@link FailureCode#UNAVAILABLE}). The message is the one the answer carried.
 */
public final class DialbackException extends RuntimeException {
  private final FailureCode code;
  private final int rawCode;
  private final ReplyFailure failureType;
  private final String address;

  public DialbackException(
      FailureCode code, int rawCode, ReplyFailure failureType, String address, String message) {
    super(message);
    this.code = code;
    this.rawCode = rawCode;
    this.failureType = failureType;
    this.address = address;
  }

  /**
   * The typed form of any failure of a call to {@code address}: a {@code ReplyException} keeps its
   * code; an exception already typed is returned as is; anything else is {@link
   * FailureCode#INTERNAL}.
   */
  public static DialbackException of(Throwable cause, String address) {
    if (cause instanceof DialbackException) {
      return (DialbackException) cause;
    }
    if (cause instanceof ReplyException) {
      ReplyException e = (ReplyException) cause;
      switch (e.failureType()) {
        case NO_HANDLERS:
          return unavailable(
              e, address, "nobody serves " + address + " (agent not connected, or service off)");
        case TIMEOUT:
          return unavailable(e, address, "no reply from " + address + " in time");
        default:
          FailureCode code = FailureCode.of(e.failureCode());
          return withCause(
              new DialbackException(
                  code == null ? FailureCode.INTERNAL : code,
                  e.failureCode(),
                  e.failureType(),
                  address,
                  e.getMessage()),
              cause);
      }
    }
    String text = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return withCause(
        new DialbackException(
            FailureCode.INTERNAL,
            FailureCode.INTERNAL.code(),
            ReplyFailure.ERROR,
            address,
            FailureCode.INTERNAL.message(text)),
        cause);
  }

  private static DialbackException unavailable(ReplyException e, String address, String detail) {
    return withCause(
        new DialbackException(
            FailureCode.UNAVAILABLE,
            e.failureCode(),
            e.failureType(),
            address,
            FailureCode.UNAVAILABLE.message(detail)),
        e);
  }

  private static DialbackException withCause(DialbackException e, Throwable cause) {
    e.initCause(cause);
    return e;
  }

  public FailureCode code() {
    return code;
  }

  /** The numeric code as it came (may be outside {@link FailureCode} from foreign services). */
  public int rawCode() {
    return rawCode;
  }

  /** The address that was called. */
  public String address() {
    return address;
  }

  /** Whether no reply came within the call's timeout. */
  public boolean timedOut() {
    return failureType == ReplyFailure.TIMEOUT;
  }

  /** Whether nothing was registered at the address: the agent is not connected, or lacks it. */
  public boolean noSuchAddress() {
    return failureType == ReplyFailure.NO_HANDLERS;
  }
}
