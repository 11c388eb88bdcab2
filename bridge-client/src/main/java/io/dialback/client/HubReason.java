package io.dialback.client;

import io.dialback.wire.FailureCode;
import io.dialback.wire.Frame;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * What the hub last said when it refused a login or ended a connection before one — its own words,
 * with its code — so that a client that gives up reports the hub's reason ("busy: ... try again
 * later"), not only how its attempts ended ("connection closed, gave up after 3 attempts").
 */
final class HubReason {
  private ReplyException said;

  /** A login the hub answered with a failure. */
  void refused(Throwable cause) {
    if (cause instanceof ReplyException e && e.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      said = e;
    }
  }

  /** An {@code err} frame that came before login: the hub's reason for ending the connection. */
  void err(Frame frame) {
    if (frame.message() != null) {
      int code = frame.failureCode() == null ? FailureCode.UNAVAILABLE.code() : frame.failureCode();
      said = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, frame.message());
    }
  }

  /** {@code failure} led by the hub's reason (and with its code), if the hub gave one. */
  ReplyException explain(ReplyException failure) {
    if (said == null
        || said == failure
        || String.valueOf(failure.getMessage()).contains(said.getMessage())) {
      return failure;
    }
    return new ReplyException(
        ReplyFailure.RECIPIENT_FAILURE,
        said.failureCode(),
        said.getMessage() + " (" + failure.getMessage() + ")");
  }
}
