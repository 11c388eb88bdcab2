package io.dialback.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * One frame, read once into typed fields: its type, addresses, headers and failure fields, with the
 * body left as the JSON bytes it came as (or the raw bytes of a binary frame). Code above the wire
 * never coerces a field: a field of the wrong kind is a {@link FrameException} here.
 *
 * <p>The whole frame is checked to be one well-formed JSON object (the body's syntax too) by {@link
 * FrameScanner}, which reads in place, within Jackson's limits on nesting and sizes. A binary frame
 * (binary extension) is a NUL byte, the JSON header's length, the header, then raw body bytes.
 */
public final class Frame {
  private final FrameType type;
  private final String address;
  private final String replyAddress;
  private final JsonObject headers;
  private final Integer failureCode;
  private final String message;
  private final boolean send;
  private final String failureType;
  private final Buffer payload;
  private final int bodyStart;
  private final int bodyEnd;
  private final byte bodyKind;
  private final Buffer binary;

  private Frame(Fields f, Buffer payload, Buffer binary) {
    this.type = f.type;
    this.address = f.address;
    this.replyAddress = f.replyAddress;
    this.headers = f.headers;
    this.failureCode = f.failureCode;
    this.message = f.message;
    this.send = f.send;
    this.failureType = f.failureType;
    this.payload = payload;
    this.bodyStart = f.bodyStart;
    this.bodyEnd = f.bodyEnd;
    this.bodyKind = f.bodyKind;
    this.binary = binary;
  }

  /**
   * Reads one frame payload (without its length prefix). A binary frame is accepted only when
   * {@code binaryAllowed}. A frame that cannot be read throws, carrying the frame's reply address
   * when that much could be read, so that the refusal can go to it.
   */
  public static Frame read(Buffer payload, boolean binaryAllowed) throws FrameException {
    if (payload.length() == 0) {
      throw bad("empty frame: a frame is one JSON object", null);
    }
    if (payload.getByte(0) != FrameWriter.BINARY_MARKER) {
      return new Frame(Fields.parse(payload), payload, null);
    }
    if (!binaryAllowed) {
      throw bad("binary frame on a connection that did not negotiate them", null);
    }
    if (payload.length() < 5) {
      throw bad("binary frame too short", null);
    }
    int headerLength = payload.getInt(1);
    if (headerLength < 2 || headerLength > payload.length() - 5) {
      throw bad("binary frame header length " + headerLength + " is wrong", null);
    }
    Buffer header = payload.slice(5, 5 + headerLength);
    return new Frame(
        Fields.parse(header), header, payload.slice(5 + headerLength, payload.length()));
  }

  /** A JSON frame whose fields another reader found (the reference reader's way in). */
  static Frame of(Buffer payload, FrameScanner.RawFields raw) throws FrameException {
    if (payload.length() == 0) {
      throw bad("empty frame: a frame is one JSON object", null);
    }
    return new Frame(Fields.of(raw), payload, null);
  }

  public FrameType type() {
    return type;
  }

  /** The address, or {@code null} when the frame has none. */
  public String address() {
    return address;
  }

  /** The reply address, or {@code null}. */
  public String replyAddress() {
    return replyAddress;
  }

  /** The headers as sent (scalars; nested values as empty markers), or {@code null}. */
  public JsonObject headers() {
    return headers;
  }

  /** {@code failureCode}, or {@code null} when absent. */
  public Integer failureCode() {
    return failureCode;
  }

  /** {@code message} (any scalar, as text), or {@code null}. */
  public String message() {
    return message;
  }

  /** {@code send} of a {@code message} frame: false for a published one. */
  public boolean isSend() {
    return send;
  }

  /** {@code failureType} of an {@code err} frame, or {@code null}. */
  public String failureType() {
    return failureType;
  }

  /** Whether the frame carries a {@code body} field (or binary data). */
  public boolean hasBody() {
    return binary != null || bodyKind != 0;
  }

  /** The body of a binary frame, or {@code null} for a JSON frame. */
  public Buffer binary() {
    return binary;
  }

  /** The JSON body's text as it arrived (a view of the payload), or {@code null}. */
  public Buffer rawBody() {
    return bodyKind == 0 ? null : payload.slice(bodyStart, bodyEnd);
  }

  /**
   * The body as a value: JsonObject, JsonArray, String, Number, Boolean, Buffer (binary) or null
   * (parsed now).
   */
  public Object body() {
    if (binary != null) {
      return binary;
    }
    if (bodyKind == 0 || bodyKind == 'n') {
      return null;
    }
    return Json.decodeValue(rawBody());
  }

  static FrameException bad(String detail, String replyAddress) {
    return new FrameException(FailureCode.BAD_REQUEST, detail, replyAddress);
  }

  /** The fields of one frame object, checked for their kinds once all are read. */
  private static final class Fields {
    FrameType type;
    String address;
    String replyAddress;
    JsonObject headers;
    Integer failureCode;
    String message;
    boolean send = true;
    String failureType;
    int bodyStart = -1;
    int bodyEnd = -1;
    byte bodyKind;

    static Fields parse(Buffer json) throws FrameException {
      return of(FrameScanner.scan(json));
    }

    /** Checks the kinds of the fields a reader found. */
    static Fields of(FrameScanner.RawFields raw) throws FrameException {
      Object type = raw.type;
      Object address = raw.address;
      Object replyAddress = raw.replyAddress;
      Object headers = raw.headers;
      Object failureCode = raw.failureCode;
      Object message = raw.message;
      Object send = raw.send;
      Object failureType = raw.failureType;
      Fields f = new Fields();
      f.bodyStart = raw.bodyStart;
      f.bodyEnd = raw.bodyEnd;
      f.bodyKind = raw.bodyKind;
      // The reply address first: a refusal of any other field can then go to it.
      String reply = replyAddress instanceof String ? (String) replyAddress : null;
      if (replyAddress != null && reply == null) {
        throw bad("replyAddress must be a string", null);
      }
      f.replyAddress = reply;
      if (type == null) {
        throw bad("frame has no type", reply);
      }
      if (!(type instanceof String)) {
        throw bad("type must be a string", reply);
      }
      f.type = FrameType.of((String) type);
      if (f.type == null) {
        throw bad(
            "unknown type \""
                + io.dialback.logging.LogSafe.text(type, 64)
                + "\"; expected send, publish, register, unregister or ping",
            reply);
      }
      if (address != null && !(address instanceof String)) {
        throw bad("address must be a string", reply);
      }
      f.address = (String) address;
      if (headers != null && !(headers instanceof JsonObject)) {
        throw bad("headers must be an object", reply);
      }
      f.headers = (JsonObject) headers;
      if (failureCode != null && !(failureCode instanceof Integer)) {
        throw bad("failureCode must be an integer", reply);
      }
      f.failureCode = (Integer) failureCode;
      f.message = message == null ? null : String.valueOf(message);
      f.send = !Boolean.FALSE.equals(send);
      f.failureType = failureType == null ? null : String.valueOf(failureType);
      return f;
    }
  }
}
