package io.dialback.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strings a reader expects often (field names, frame types): {@link
 * JsonCursor#string(KnownStrings)} reads them as the constant they spell, without decoding or
 * copying them. An escaped spelling is decoded as any string and means the same text, as JSON has
 * it.
 */
final class KnownStrings {
  private final String[] strings;
  private final byte[][] bytes;

  KnownStrings(String... strings) {
    this.strings = strings.clone();
    this.bytes = new byte[strings.length][];
    for (int i = 0; i < strings.length; i++) {
      bytes[i] = strings[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The one of these spelled by {@code in[from, to)}, or null. */
  String find(byte[] in, int from, int to) {
    int length = to - from;
    for (int i = 0; i < bytes.length; i++) {
      byte[] b = bytes[i];
      if (b.length == length && Arrays.equals(in, from, to, b, 0, length)) {
        return strings[i];
      }
    }
    return null;
  }
}
