package io.dialback.wire;

import java.util.Objects;

/** A frame that cannot be acted on, with the failure code and message its {@code err} carries. */
public final class FrameException extends Exception {
  private final FailureCode code;

  public FrameException(FailureCode code, String detail) {
    super(code.message(detail));
    this.code = Objects.requireNonNull(code, "code == null");
  }

  public FailureCode code() {
    return code;
  }
}
