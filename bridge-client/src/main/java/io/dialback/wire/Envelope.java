package io.dialback.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * One frame read as far as routing needs: its type, addresses, headers and failure fields, with the
 * body left as raw JSON bytes. A hub that only passes a body on never builds it into objects;
 * {@link #body()} does so when someone needs the value.
 *
 * <p>The whole frame is still checked to be one well-formed JSON object (the body's syntax too),
 * with Jackson's limits on nesting and sizes.
 */
public final class Envelope {
  private static final JsonFactory JSON = new JsonFactory();

  private final Buffer payload;
  private final Object type;
  private final Object address;
  private final Object replyAddress;
  private final Object headers;
  private final Object failureCode;
  private final Object message;
  private final Object send;
  private final Object failureType;
  private final int bodyStart;
  private final int bodyEnd;
  private final JsonToken bodyToken;
  private Buffer binary;

  private Envelope(
      Buffer payload,
      Object type,
      Object address,
      Object replyAddress,
      Object headers,
      Object failureCode,
      Object message,
      Object send,
      Object failureType,
      int bodyStart,
      int bodyEnd,
      JsonToken bodyToken) {
    this.payload = payload;
    this.type = type;
    this.address = address;
    this.replyAddress = replyAddress;
    this.headers = headers;
    this.failureCode = failureCode;
    this.message = message;
    this.send = send;
    this.failureType = failureType;
    this.bodyStart = bodyStart;
    this.bodyEnd = bodyEnd;
    this.bodyToken = bodyToken;
  }

  /**
   * Reads one frame payload: a JSON object, or (when {@code binaryAllowed}) a binary frame — a NUL
   * byte, a 4-byte length, that many bytes of JSON header, then raw body bytes.
   */
  public static Envelope read(Buffer payload, boolean binaryAllowed) throws FrameException {
    if (payload.length() == 0) {
      throw new FrameException(FailureCode.BAD_REQUEST, "empty frame: a frame is one JSON object");
    }
    if (payload.getByte(0) == Frames.BINARY_MARKER) {
      if (!binaryAllowed) {
        throw new FrameException(
            FailureCode.BAD_REQUEST, "binary frame on a connection that did not negotiate them");
      }
      if (payload.length() < 5) {
        throw new FrameException(FailureCode.BAD_REQUEST, "binary frame too short");
      }
      int headerLength = payload.getInt(1);
      if (headerLength < 2 || headerLength > payload.length() - 5) {
        throw new FrameException(
            FailureCode.BAD_REQUEST, "binary frame header length " + headerLength + " is wrong");
      }
      Envelope header = parse(payload.slice(5, 5 + headerLength));
      header.binary = payload.slice(5 + headerLength, payload.length());
      return header;
    }
    return parse(payload);
  }

  private static Envelope parse(Buffer payload) throws FrameException {
    byte[] bytes = payload.getBytes();
    Object type = null;
    Object address = null;
    Object replyAddress = null;
    Object headers = null;
    Object failureCode = null;
    Object message = null;
    Object send = null;
    Object failureType = null;
    int bodyStart = -1;
    int bodyEnd = -1;
    JsonToken bodyToken = null;
    try (JsonParser p = JSON.createParser(bytes)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new FrameException(
            FailureCode.BAD_REQUEST, "a frame is one JSON object, not " + kind(first));
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case Wire.TYPE:
            type = scalar(p, value);
            break;
          case Wire.ADDRESS:
            address = scalar(p, value);
            break;
          case Wire.REPLY_ADDRESS:
            replyAddress = scalar(p, value);
            break;
          case Wire.FAILURE_CODE:
            failureCode = scalar(p, value);
            break;
          case Wire.MESSAGE_FIELD:
            message = scalar(p, value);
            break;
          case Wire.SEND_FLAG:
            send = scalar(p, value);
            break;
          case Wire.FAILURE_TYPE:
            failureType = scalar(p, value);
            break;
          case Wire.HEADERS:
            if (value == JsonToken.START_OBJECT) {
              headers = flatObject(p);
            } else {
              headers = scalar(p, value);
              p.skipChildren();
            }
            break;
          case Wire.BODY:
            bodyToken = value;
            bodyStart = (int) p.currentTokenLocation().getByteOffset();
            if (value.isScalarValue()) {
              p.finishToken(); // strings are read lazily: the end is known only once read
            } else {
              p.skipChildren();
            }
            bodyEnd = (int) p.currentLocation().getByteOffset();
            break;
          default:
            p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new FrameException(
            FailureCode.BAD_REQUEST, "invalid JSON: content after the frame's object");
      }
    } catch (JsonProcessingException | DecodeException e) {
      throw new FrameException(FailureCode.BAD_REQUEST, "invalid JSON: " + firstLine(e));
    } catch (IOException e) {
      throw new FrameException(FailureCode.BAD_REQUEST, "invalid JSON: " + firstLine(e));
    }
    return new Envelope(
        payload,
        type,
        address,
        replyAddress,
        headers,
        failureCode,
        message,
        send,
        failureType,
        bodyStart,
        bodyEnd,
        bodyToken);
  }

  /**
   * An object of scalars, read in place (headers): nested objects and arrays become empty markers,
   * for the caller to refuse; a repeated name keeps its last value, as {@link JsonObject} would.
   */
  private static JsonObject flatObject(JsonParser p) throws IOException {
    JsonObject object = new JsonObject();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      object.put(name, scalar(p, p.nextToken()));
    }
    return object;
  }

  /** A scalar field's value (a string, number, boolean or null); objects and arrays as markers. */
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
        return value == JsonToken.START_OBJECT
            ? new JsonObject()
            : new io.vertx.core.json.JsonArray();
    }
  }

  private static String kind(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    switch (token) {
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return String.valueOf(token);
    }
  }

  private static String firstLine(Exception e) {
    String text = String.valueOf(e.getMessage());
    int newline = text.indexOf('\n');
    String line = newline < 0 ? text : text.substring(0, newline);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  /** The {@code type} field as sent (may be anything, or null). */
  public Object type() {
    return type;
  }

  public Object address() {
    return address;
  }

  public Object replyAddress() {
    return replyAddress;
  }

  public Object headers() {
    return headers;
  }

  public Object failureCode() {
    return failureCode;
  }

  public Object message() {
    return message;
  }

  public Object send() {
    return send;
  }

  public Object failureType() {
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

  /** Whether the JSON body is an object (the kind worth passing on undecoded). */
  public boolean bodyIsObject() {
    return bodyToken == JsonToken.START_OBJECT;
  }

  /** The body's JSON text, as it arrived (null without a JSON body). */
  public Buffer rawBody() {
    return bodyToken == null ? null : payload.slice(bodyStart, bodyEnd);
  }

  /**
   * The body as a value: JsonObject, JsonArray, String, Number, Boolean, Buffer (binary) or null.
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
}
