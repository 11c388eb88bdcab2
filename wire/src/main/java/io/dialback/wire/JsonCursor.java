package io.dialback.wire;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The lexical half of {@link FrameScanner}: a position in a frame's bytes, and the checked reading
 * or skipping of JSON values there (RFC 8259, UTF-8, at most {@link #MAX_DEPTH} deep) without
 * building tokens or allocating for what it skips.
 */
abstract class JsonCursor {
  /** Deepest nesting accepted, as Jackson's default. */
  static final int MAX_DEPTH = 1000;

  /** Longest number accepted, as Jackson's default. */
  private static final int MAX_NUMBER = 1000;

  /**
   * Bytes that stand for themselves inside a string: printable ASCII but the quote and backslash.
   */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  final byte[] in;
  final int end;
  int pos;

  JsonCursor(byte[] in) {
    this.in = in;
    this.end = in.length;
  }

  /** Skips one value of any kind, checking it; containers without recursion. */
  void skipValue(int outer) throws FrameException {
    // One bit per open container (set: an object), the first 64 levels in a local.
    long shallow = 0;
    long[] kinds = null;
    int limit = MAX_DEPTH - outer; // the containers around it count, as Jackson counts them
    int depth = 0;
    while (true) {
      skipSpace();
      byte c = peek();
      if (c == '{' || c == '[') {
        if (depth == limit) {
          throw invalid("nesting deeper than " + MAX_DEPTH);
        }
        pos++;
        boolean object = c == '{';
        if (depth < 64) {
          shallow = object ? shallow | 1L << depth : shallow & ~(1L << depth);
        } else {
          if (kinds == null) {
            kinds = new long[(MAX_DEPTH + 63) / 64];
          }
          kinds[depth >> 6] =
              object ? kinds[depth >> 6] | 1L << depth : kinds[depth >> 6] & ~(1L << depth);
        }
        depth++;
        skipSpace();
        byte close = object ? (byte) '}' : (byte) ']';
        if (peek() == close) {
          pos++;
          depth--;
        } else {
          if (object) {
            keyAndColon();
          }
          continue; // the first member's value
        }
      } else {
        scalarSkip(c);
      }
      // After a value: close containers or move to the next member.
      while (true) {
        if (depth == 0) {
          return;
        }
        skipSpace();
        int at = depth - 1;
        boolean object = ((at < 64 ? shallow : kinds[at >> 6]) & 1L << at) != 0;
        byte n = next();
        if (n == ',') {
          skipSpace();
          if (object) {
            keyAndColon();
          }
          break;
        }
        if (n == (object ? '}' : ']')) {
          depth--;
          continue;
        }
        throw invalid("expected ',' or '" + (object ? '}' : ']') + "'");
      }
    }
  }

  void keyAndColon() throws FrameException {
    skipSpace();
    skipString();
    skipSpace();
    expect(':');
  }

  void scalarSkip(byte c) throws FrameException {
    switch (c) {
      case '"' -> skipString();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> numberSpan();
    }
  }

  void literal(String word) throws FrameException {
    for (int i = 0; i < word.length(); i++) {
      if (pos >= end || in[pos] != word.charAt(i)) {
        throw invalid("unrecognised token");
      }
      pos++;
    }
  }

  /** A number's span, checked against the JSON grammar; returns its start. */
  int numberSpan() throws FrameException {
    int start = pos;
    if (peekOr0() == '-') {
      pos++;
    }
    if (peekOr0() == '0') {
      pos++;
    } else if (isDigit(peekOr0()) && peekOr0() != '0') {
      while (isDigit(peekOr0())) {
        pos++;
      }
    } else {
      throw invalid("unexpected character " + describe(peekOr0()));
    }
    if (peekOr0() == '.') {
      pos++;
      digits();
    }
    if (peekOr0() == 'e' || peekOr0() == 'E') {
      pos++;
      if (peekOr0() == '+' || peekOr0() == '-') {
        pos++;
      }
      digits();
    }
    if (pos - start > MAX_NUMBER) {
      throw invalid("number longer than " + MAX_NUMBER + " characters");
    }
    return start;
  }

  Object number() throws FrameException {
    int start = numberSpan();
    String text = new String(in, start, pos - start, StandardCharsets.US_ASCII);
    boolean integral = text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
    if (!integral) {
      return Double.parseDouble(text);
    }
    if (text.length() <= 18) {
      long v = Long.parseLong(text);
      return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
    }
    BigInteger big = new BigInteger(text);
    return big.bitLength() < 64 ? (Object) big.longValue() : big;
  }

  void digits() throws FrameException {
    if (!isDigit(peekOr0())) {
      throw invalid("expected a digit");
    }
    while (isDigit(peekOr0())) {
      pos++;
    }
  }

  /** {@link #string()}, as the constant of {@code known} it spells when it has no escape. */
  String string(KnownStrings known) throws FrameException {
    if (peekOr0() != '"') {
      throw invalid("expected a string");
    }
    int start = pos + 1;
    pos = start;
    if (scanString()) {
      String constant = known.find(in, start, pos - 1);
      return constant != null
          ? constant
          : new String(in, start, pos - 1 - start, StandardCharsets.UTF_8);
    }
    pos = start - 1;
    return string();
  }

  /** A string's value, escapes decoded. */
  String string() throws FrameException {
    if (peekOr0() != '"') {
      throw invalid("expected a string");
    }
    int start = ++pos;
    boolean plain = scanString();
    if (plain) {
      return new String(in, start, pos - 1 - start, StandardCharsets.UTF_8);
    }
    StringBuilder out = new StringBuilder(pos - start);
    int save = pos;
    pos = start;
    while (true) {
      byte c = in[pos];
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        pos++;
        escape(out);
      } else {
        int from = pos;
        while (in[pos] != '"' && in[pos] != '\\') {
          pos++;
        }
        out.append(new String(in, from, pos - from, StandardCharsets.UTF_8));
      }
    }
    pos = save;
    return out.toString();
  }

  /** Skips a string, checking its escapes and UTF-8. */
  void skipString() throws FrameException {
    if (peekOr0() != '"') {
      throw invalid("expected a string");
    }
    pos++;
    scanString();
  }

  /**
   * Scans a string's content up to and past its closing quote, checking escapes and UTF-8; returns
   * whether it held no escape. Runs of plain ASCII go by in a tight loop.
   */
  boolean scanString() throws FrameException {
    boolean plain = true;
    byte[] b = in;
    while (true) {
      int p = pos;
      while (p < end && PLAIN[b[p] & 0xff]) {
        p++;
      }
      pos = p;
      byte c = next();
      if (c == '"') {
        return plain;
      }
      if (c == '\\') {
        plain = false;
        escape(null);
      } else {
        utf8(c);
      }
    }
  }

  /** The escape after a backslash; appended to {@code out} when it is not null. */
  void escape(StringBuilder out) throws FrameException {
    byte c = next();
    char decoded;
    switch (c) {
      case '"' -> decoded = '"';
      case '\\' -> decoded = '\\';
      case '/' -> decoded = '/';
      case 'b' -> decoded = '\b';
      case 'f' -> decoded = '\f';
      case 'n' -> decoded = '\n';
      case 'r' -> decoded = '\r';
      case 't' -> decoded = '\t';
      case 'u' -> {
        int v = 0;
        for (int i = 0; i < 4; i++) {
          int d = Character.digit(next(), 16);
          if (d < 0) {
            throw invalid("bad \\u escape");
          }
          v = v << 4 | d;
        }
        decoded = (char) v;
      }
      default -> throw invalid("bad escape \\" + describe(c));
    }
    if (out != null) {
      out.append(decoded);
    }
  }

  /** Checks one UTF-8 sequence starting with {@code c} (already consumed) inside a string. */
  void utf8(byte c) throws FrameException {
    int b = c & 0xff;
    if (b < 0x20) {
      throw invalid("control character in a string (must be escaped)");
    }
    if (b < 0x80) {
      return;
    }
    int more;
    int min;
    int cp;
    if (b >= 0xc2 && b <= 0xdf) {
      more = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      more = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      more = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else {
      throw invalid("invalid UTF-8");
    }
    for (int i = 0; i < more; i++) {
      int n = next() & 0xff;
      if ((n & 0xc0) != 0x80) {
        throw invalid("invalid UTF-8");
      }
      cp = cp << 6 | (n & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw invalid("invalid UTF-8");
    }
  }

  void skipSpace() {
    while (pos < end) {
      byte c = in[pos];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      pos++;
    }
  }

  void expect(char c) throws FrameException {
    if (next() != c) {
      throw invalid("expected '" + c + "'");
    }
  }

  byte next() throws FrameException {
    if (pos >= end) {
      throw invalid("unexpected end of input");
    }
    return in[pos++];
  }

  byte peek() throws FrameException {
    if (pos >= end) {
      throw invalid("unexpected end of input");
    }
    return in[pos];
  }

  byte peekOr0() {
    return pos < end ? in[pos] : 0;
  }

  static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  String kindAt() {
    if (pos >= end) {
      return "nothing";
    }
    return switch (in[pos]) {
      case '[' -> "an array";
      case '"' -> "a string";
      case 't', 'f' -> "a boolean";
      case 'n' -> "null";
      default -> isDigit(in[pos]) || in[pos] == '-' ? "a number" : "invalid JSON";
    };
  }

  static String describe(byte c) {
    return c >= 0x21 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c & 0xff);
  }

  FrameException invalid(String what) {
    return Frame.bad("invalid JSON: " + what + " at byte " + pos, null);
  }
}
