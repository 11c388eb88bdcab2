package io.dialback.wire;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Encodes and decodes frame payloads: the JSON objects of the stock bridge protocol, shaped exactly
 * as the stock {@code TcpEventBusBridge} shapes them so that its clients understand ours.
 */
public final class Frames {
  /**
   * First byte of a binary-extension payload. JSON text never starts with NUL, so a payload can be
   * routed by its first byte without a version bump.
   */
  public static final byte BINARY_MARKER = 0;

  private static final Buffer PONG = encode(new JsonObject().put(Wire.TYPE, Wire.PONG));
  private static final Buffer PING = encode(new JsonObject().put(Wire.TYPE, Wire.PING));

  private Frames() {}

  /** Decodes one payload into its JSON object, or says why it is not a frame. */
  public static JsonObject decode(Buffer payload) throws FrameException {
    if (payload.length() == 0) {
      throw new FrameException(FailureCode.BAD_REQUEST, "empty frame: a frame is one JSON object");
    }
    if (payload.getByte(0) == BINARY_MARKER) {
      throw new FrameException(
          FailureCode.BAD_REQUEST, "binary frame on a connection that did not negotiate them");
    }
    Object value;
    try {
      value = Json.decodeValue(payload);
    } catch (DecodeException e) {
      throw new FrameException(FailureCode.BAD_REQUEST, "invalid JSON: " + firstLine(e));
    }
    if (!(value instanceof JsonObject)) {
      throw new FrameException(
          FailureCode.BAD_REQUEST,
          "a frame is one JSON object, not " + (value == null ? "null" : kind(value)));
    }
    return (JsonObject) value;
  }

  private static final byte[] BODY_FIELD =
      ",\"body\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /**
   * Length prefix plus {@code envelope} with {@code rawBody} (JSON text, as it arrived) as its
   * {@code body}: the body is copied, never parsed or re-encoded.
   */
  public static Buffer encodeWithRawBody(JsonObject envelope, Buffer rawBody) {
    Buffer head = envelope.toBuffer(); // {...} without a body
    int length = head.length() - 1 + BODY_FIELD.length + rawBody.length() + 1;
    return Buffer.buffer(length + 4)
        .appendInt(length)
        .appendBuffer(head, 0, head.length() - 1)
        .appendBytes(BODY_FIELD)
        .appendBuffer(rawBody)
        .appendByte((byte) '}');
  }

  /**
   * A binary-extension frame: length prefix, NUL, the header's length, the header (a frame object
   * without its body), then {@code data} as raw bytes.
   */
  public static Buffer encodeBinary(JsonObject header, Buffer data) {
    Buffer head = header.toBuffer();
    int length = 1 + 4 + head.length() + data.length();
    return Buffer.buffer(length + 4)
        .appendInt(length)
        .appendByte(BINARY_MARKER)
        .appendInt(head.length())
        .appendBuffer(head)
        .appendBuffer(data);
  }

  /**
   * Length prefix plus the UTF-8 JSON of {@code frame}; a {@link RawJson} body is copied in as it
   * is.
   */
  public static Buffer encode(JsonObject frame) {
    Object body = frame.getMap().get(Wire.BODY);
    if (body instanceof RawJson) {
      JsonObject envelope = new JsonObject();
      for (Map.Entry<String, Object> field : frame) {
        if (!field.getKey().equals(Wire.BODY)) {
          envelope.put(field.getKey(), field.getValue());
        }
      }
      return encodeWithRawBody(envelope, ((RawJson) body).json());
    }
    Buffer json = frame.toBuffer();
    return Buffer.buffer(json.length() + 4).appendInt(json.length()).appendBuffer(json);
  }

  // ---- server frames ----

  /** The encoded {@code pong} frame (shared, never modify). */
  public static Buffer pong() {
    return PONG;
  }

  /** A {@code message} frame, as the stock bridge writes deliveries and replies. */
  public static JsonObject message(
      String address, String replyAddress, JsonObject headers, boolean send, Object body) {
    JsonObject frame = new JsonObject().put(Wire.TYPE, Wire.MESSAGE).put(Wire.ADDRESS, address);
    if (replyAddress != null) {
      frame.put(Wire.REPLY_ADDRESS, replyAddress);
    }
    frame.put(Wire.HEADERS, headers == null ? new JsonObject() : headers);
    if (body != null) {
      frame.put(Wire.BODY, body);
    }
    return frame.put(Wire.SEND_FLAG, send);
  }

  /**
   * The {@code err} frame that answers a request: {@code address} is the caller's reply address,
   * {@code sourceAddress} the address it called.
   */
  public static JsonObject replyError(
      String replyAddress, String sourceAddress, ReplyFailure type, int code, String message) {
    return new JsonObject()
        .put(Wire.TYPE, Wire.ERR)
        .put(Wire.ADDRESS, replyAddress)
        .put(Wire.SOURCE_ADDRESS, sourceAddress)
        .put(Wire.FAILURE_CODE, code)
        .put(Wire.FAILURE_TYPE, type.name())
        .put(Wire.MESSAGE_FIELD, message);
  }

  /**
   * An {@code err} frame for a refused frame. With an {@code address} (the reply address of a
   * refused request, or the address of a refused registration) clients route it to that handler;
   * without one it goes to their general error handler.
   */
  public static JsonObject refusal(FailureCode code, String detail, String address) {
    JsonObject frame = new JsonObject().put(Wire.TYPE, Wire.ERR);
    if (address != null) {
      frame.put(Wire.ADDRESS, address);
    }
    return frame.put(Wire.FAILURE_CODE, code.code()).put(Wire.MESSAGE_FIELD, code.message(detail));
  }

  /**
   * Headers of an event-bus message as the JSON object a frame carries, without the hubs' internal
   * ones ({@link Headers#toPeer(MultiMap)}).
   */
  public static JsonObject headers(MultiMap headers) {
    return Headers.toPeer(headers);
  }

  // ---- client frames ----

  /** The encoded {@code ping} frame (shared, never modify). */
  public static Buffer ping() {
    return PING;
  }

  /** A {@code send} (with a reply address when a reply is wanted) or a {@code publish}. */
  public static JsonObject send(
      String type, String address, String replyAddress, JsonObject headers, Object body) {
    JsonObject frame = new JsonObject().put(Wire.TYPE, type).put(Wire.ADDRESS, address);
    if (replyAddress != null) {
      frame.put(Wire.REPLY_ADDRESS, replyAddress);
    }
    if (headers != null && !headers.isEmpty()) {
      frame.put(Wire.HEADERS, headers);
    }
    if (body != null) {
      frame.put(Wire.BODY, body);
    }
    return frame;
  }

  /** A failure reply: a {@code send} to the reply address with a code and a message. */
  public static JsonObject failure(String replyAddress, int code, String message) {
    return new JsonObject()
        .put(Wire.TYPE, Wire.SEND)
        .put(Wire.ADDRESS, replyAddress)
        .put(Wire.FAILURE_CODE, code)
        .put(Wire.MESSAGE_FIELD, message);
  }

  /** A {@code register} or {@code unregister} frame. */
  public static JsonObject subscription(String type, String address) {
    return new JsonObject().put(Wire.TYPE, type).put(Wire.ADDRESS, address);
  }

  private static String kind(Object value) {
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Number) {
      return "a number";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return "an array";
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
