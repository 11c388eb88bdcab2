package io.dialback.wire;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes every frame of the protocol — the server's {@code message}, {@code err} and {@code pong},
 * the client's {@code send}, {@code publish}, {@code register}, {@code unregister} and {@code ping}
 * — straight into bytes with their length prefix, shaped exactly as the stock {@code
 * TcpEventBusBridge} shapes them, so that its clients understand ours. It is the only writer of
 * frames: headers go out through {@link Headers#toPeer}, bodies as JSON text passed on ({@link
 * RawJson}) or one value encoded once ({@link JsonText}), binary data as a binary-extension frame.
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
    ByteSink out = start(Wire.MESSAGE, address, replyAddress);
    out.put(HEADERS);
    int empty = out.size();
    Headers.toPeer(
        headers,
        (name, value) -> {
          if (out.size() != empty) {
            out.put((byte) ',');
          }
          out.string(name).put((byte) ':').string(value);
        });
    out.put((byte) '}');
    if (body instanceof Buffer && binaryPeer) {
      out.put(send ? SEND_TRUE : SEND_FALSE).put((byte) '}');
      return binary(out, (Buffer) body);
    }
    body(out, body);
    out.put(send ? SEND_TRUE : SEND_FALSE).put((byte) '}');
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
    ByteSink out = start(Wire.ERR, replyAddress, null);
    out.put(SOURCE_ADDRESS);
    stringOrNull(out, sourceAddress);
    out.put(FAILURE_CODE).number(code);
    out.put(FAILURE_TYPE).string(type.name());
    out.put(MESSAGE);
    stringOrNull(out, message);
    return finish(out.put((byte) '}'));
  }

  /**
   * An {@code err} frame for a refused frame. With an {@code address} (the reply address of a
   * refused request, or the address of a refused registration) clients route it to that handler;
   * without one it goes to their general error handler.
   */
  public static Buffer refusal(FailureCode code, String detail, String address) {
    ByteSink out = new ByteSink(128).putInt(0).put(TYPE).string(Wire.ERR);
    if (address != null) {
      out.put(ADDRESS).string(address);
    }
    out.put(FAILURE_CODE).number(code.code());
    out.put(MESSAGE).string(code.message(detail));
    return finish(out.put((byte) '}'));
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
    return send(type, address, replyAddress, headers, false, 0, body, binary);
  }

  /**
   * A request as a client sends it: a {@code send} frame with a reply address and a {@code timeout}
   * header of {@code timeoutMs}, which takes the place of any {@code timeout} in {@code headers}
   * (may be null). The same frame as {@link #send} with the timeout put into a copy of the headers,
   * without the copy.
   */
  public static Buffer request(
      String address,
      String replyAddress,
      JsonObject headers,
      long timeoutMs,
      Object body,
      boolean binary) {
    return send(Wire.SEND, address, replyAddress, headers, true, timeoutMs, body, binary);
  }

  /** With {@code timeout}, {@code timeoutMs} is written as the {@code timeout} header. */
  private static Buffer send(
      String type,
      String address,
      String replyAddress,
      JsonObject headers,
      boolean timeout,
      long timeoutMs,
      Object body,
      boolean binary) {
    ByteSink out = start(type, address, replyAddress);
    if (timeout || (headers != null && !headers.isEmpty())) {
      out.put(HEADERS);
      boolean first = true;
      if (timeout) {
        out.string(Wire.HEADER_TIMEOUT).put((byte) ':').number(timeoutMs);
        first = false;
      }
      if (headers != null) {
        for (Map.Entry<String, Object> h : headers) {
          if (timeout && Wire.HEADER_TIMEOUT.equals(h.getKey())) {
            continue;
          }
          if (!first) {
            out.put((byte) ',');
          }
          first = false;
          out.string(h.getKey()).put((byte) ':');
          Object v = h.getValue();
          if (v instanceof Number || v instanceof Boolean) {
            out.ascii(String.valueOf(v));
          } else {
            out.string(String.valueOf(v));
          }
        }
      }
      out.put((byte) '}');
    }
    if (body instanceof Buffer && binary) {
      return binary(out.put((byte) '}'), (Buffer) body);
    }
    body(out, body);
    return finish(out.put((byte) '}'));
  }

  /** {@link #send} without binary frames. */
  public static Buffer send(
      String type, String address, String replyAddress, JsonObject headers, Object body) {
    return send(type, address, replyAddress, headers, body, false);
  }

  /** A failure reply: a {@code send} to the reply address with a code and a message. */
  public static Buffer failure(String replyAddress, int code, String message) {
    ByteSink out = start(Wire.SEND, replyAddress, null);
    out.put(FAILURE_CODE).number(code);
    out.put(MESSAGE);
    stringOrNull(out, message);
    return finish(out.put((byte) '}'));
  }

  /** A {@code register} or {@code unregister} frame. */
  public static Buffer subscription(String type, String address) {
    return finish(start(type, address, null).put((byte) '}'));
  }

  /** The {@code ping} frame (shared, never modify). */
  public static Buffer ping() {
    return PING;
  }

  // ---- pieces ----

  private static ByteSink start(String type, String address, String replyAddress) {
    ByteSink out = new ByteSink(256).putInt(0).put(TYPE).string(type).put(ADDRESS);
    stringOrNull(out, address);
    if (replyAddress != null) {
      out.put(REPLY_ADDRESS).string(replyAddress);
    }
    return out;
  }

  private static void body(ByteSink out, Object body) {
    if (body == null) {
      return;
    }
    out.put(BODY);
    if (body instanceof RawJson) {
      out.put(((RawJson) body).json());
    } else {
      JsonText.append(out, body);
    }
  }

  /**
   * Turns {@code out} — a length prefix and a frame object without its body — into a binary frame:
   * prefix, NUL, the header's length, the header, then {@code data}.
   */
  private static Buffer binary(ByteSink out, Buffer data) {
    int headerLength = out.size() - 4;
    Buffer frame = Buffer.buffer(4 + 1 + 4 + headerLength + data.length());
    frame.appendInt(1 + 4 + headerLength + data.length());
    frame.appendByte(BINARY_MARKER).appendInt(headerLength);
    out.appendTo(frame, 4);
    return frame.appendBuffer(data);
  }

  private static Buffer finish(ByteSink out) {
    out.setInt(0, out.size() - 4);
    return out.toBuffer();
  }

  private static Buffer frame(Buffer json) {
    return Buffer.buffer(json.length() + 4).appendInt(json.length()).appendBuffer(json);
  }

  private static void stringOrNull(ByteSink out, String s) {
    if (s == null) {
      out.put(NULL);
    } else {
      out.string(s);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
