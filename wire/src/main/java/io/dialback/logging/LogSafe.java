package io.dialback.logging;

/**
 * Makes text that came from a peer safe to put in a log line: it can neither start a new line (so
 * it cannot forge one), nor close the quotes around it, nor steer a terminal, nor make the line
 * long.
 *
 * <p>Every control character (C0, DEL, C1), the Unicode line and paragraph separators, the
 * bidirectional overrides and isolates, lone surrogates, the quote and the backslash are written as
 * escapes ({@code \n}, {@code \"}, {@code \u2028}); text longer than the limit is cut and says how
 * much was cut. Any string a peer chose — a frame type, an address, an agent name, a path, an error
 * message quoting one — goes through here before it reaches a logger.
 */
public final class LogSafe {
  /** The default number of characters kept of one peer string. */
  public static final int DEFAULT_MAX = 200;

  /** How much of an exception's message {@link #exception(Throwable)} keeps, and of how many. */
  private static final int MAX_MESSAGE = 1_000;

  private static final int MAX_CAUSES = 8;

  private LogSafe() {}

  /** {@code value} escaped and cut at {@link #DEFAULT_MAX} characters; {@code null} as "null". */
  public static String text(Object value) {
    return text(value, DEFAULT_MAX);
  }

  /** {@code value} escaped and cut at {@code max} characters (of the original). */
  public static String text(Object value, int max) {
    if (value == null) {
      return "null";
    }
    String s = value.toString();
    int keep = Math.min(s.length(), Math.max(0, max));
    if (keep > 0 && keep < s.length() && Character.isHighSurrogate(s.charAt(keep - 1))) {
      keep--; // never split a pair: half of one would be escaped as a lone surrogate
    }
    StringBuilder out = null;
    for (int i = 0; i < keep; i++) {
      char c = s.charAt(i);
      String escape = escape(s, i, c);
      if (escape != null) {
        if (out == null) {
          out = new StringBuilder(keep + 16).append(s, 0, i);
        }
        out.append(escape);
      } else if (out != null) {
        out.append(c);
      }
    }
    String kept = out == null ? s.substring(0, keep) : out.toString();
    return keep < s.length() ? kept + "…(+" + (s.length() - keep) + " chars)" : kept;
  }

  /**
   * A stand-in for {@code error} to log with its stack trace: the same frames, and the same message
   * (after the original class name) escaped as by {@link #text(Object, int)}, its causes likewise.
   * Exception messages often quote what a peer sent (a path in an {@code IOException}); logged as
   * they are, a line break in one starts a line of the peer's choosing.
   */
  public static Throwable exception(Throwable error) {
    return retold(error, 0);
  }

  private static Throwable retold(Throwable t, int depth) {
    if (t == null) {
      return null;
    }
    Throwable cause = depth < MAX_CAUSES ? retold(t.getCause(), depth + 1) : null;
    String message = t.getMessage();
    EscapedException copy =
        new EscapedException(
            t.getClass().getName() + (message == null ? "" : ": " + text(message, MAX_MESSAGE)),
            cause);
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  /** An exception retold by {@link #exception(Throwable)}; its message names the original class. */
  private static final class EscapedException extends Exception {
    EscapedException(String message, Throwable cause) {
      super(message, cause, false, true);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  private static String escape(String s, int i, char c) {
    switch (c) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '"':
        return "\\\"";
      case '\\':
        return "\\\\";
      default:
        break;
    }
    if (unsafe(s, i, c)) {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }

  /**
   * Whether {@code c}, at {@code i} of {@code s}, must not reach a log or a terminal as it is: a
   * control character (C0, DEL, C1), a Unicode line or paragraph separator, a bidirectional mark,
   * embedding, override or isolate, a byte-order mark, or half of a surrogate pair.
   */
  public static boolean unsafe(String s, int i, char c) {
    return c < 0x20
        || (c >= 0x7f && c <= 0x9f)
        || c == '\u2028'
        || c == '\u2029'
        || c == '\u200e'
        || c == '\u200f'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069')
        || c == '\ufeff'
        || loneSurrogate(s, i, c);
  }

  private static boolean loneSurrogate(String s, int i, char c) {
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }
}
