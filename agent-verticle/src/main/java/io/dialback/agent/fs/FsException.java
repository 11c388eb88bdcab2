package io.dialback.agent.fs;

import io.dialback.wire.FailureCode;

/** A file operation that failed in a way the caller should hear about, with its code. */
final class FsException extends RuntimeException {
  private final FailureCode code;

  FsException(FailureCode code, String detail) {
    super(code.message(detail));
    this.code = code;
  }

  FailureCode code() {
    return code;
  }
}
