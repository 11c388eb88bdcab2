package io.dialback.wire;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growing byte array that a frame is written into, then handed over as one {@link Buffer}.
 * Appending to a {@code Buffer} piece by piece (a byte, a name, a quote) goes through Netty's
 * bounds and reference-count checks each time, which cost more than the bytes for frames of a few
 * hundred bytes. Not thread-safe: one per frame being written.
 */
final class ByteSink {
  private byte[] bytes;
  private int size;

  ByteSink(int capacity) {
    bytes = new byte[capacity];
  }

  int size() {
    return size;
  }

  ByteSink put(byte b) {
    if (size == bytes.length) {
      grow(1);
    }
    bytes[size++] = b;
    return this;
  }

  ByteSink put(byte[] b) {
    return put(b, 0, b.length);
  }

  ByteSink put(byte[] b, int from, int length) {
    if (size + length > bytes.length) {
      grow(length);
    }
    System.arraycopy(b, from, bytes, size, length);
    size += length;
    return this;
  }

  ByteSink put(Buffer b) {
    int length = b.length();
    if (size + length > bytes.length) {
      grow(length);
    }
    b.getBytes(0, length, bytes, size);
    size += length;
    return this;
  }

  /** Text that is ASCII by construction (numbers, names of ours). */
  ByteSink ascii(String s) {
    int length = s.length();
    if (size + length > bytes.length) {
      grow(length);
    }
    for (int i = 0; i < length; i++) {
      bytes[size++] = (byte) s.charAt(i);
    }
    return this;
  }

  /** A whole number's digits. */
  ByteSink number(long v) {
    if (v >= 0 && v < 10) {
      return put((byte) ('0' + v));
    }
    return ascii(Long.toString(v));
  }

  /**
   * A JSON string in quotes: characters as their UTF-8 bytes, except a quote, a backslash or a
   * control character, which are escaped as Jackson escapes them. A surrogate pair is written as
   * its four UTF-8 bytes and a lone surrogate as {@code ?}, as {@link String#getBytes} writes them.
   */
  ByteSink string(String s) {
    int length = s.length();
    if (size + length + 2 > bytes.length) {
      grow(length + 2);
    }
    byte[] b = bytes;
    int at = size;
    b[at++] = '"';
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
        return slowString(s); // size is still where the string began
      }
      b[at++] = (byte) c;
    }
    b[at++] = '"';
    size = at;
    return this;
  }

  private ByteSink slowString(String s) {
    put((byte) '"');
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    boolean escape = false;
    for (byte c : utf8) {
      if ((c >= 0 && c < 0x20) || c == '"' || c == '\\') {
        escape = true;
        break;
      }
    }
    put(escape ? JsonStringEncoder.getInstance().quoteAsUTF8(s) : utf8);
    return put((byte) '"');
  }

  /** Sets the big-endian int at {@code at}, written before as a placeholder. */
  void setInt(int at, int v) {
    bytes[at] = (byte) (v >>> 24);
    bytes[at + 1] = (byte) (v >>> 16);
    bytes[at + 2] = (byte) (v >>> 8);
    bytes[at + 3] = (byte) v;
  }

  ByteSink putInt(int v) {
    if (size + 4 > bytes.length) {
      grow(4);
    }
    setInt(size, v);
    size += 4;
    return this;
  }

  /**
   * The bytes written, as one buffer that takes this sink's array over (no copy): the sink is done
   * with after this.
   */
  Buffer toBuffer() {
    Buffer out = HeapBytes.wrap(bytes, size);
    bytes = null;
    return out;
  }

  /** The bytes written after {@code from}, appended to {@code out}. */
  void appendTo(Buffer out, int from) {
    out.appendBytes(bytes, from, size - from);
  }

  private void grow(int more) {
    bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
  }
}
