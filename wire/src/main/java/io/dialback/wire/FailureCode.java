package io.dialback.wire;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The small fixed set of failure codes that dialback replies and refusals carry on the wire.
 *
 * <p>Callers branch on {@link #code()}; operators read the message, which always starts with {@link
 * #label()} so that a log line or an {@code err} frame says what kind of failure it was.
 */
public enum FailureCode {
  BAD_REQUEST(400, "bad_request"),
  NOT_LOGGED_IN(401, "not_logged_in"),
  DENIED(403, "access_denied"),
  NOT_FOUND(404, "not_found"),
  CONFLICT(409, "conflict"),
  TOO_LARGE(413, "too_large"),
  BUSY(429, "busy"),
  INTERNAL(500, "internal"),
  UNAVAILABLE(503, "unavailable");

  private final int code;
  private final String label;

  FailureCode(int code, String label) {
    this.code = code;
    this.label = label;
  }

  /** The numeric code carried as {@code failureCode}. */
  public int code() {
    return code;
  }

  /** The short name that starts every message of this kind, e.g. {@code access_denied}. */
  public String label() {
    return label;
  }

  /** A wire message: the label, then the human-readable detail. */
  public String message(String detail) {
    return detail == null || detail.isEmpty() ? label : label + ": " + detail;
  }

  /** A reply failure a Vert.x caller sees as {@code RECIPIENT_FAILURE} with this code. */
  public ReplyException exception(String detail) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message(detail));
  }

  /** The code with this number, or {@code null} when the number is not one of ours. */
  public static FailureCode of(int code) {
    for (FailureCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return null;
  }
}
