package io.dialback.hub.bridge;

import io.dialback.wire.FailureCode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * How a call ended, as metrics label it: answered, one of our failure codes, a timeout, no handler,
 * or some other failure code a service chose (all counted as {@code error}, so that a service
 * cannot grow the label set).
 */
public enum CallOutcome {
  OK("ok"),
  BAD_REQUEST(FailureCode.BAD_REQUEST),
  NOT_LOGGED_IN(FailureCode.NOT_LOGGED_IN),
  DENIED(FailureCode.DENIED),
  NOT_FOUND(FailureCode.NOT_FOUND),
  CONFLICT(FailureCode.CONFLICT),
  TOO_LARGE(FailureCode.TOO_LARGE),
  BUSY(FailureCode.BUSY),
  INTERNAL(FailureCode.INTERNAL),
  UNAVAILABLE(FailureCode.UNAVAILABLE),
  TIMEOUT("timeout"),
  NO_HANDLERS("no_handlers"),
  ERROR("error");

  private static final CallOutcome[] BY_CODE = new CallOutcome[600];

  static {
    for (CallOutcome o : values()) {
      if (o.code != null) {
        BY_CODE[o.code.code()] = o;
      }
    }
  }

  private final String label;
  private final FailureCode code;

  CallOutcome(String label) {
    this.label = label;
    this.code = null;
  }

  CallOutcome(FailureCode code) {
    this.label = code.label();
    this.code = code;
  }

  /** The metric label value. */
  public String label() {
    return label;
  }

  /** The outcome of a failure reply with {@code failureCode}. */
  public static CallOutcome ofCode(int failureCode) {
    CallOutcome o = failureCode >= 0 && failureCode < BY_CODE.length ? BY_CODE[failureCode] : null;
    return o == null ? ERROR : o;
  }

  /** The outcome of a failed event-bus request. */
  static CallOutcome of(Throwable failure) {
    if (failure instanceof ReplyException e) {
      if (e.failureType() == ReplyFailure.TIMEOUT) {
        return TIMEOUT;
      }
      if (e.failureType() == ReplyFailure.NO_HANDLERS) {
        return NO_HANDLERS;
      }
      return ofCode(e.failureCode());
    }
    return ERROR;
  }
}
