package io.dialback.client;

import io.dialback.wire.Frame;
import io.dialback.wire.Wire;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/** What an {@code err} frame from the hub becomes on the client's side. */
final class HubErrors {
  private HubErrors() {}

  /** An {@code err} frame that answers nothing of ours, as the client's error handler sees it. */
  static JsonObject errJson(String address, Frame frame) {
    JsonObject err = new JsonObject().put(Wire.TYPE, Wire.ERR);
    if (address != null) {
      err.put(Wire.ADDRESS, address);
    }
    return err.put(Wire.FAILURE_CODE, frame.failureCode()).put(Wire.MESSAGE_FIELD, frame.message());
  }

  static ReplyException toException(Frame frame) {
    ReplyFailure type = ReplyFailure.RECIPIENT_FAILURE;
    if (frame.failureType() != null) {
      try {
        type = ReplyFailure.valueOf(frame.failureType());
      } catch (IllegalArgumentException e) {
        // keep RECIPIENT_FAILURE
      }
    }
    Integer code = frame.failureCode();
    return new ReplyException(type, code == null ? -1 : code, frame.message());
  }
}
