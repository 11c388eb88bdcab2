package io.dialback.wire;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the frames that carry messages — {@code {"type":..., "address":..., "replyAddress":...,
 * "headers":{...}, "body":..., "send":...}} — straight into bytes, without building a JSON tree for
 * the envelope. This is the hot path of every hop: the envelope's fields are few and fixed, the
 * body is either JSON text passed on as it came or one value encoded once.
 *
 * <p>Strings are escaped by Jackson whenever they hold a character JSON requires escaped.
 */
public final class FrameWriter {
  private static final byte[] TYPE = bytes("{\"type\":");
  private static final byte[] ADDRESS = bytes(",\"address\":");
  private static final byte[] REPLY_ADDRESS = bytes(",\"replyAddress\":");
  private static final byte[] HEADERS = bytes(",\"headers\":{");
  private static final byte[] BODY = bytes(",\"body\":");
  private static final byte[] SEND_TRUE = bytes(",\"send\":true}");
  private static final byte[] SEND_FALSE = bytes(",\"send\":false}");
  private static final byte[] END = bytes("}");

  private FrameWriter() {}

  /**
   * A {@code message} frame as the hub sends it (length prefix included); {@code body} is a value
   * to encode, or {@link RawJson} to copy in.
   */
  public static Buffer message(
      String address, String replyAddress, MultiMap headers, boolean send, Object body) {
    Buffer out = start(Wire.MESSAGE, address, replyAddress);
    out.appendBytes(HEADERS);
    boolean[] first = {true};
    Headers.toPeer(
        headers,
        (name, value) -> {
          if (!first[0]) {
            out.appendByte((byte) ',');
          }
          first[0] = false;
          string(out, name);
          out.appendByte((byte) ':');
          string(out, value);
        });
    out.appendByte((byte) '}');
    body(out, body);
    out.appendBytes(send ? SEND_TRUE : SEND_FALSE);
    return finish(out);
  }

  /**
   * A {@code send} or {@code publish} frame as a client sends it (length prefix included): {@code
   * headers} may hold numbers (the {@code timeout}); {@code body} as for {@link #message}.
   */
  public static Buffer send(
      String type, String address, String replyAddress, JsonObject headers, Object body) {
    Buffer out = start(type, address, replyAddress);
    if (headers != null && !headers.isEmpty()) {
      out.appendBytes(HEADERS);
      boolean first = true;
      for (Map.Entry<String, Object> h : headers) {
        if (!first) {
          out.appendByte((byte) ',');
        }
        first = false;
        string(out, h.getKey());
        out.appendByte((byte) ':');
        Object v = h.getValue();
        if (v instanceof Number || v instanceof Boolean) {
          out.appendString(String.valueOf(v));
        } else {
          string(out, String.valueOf(v));
        }
      }
      out.appendByte((byte) '}');
    }
    body(out, body);
    out.appendBytes(END);
    return finish(out);
  }

  private static Buffer start(String type, String address, String replyAddress) {
    Buffer out = Buffer.buffer(256).appendInt(0);
    out.appendBytes(TYPE);
    string(out, type);
    out.appendBytes(ADDRESS);
    string(out, address);
    if (replyAddress != null) {
      out.appendBytes(REPLY_ADDRESS);
      string(out, replyAddress);
    }
    return out;
  }

  private static void body(Buffer out, Object body) {
    if (body == null) {
      return;
    }
    out.appendBytes(BODY);
    if (body instanceof RawJson) {
      out.appendBuffer(((RawJson) body).json());
    } else if (body instanceof JsonObject) {
      out.appendBuffer(((JsonObject) body).toBuffer());
    } else {
      out.appendBuffer(Json.encodeToBuffer(body));
    }
  }

  private static Buffer finish(Buffer out) {
    out.setInt(0, out.length() - 4);
    return out;
  }

  /**
   * A JSON string: its UTF-8 bytes copied as they are unless it holds a quote, a backslash or a
   * control character, which Jackson escapes.
   */
  static void string(Buffer out, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    for (byte b : utf8) {
      if ((b >= 0 && b < 0x20) || b == '"' || b == '\\') {
        out.appendByte((byte) '"');
        out.appendBytes(JsonStringEncoder.getInstance().quoteAsUTF8(s));
        out.appendByte((byte) '"');
        return;
      }
    }
    out.appendByte((byte) '"');
    out.appendBytes(utf8); // bytes of multi-byte characters are all negative: never escaped
    out.appendByte((byte) '"');
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
