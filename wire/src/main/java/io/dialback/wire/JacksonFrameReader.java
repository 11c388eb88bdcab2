package io.dialback.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * Reads a frame object's fields with Jackson's streaming parser: the reference {@link FrameScanner}
 * is checked against (it must accept and refuse the same frames and find the same fields) and
 * measured against. Not on any hot path.
 */
public final class JacksonFrameReader {
  private static final JsonFactory JSON = new JsonFactory();

  private JacksonFrameReader() {}

  /** A frame read with Jackson instead of the scanner: the same checks, the same result. */
  public static Frame read(Buffer payload) throws FrameException {
    return Frame.of(payload, scan(payload));
  }

  static FrameScanner.RawFields scan(Buffer json) throws FrameException {
    FrameScanner.RawFields f = new FrameScanner.RawFields();
    try (JsonParser p = JSON.createParser(json.getBytes())) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw Frame.bad("a frame is one JSON object, not " + kind(first), null);
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case Wire.TYPE -> f.type = scalar(p, value);
          case Wire.ADDRESS -> f.address = scalar(p, value);
          case Wire.REPLY_ADDRESS -> f.replyAddress = scalar(p, value);
          case Wire.FAILURE_CODE -> f.failureCode = scalar(p, value);
          case Wire.MESSAGE_FIELD -> f.message = scalar(p, value);
          case Wire.SEND_FLAG -> f.send = scalar(p, value);
          case Wire.FAILURE_TYPE -> f.failureType = scalar(p, value);
          case Wire.HEADERS ->
              f.headers = value == JsonToken.START_OBJECT ? flatObject(p) : scalar(p, value);
          case Wire.BODY -> {
            f.bodyKind = json.getByte((int) p.currentTokenLocation().getByteOffset());
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
        throw Frame.bad("invalid JSON: content after the frame's object", null);
      }
    } catch (JsonProcessingException | DecodeException e) {
      throw Frame.bad("invalid JSON: " + firstLine(e), null);
    } catch (IOException e) {
      throw Frame.bad("invalid JSON: " + firstLine(e), null);
    }
    return f;
  }

  private static JsonObject flatObject(JsonParser p) throws IOException {
    JsonObject object = new JsonObject();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      object.put(name, scalar(p, p.nextToken()));
    }
    return object;
  }

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
