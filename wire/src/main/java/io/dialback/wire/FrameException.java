package io.dialback.wire;

import java.util.Objects;

/**
 * A frame that cannot be acted on, with the failure code and message its {@code err} carries, and
 * the frame's reply address when it had a usable one (so the refusal can answer that request).
 */
public final class FrameException extends Exception {
  private final FailureCode code;
  private final String replyAddress;

  public FrameException(FailureCode code, String detail) {
    this(code, detail, null);
  }

  public FrameException(FailureCode code, String detail, String replyAddress) {
    super(code.message(detail));
    this.code = Objects.requireNonNull(code, "code == null");
    this.replyAddress = replyAddress;
  }

  public FailureCode code() {
    return code;
  }

  /** The refused frame's reply address, or {@code null}. */
  public String replyAddress() {
    return replyAddress;
  }

  /** The message without its label ({@code access_denied: }), for a refusal that adds its own. */
  public String detail() {
    String label = code.label() + ": ";
    String message = getMessage();
    return message.startsWith(label) ? message.substring(label.length()) : message;
  }
}
