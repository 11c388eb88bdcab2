package io.dialback.shell;

import io.dialback.logging.LogSafe;

/**
 * What the shell prints of text that came from an agent or a hub — names, meta, error messages —
 * made harmless for a terminal: control characters (C0, DEL, C1: the escape that starts a terminal
 * sequence among them), Unicode line separators, bidirectional overrides and lone surrogates are
 * written as visible escapes ({@code \x1b}, {@code \u202e}), and a backslash as {@code \\} so that
 * an escape cannot be faked. Everything else, non-ASCII names included, prints as it is.
 */
final class Printable {
  private Printable() {}

  static String of(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String escape = escape(s, i, c);
      if (escape != null && out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (out != null) {
        out.append(escape != null ? escape : String.valueOf(c));
      }
    }
    return out == null ? s : out.toString();
  }

  /** Whether {@code c} at {@code i} would be escaped. */
  static boolean unsafe(String s, int i, char c) {
    return escape(s, i, c) != null;
  }

  private static String escape(String s, int i, char c) {
    switch (c) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      case '\\':
        return "\\\\";
      default:
        break;
    }
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return String.format("\\x%02x", (int) c);
    }
    if (LogSafe.unsafe(s, i, c)) {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }
}
