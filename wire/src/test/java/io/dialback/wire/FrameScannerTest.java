package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scanner against Jackson, the reference: on tens of thousands of generated frames — valid ones
 * of every shape, and each mutated by flipped, dropped, inserted and cut bytes — both accept or
 * both refuse, and where both accept they find the same fields.
 */
class FrameScannerTest {
  private static final String[] NAMES = {
    "type",
    "address",
    "replyAddress",
    "headers",
    "body",
    "failureCode",
    "message",
    "send",
    "failureType",
    "other",
    "tÿpe",
    ""
  };

  private final Random random = new Random(20261130);

  @Test
  void agreesWithJacksonOnGeneratedAndMutatedFrames() {
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 40_000; i++) {
      String frame = frame(random.nextInt(5));
      byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
      if (i % 2 == 1) {
        bytes = mutate(bytes);
      }
      if (compare(bytes)) {
        accepted++;
      } else {
        refused++;
      }
    }
    assertThat(accepted).as("valid frames in the mix").isGreaterThan(8_000);
    assertThat(refused).as("broken frames in the mix").isGreaterThan(5_000);
  }

  @Test
  void nestingIsLimitedAsJacksonLimitsIt() {
    for (int depth : new int[] {1, 998, 999, 1000, 1001, 5000}) {
      String body = "[".repeat(depth) + "]".repeat(depth);
      compare(("{\"type\":\"send\",\"body\":" + body + "}").getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * A quote, backslash, control byte, or byte of a multi-byte (or broken) UTF-8 sequence at any
   * offset of a long string is seen, as Jackson sees it: a scanner that passes plain runs in bigger
   * steps must keep this (one that took eight bytes at a time was tried, and measured no faster on
   * a 512 KiB base64 chunk: 150–153 µs against 156–167).
   */
  @Test
  void aSpecialByteAtAnyOffsetOfALongStringIsSeen() {
    byte[][] specials = {
      {'"'},
      {'\\', 'n'},
      {'\\', '"'},
      {'\\', 'u', '0', '0', 'e', '9'},
      {0x01},
      {0x1f},
      {0x7f},
      {(byte) 0xc3, (byte) 0xa9},
      {(byte) 0xe2, (byte) 0x82, (byte) 0xac},
      {(byte) 0xff},
      {(byte) 0x80}
    };
    int accepted = 0;
    for (byte[] special : specials) {
      for (int at = 0; at < 40; at++) {
        java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
        byte[] head =
            "{\"type\":\"send\",\"address\":\"a.b\",\"body\":{\"k\":\""
                .getBytes(StandardCharsets.UTF_8);
        s.write(head, 0, head.length);
        for (int i = 0; i < at; i++) {
          s.write('A' + i % 26);
        }
        s.write(special, 0, special.length);
        for (int i = 0; i < 40 - at; i++) {
          s.write('a' + i % 26);
        }
        byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
        s.write(tail, 0, tail.length);
        if (compare(s.toByteArray())) {
          accepted++;
        }
      }
    }
    // The three escapes, DEL, é and € are well-formed; a lone quote ends the string early (the
    // rest is then malformed), and control bytes and broken UTF-8 are refused.
    assertThat(accepted).isEqualTo(6 * 40);
  }

  /**
   * Field names and frame types are matched by their bytes where they have no escape: an escaped
   * spelling still means the same name (as JSON and Jackson have it), and a near one is another.
   */
  @Test
  void escapedAndNearSpellingsOfNamesAndTypesReadAsJacksonReadsThem() throws FrameException {
    String[] frames = {
      "{\"\\u0074ype\":\"send\",\"address\":\"a\"}",
      "{\"type\":\"s\\u0065nd\",\"addr\\u0065ss\":\"a\"}",
      "{\"type\":\"send\",\"address\\/\":\"a\",\"address\":\"b\"}",
      "{\"type\":\"Send\",\"address\":\"a\"}",
      "{\"type\":\"sendx\",\"address\":\"a\"}",
      "{\"typ\":\"send\",\"type\":\"publish\",\"address\":\"a\"}",
      "{\"type\":\"send\",\"type\":\"ping\"}",
      "{\"type\":\"send\",\"replyAddres\":\"r\",\"body\":{}}",
      "{\"type\":\"message\",\"replyAddress\\u0000\":\"r\",\"body\":[]}",
      "{\"type\":\"err\",\"failure\\u0043ode\":7,\"message\":\"m\"}",
    };
    int accepted = 0;
    for (String frame : frames) {
      if (compare(frame.getBytes(StandardCharsets.UTF_8))) {
        accepted++;
      }
    }
    assertThat(accepted).as("frames both readers accept (all but Send and sendx)").isEqualTo(8);
    Frame escaped = Frame.read(Buffer.buffer(frames[1].getBytes(StandardCharsets.UTF_8)), false);
    assertThat(escaped.type()).isEqualTo(FrameType.SEND);
    assertThat(escaped.address()).isEqualTo("a");
  }

  /** Reads with both; fails on a disagreement; true when both accepted. */
  private static boolean compare(byte[] bytes) {
    Buffer payload = Buffer.buffer(bytes);
    Frame scanned = null;
    Frame reference = null;
    String scanError = null;
    String refError = null;
    try {
      scanned = Frame.read(payload, false);
    } catch (FrameException e) {
      scanError = e.getMessage();
    }
    try {
      reference = JacksonFrameReader.read(payload);
    } catch (FrameException e) {
      refError = e.getMessage();
    }
    String input = new String(bytes, StandardCharsets.ISO_8859_1);
    if (reference != null && scanned == null && !validUtf8(bytes)) {
      return false; // the scanner checks UTF-8 where Jackson skips: stricter is allowed
    }
    assertThat(scanned == null)
        .as("scanner (%s) and Jackson (%s) disagree on %s", scanError, refError, input)
        .isEqualTo(reference == null);
    if (scanned == null) {
      return false;
    }
    assertThat(scanned.type()).as(input).isEqualTo(reference.type());
    assertThat(scanned.address()).as(input).isEqualTo(reference.address());
    assertThat(scanned.replyAddress()).as(input).isEqualTo(reference.replyAddress());
    assertThat(scanned.headers()).as(input).isEqualTo(reference.headers());
    assertThat(scanned.failureCode()).as(input).isEqualTo(reference.failureCode());
    assertThat(scanned.message()).as(input).isEqualTo(reference.message());
    assertThat(scanned.isSend()).as(input).isEqualTo(reference.isSend());
    assertThat(scanned.failureType()).as(input).isEqualTo(reference.failureType());
    assertThat(scanned.hasBody()).as(input).isEqualTo(reference.hasBody());
    assertThat(String.valueOf(scanned.rawBody()))
        .as(input)
        .isEqualTo(String.valueOf(reference.rawBody()));
    return true;
  }

  private static boolean validUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** A frame object with a few fields of the protocol (and others) in random order. */
  private String frame(int extra) {
    StringBuilder out = new StringBuilder("{");
    String[] types = {"send", "publish", "register", "unregister", "ping", "message", "err"};
    out.append(space())
        .append("\"type\":")
        .append(space())
        .append(quote(types[random.nextInt(types.length)]));
    int fields = 2 + random.nextInt(6) + extra;
    for (int i = 0; i < fields; i++) {
      String name = NAMES[random.nextInt(NAMES.length)];
      out.append(',')
          .append(space())
          .append(quote(name))
          .append(space())
          .append(':')
          .append(space());
      switch (name) {
        case "headers" -> out.append(random.nextInt(4) == 0 ? value(2) : headers());
        case "body" -> out.append(value(4));
        case "failureCode" ->
            out.append(
                random.nextBoolean() ? Integer.toString(random.nextInt(1000) - 500) : value(1));
        case "send" -> out.append(random.nextBoolean() ? "true" : value(1));
        default -> out.append(random.nextInt(4) == 0 ? value(2) : quote(text()));
      }
    }
    return out.append(space()).append('}').toString();
  }

  private String headers() {
    StringBuilder out = new StringBuilder("{");
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(quote(text())).append(':').append(random.nextBoolean() ? quote(text()) : value(1));
    }
    return out.append('}').toString();
  }

  private String value(int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 6);
    return switch (kind) {
      case 0 -> quote(text());
      case 1 -> number();
      case 2 -> "true";
      case 3 -> "false";
      case 4 -> "null";
      case 5 -> number();
      case 6 -> {
        StringBuilder a = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.append(i > 0 ? "," : "").append(space()).append(value(depth - 1));
        }
        yield a.append(space()).append(']').toString();
      }
      default -> {
        StringBuilder o = new StringBuilder("{");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          o.append(i > 0 ? "," : "").append(quote(text())).append(':').append(value(depth - 1));
        }
        yield o.append('}').toString();
      }
    };
  }

  private String number() {
    String[] forms = {
      "0",
      "-0",
      "7",
      "-42",
      "123456789012",
      "3.25",
      "-0.5",
      "1e3",
      "2E-2",
      "6.02e+23",
      "12345678901234567890123"
    };
    return forms[random.nextInt(forms.length)];
  }

  private String text() {
    String[] parts = {
      "a",
      "agent.alpha.fs.read",
      "é",
      "日本",
      "😀",
      "\\n",
      "\\\"",
      "\\\\",
      "\\u00e9",
      "\\ud83d\\ude00",
      "\\/",
      " ",
      "r.1"
    };
    StringBuilder out = new StringBuilder();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      out.append(parts[random.nextInt(parts.length)]);
    }
    return out.toString();
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  private String space() {
    return random.nextInt(5) == 0 ? " \n\t" : "";
  }

  private byte[] mutate(byte[] in) {
    byte[] out = in.clone();
    switch (random.nextInt(4)) {
      case 0 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
      case 1 -> {
        int at = random.nextInt(out.length);
        byte[] shorter = new byte[out.length - 1];
        System.arraycopy(out, 0, shorter, 0, at);
        System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
        out = shorter;
      }
      case 2 -> {
        byte[] junk = {
          '"', '\\', '{', '}', '[', ']', ',', ':', '0', 'e', '-', ' ', 0x01, (byte) 0xc3
        };
        int at = random.nextInt(out.length + 1);
        byte[] longer = new byte[out.length + 1];
        System.arraycopy(out, 0, longer, 0, at);
        longer[at] = junk[random.nextInt(junk.length)];
        System.arraycopy(out, at, longer, at + 1, out.length - at);
        out = longer;
      }
      default -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length));
    }
    return out;
  }
}
