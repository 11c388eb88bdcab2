package io.dialback.shell;

/** A mistake in how a command was called (exit code 2), with the message that says which. */
final class Usage extends RuntimeException {
  Usage(String message) {
    super(message);
  }
}
