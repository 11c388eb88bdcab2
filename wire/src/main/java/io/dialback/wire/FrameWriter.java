package io.dialback.wire;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes every frame of the protocol — the server's {@code message}, {@code err} and {@code pong},
 * the client's {@code send}, {@code publish}, {@code register}, {@code unregister} and {@code ping}
 * — straight into bytes with their length prefix, shaped exactly as the stock {@code
 * TcpEventBusBridge} shapes them, so that its clients understand ours. It is the only writer of
 * frames: headers go out through {@link Headers#toPeer}, bodies as JSON text passed on ({@link
 * RawJson}) or one value encoded once, binary data as a binary-extension frame.
 *
 * <p>Strings are escaped by Jackson whenever they hold a character JSON requires escaped.
 */
public final class FrameWriter {
  /**
   * First byte of a binary-extension payload. JSON text never starts with NUL, so a payload can be
   * routed by its first byte without a version bump.
   */
  public static final byte BINARY_MARKER = 0;

  private static final byte[] TYPE = bytes("{\"type\":");
  private static final byte[] ADDRESS = bytes(",\"address\":");
  private static final byte[] REPLY_ADDRESS = bytes(",\"replyAddress\":");
  private static final byte[] SOURCE_ADDRESS = bytes(",\"sourceAddress\":");
  private static final byte[] HEADERS = bytes(",\"headers\":{");
  private static final byte[] BODY = bytes(",\"body\":");
  private static final byte[] SEND_TRUE = bytes(",\"send\":true");
  private static final byte[] SEND_FALSE = bytes(",\"send\":false");
  private static final byte[] FAILURE_CODE = bytes(",\"failureCode\":");
  private static final byte[] FAILURE_TYPE = bytes(",\"failureType\":");
  private static final byte[] MESSAGE = bytes(",\"message\":");
  private static final byte[] NULL = bytes("null");

  private static final Buffer PONG = frame(Buffer.buffer("{\"type\":\"pong\"}"));
  private static final Buffer PING = frame(Buffer.buffer("{\"type\":\"ping\"}"));

  private FrameWriter() {}

  // ---- server frames ----

  /**
   * A {@code message} frame as the hub sends deliveries and replies: {@code body} is a value to
   * encode, {@link RawJson} to copy in, or a {@code Buffer} of binary data (a binary frame when
   * {@code binaryPeer}, else base64 like the stock bridge).
   */
  public static Buffer message(
      String address,
      String replyAddress,
      MultiMap headers,
      boolean send,
      Object body,
      boolean binaryPeer) {
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
    if (body instanceof Buffer && binaryPeer) {
      out.appendBytes(send ? SEND_TRUE : SEND_FALSE).appendByte((byte) '}');
      return binary(out, (Buffer) body);
    }
    body(out, body);
    out.appendBytes(send ? SEND_TRUE : SEND_FALSE).appendByte((byte) '}');
    return finish(out);
  }

  /** {@link #message} to a peer that did not ask for binary frames. */
  public static Buffer message(
      String address, String replyAddress, MultiMap headers, boolean send, Object body) {
    return message(address, replyAddress, headers, send, body, false);
  }

  /**
   * The {@code err} frame that answers a request: {@code replyAddress} is the caller's reply
   * address, {@code sourceAddress} the address it called (may be null).
   */
  public static Buffer replyError(
      String replyAddress, String sourceAddress, ReplyFailure type, int code, String message) {
    Buffer out = start(Wire.ERR, replyAddress, null);
    out.appendBytes(SOURCE_ADDRESS);
    stringOrNull(out, sourceAddress);
    out.appendBytes(FAILURE_CODE).appendString(Integer.toString(code));
    out.appendBytes(FAILURE_TYPE);
    string(out, type.name());
    out.appendBytes(MESSAGE);
    stringOrNull(out, message);
    return finish(out.appendByte((byte) '}'));
  }

  /**
   * An {@code err} frame for a refused frame. With an {@code address} (the reply address of a
   * refused request, or the address of a refused registration) clients route it to that handler;
   * without one it goes to their general error handler.
   */
  public static Buffer refusal(FailureCode code, String detail, String address) {
    Buffer out = Buffer.buffer(128).appendInt(0).appendBytes(TYPE);
    string(out, Wire.ERR);
    if (address != null) {
      out.appendBytes(ADDRESS);
      string(out, address);
    }
    out.appendBytes(FAILURE_CODE).appendString(Integer.toString(code.code()));
    out.appendBytes(MESSAGE);
    string(out, code.message(detail));
    return finish(out.appendByte((byte) '}'));
  }

  /** The {@code pong} frame (shared, never modify). */
  public static Buffer pong() {
    return PONG;
  }

  // ---- client frames ----

  /**
   * A {@code send} or {@code publish} frame as a client sends it: {@code headers} may hold numbers
   * (the {@code timeout}); {@code body} as for {@link #message}, a {@code Buffer} going as a binary
   * frame when {@code binary}.
   */
  public static Buffer send(
      String type,
      String address,
      String replyAddress,
      JsonObject headers,
      Object body,
      boolean binary) {
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
    if (body instanceof Buffer && binary) {
      return binary(out.appendByte((byte) '}'), (Buffer) body);
    }
    body(out, body);
    return finish(out.appendByte((byte) '}'));
  }

  /** {@link #send} without binary frames. */
  public static Buffer send(
      String type, String address, String replyAddress, JsonObject headers, Object body) {
    return send(type, address, replyAddress, headers, body, false);
  }

  /** A failure reply: a {@code send} to the reply address with a code and a message. */
  public static Buffer failure(String replyAddress, int code, String message) {
    Buffer out = start(Wire.SEND, replyAddress, null);
    out.appendBytes(FAILURE_CODE).appendString(Integer.toString(code));
    out.appendBytes(MESSAGE);
    stringOrNull(out, message);
    return finish(out.appendByte((byte) '}'));
  }

  /** A {@code register} or {@code unregister} frame. */
  public static Buffer subscription(String type, String address) {
    return finish(start(type, address, null).appendByte((byte) '}'));
  }

  /** The {@code ping} frame (shared, never modify). */
  public static Buffer ping() {
    return PING;
  }

  // ---- pieces ----

  private static Buffer start(String type, String address, String replyAddress) {
    Buffer out = Buffer.buffer(256).appendInt(0);
    out.appendBytes(TYPE);
    string(out, type);
    out.appendBytes(ADDRESS);
    stringOrNull(out, address);
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

  /**
   * Turns {@code out} — a length prefix and a frame object without its body — into a binary frame:
   * prefix, NUL, the header's length, the header, then {@code data}.
   */
  private static Buffer binary(Buffer out, Buffer data) {
    int headerLength = out.length() - 4;
    Buffer frame = Buffer.buffer(4 + 1 + 4 + headerLength + data.length());
    frame.appendInt(1 + 4 + headerLength + data.length());
    frame.appendByte(BINARY_MARKER).appendInt(headerLength);
    frame.appendBuffer(out, 4, headerLength);
    return frame.appendBuffer(data);
  }

  private static Buffer finish(Buffer out) {
    out.setInt(0, out.length() - 4);
    return out;
  }

  private static Buffer frame(Buffer json) {
    return Buffer.buffer(json.length() + 4).appendInt(json.length()).appendBuffer(json);
  }

  private static void stringOrNull(Buffer out, String s) {
    if (s == null) {
      out.appendBytes(NULL);
    } else {
      string(out, s);
    }
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
