package io.dialback.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * One frame, read once into typed fields: its type, addresses, headers and failure fields, with the
 * body left as the JSON bytes it came as (or the raw bytes of a binary frame). Code above the wire
 * never coerces a field: a field of the wrong kind is a {@link FrameException} here.
 *
 * <p>The whole frame is checked to be one well-formed JSON object (the body's syntax too), within
 * Jackson's limits on nesting and sizes. A binary frame (binary extension) is a NUL byte, the JSON
 * header's length, the header, then raw body bytes.
 */
public final class Frame {
  private static final JsonFactory JSON = new JsonFactory();

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
  private final JsonToken bodyToken;
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
    this.bodyToken = f.bodyToken;
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
    return binary != null || bodyToken != null;
  }

  /** The body of a binary frame, or {@code null} for a JSON frame. */
  public Buffer binary() {
    return binary;
  }

  /** The JSON body's text as it arrived (a view of the payload), or {@code null}. */
  public Buffer rawBody() {
    return bodyToken == null ? null : payload.slice(bodyStart, bodyEnd);
  }

  /**
   * The body as a value: JsonObject, JsonArray, String, Number, Boolean, Buffer (binary) or null
   * (parsed now).
   */
  public Object body() {
    if (binary != null) {
      return binary;
    }
    if (bodyToken == null || bodyToken == JsonToken.VALUE_NULL) {
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
    JsonToken bodyToken;

    static Fields parse(Buffer json) throws FrameException {
      Object type = null;
      Object address = null;
      Object replyAddress = null;
      Object headers = null;
      Object failureCode = null;
      Object message = null;
      Object send = null;
      Object failureType = null;
      Fields f = new Fields();
      try (JsonParser p = JSON.createParser(json.getBytes())) {
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_OBJECT) {
          throw bad("a frame is one JSON object, not " + kind(first), null);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          switch (field) {
            case Wire.TYPE -> type = scalar(p, value);
            case Wire.ADDRESS -> address = scalar(p, value);
            case Wire.REPLY_ADDRESS -> replyAddress = scalar(p, value);
            case Wire.FAILURE_CODE -> failureCode = scalar(p, value);
            case Wire.MESSAGE_FIELD -> message = scalar(p, value);
            case Wire.SEND_FLAG -> send = scalar(p, value);
            case Wire.FAILURE_TYPE -> failureType = scalar(p, value);
            case Wire.HEADERS ->
                headers = value == JsonToken.START_OBJECT ? flatObject(p) : scalar(p, value);
            case Wire.BODY -> {
              f.bodyToken = value;
              f.bodyStart = (int) p.currentTokenLocation().getByteOffset();
              if (value.isScalarValue()) {
                p.finishToken(); // strings are read lazily: the end is known only once read
              } else {
                p.skipChildren();
              }
              f.bodyEnd = (int) p.currentLocation().getByteOffset();
            }
            default -> p.skipChildren();
          }
        }
        if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
          throw bad("invalid JSON: content after the frame's object", null);
        }
      } catch (JsonProcessingException | DecodeException e) {
        throw bad("invalid JSON: " + firstLine(e), null);
      } catch (IOException e) {
        throw bad("invalid JSON: " + firstLine(e), null);
      }
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

  /**
   * An object of scalars, read in place (headers): nested objects and arrays become empty markers,
   * for the header rule to refuse; a repeated name keeps its last value.
   */
  private static JsonObject flatObject(JsonParser p) throws IOException {
    JsonObject object = new JsonObject();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      object.put(name, scalar(p, p.nextToken()));
    }
    return object;
  }

  /** A scalar field's value (string, number, boolean or null); objects and arrays as markers. */
  private static Object scalar(JsonParser p, JsonToken value) throws IOException {
    switch (value) {
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        p.skipChildren();
        return value == JsonToken.START_OBJECT ? new JsonObject() : new JsonArray();
    }
  }

  private static String kind(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> String.valueOf(token);
    };
  }

  private static String firstLine(Exception e) {
    String text = String.valueOf(e.getMessage());
    int newline = text.indexOf('\n');
    String line = newline < 0 ? text : text.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }
}
