package io.dialback.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads one frame object straight from the payload's bytes: the envelope's few fields into values,
 * the body's span only, and the whole of it checked to be well-formed JSON (RFC 8259, UTF-8, at
 * most {@link #MAX_DEPTH} deep). It does the work of a general JSON parser on the hot path of every
 * hop without building tokens or allocating for what it skips; {@link JacksonFrameReader} reads the
 * same fields with Jackson and is what it is tested and measured against.
 *
 * <p>A byte-level state machine over the frame's bytes: not thread-safe, one use per frame.
 */
final class FrameScanner extends JsonCursor {
  /** The envelope's field names: every frame spells several. */
  private static final KnownStrings FIELDS =
      new KnownStrings(
          Wire.TYPE,
          Wire.ADDRESS,
          Wire.REPLY_ADDRESS,
          Wire.HEADERS,
          Wire.BODY,
          Wire.SEND_FLAG,
          Wire.FAILURE_CODE,
          Wire.MESSAGE_FIELD,
          Wire.FAILURE_TYPE);

  /** The frame types' names, the {@code type} field's values. */
  private static final KnownStrings TYPES = types();

  private static KnownStrings types() {
    FrameType[] all = FrameType.values();
    String[] names = new String[all.length];
    for (int i = 0; i < all.length; i++) {
      names[i] = all[i].wireName();
    }
    return new KnownStrings(names);
  }

  private FrameScanner(byte[] in) {
    super(in);
  }

  /**
   * The raw field values of the frame object in {@code json}. The bytes are copied out once (a
   * block copy): scanning an array is several times faster than reading the buffer byte by byte.
   */
  static RawFields scan(Buffer json) throws FrameException {
    return new FrameScanner(json.getBytes()).frame();
  }

  private RawFields frame() throws FrameException {
    RawFields f = new RawFields();
    skipSpace();
    if (pos >= end || in[pos] != '{') {
      throw Frame.bad("a frame is one JSON object, not " + kindAt(), null);
    }
    pos++;
    skipSpace();
    if (peek() == '}') {
      pos++;
    } else {
      while (true) {
        skipSpace();
        String name = string(FIELDS);
        skipSpace();
        expect(':');
        skipSpace();
        field(f, name);
        skipSpace();
        byte c = next();
        if (c == '}') {
          break;
        }
        if (c != ',') {
          throw invalid("expected ',' or '}' after a field");
        }
      }
    }
    skipSpace();
    if (pos != end) {
      throw Frame.bad("invalid JSON: content after the frame's object", null);
    }
    return f;
  }

  private void field(RawFields f, String name) throws FrameException {
    switch (name) {
      case Wire.TYPE -> f.type = peek() == '"' ? string(TYPES) : scalar(1);
      case Wire.ADDRESS -> f.address = scalar(1);
      case Wire.REPLY_ADDRESS -> f.replyAddress = scalar(1);
      case Wire.FAILURE_CODE -> f.failureCode = scalar(1);
      case Wire.MESSAGE_FIELD -> f.message = scalar(1);
      case Wire.SEND_FLAG -> f.send = scalar(1);
      case Wire.FAILURE_TYPE -> f.failureType = scalar(1);
      case Wire.HEADERS -> f.headers = peek() == '{' ? flatObject() : scalar(1);
      case Wire.BODY -> {
        f.bodyStart = pos;
        f.bodyKind = peek();
        skipValue(1);
        f.bodyEnd = pos;
      }
      default -> skipValue(1);
    }
  }

  /** A scalar's value (string, number, boolean, null); objects and arrays as empty markers. */
  private Object scalar(int outer) throws FrameException {
    byte c = peek();
    switch (c) {
      case '"':
        return string();
      case '{':
        skipValue(outer);
        return new JsonObject();
      case '[':
        skipValue(outer);
        return new JsonArray();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return null;
      default:
        return number();
    }
  }

  /** An object of scalars (headers), read in place; a repeated name keeps its last value. */
  private JsonObject flatObject() throws FrameException {
    JsonObject object = new JsonObject();
    pos++; // '{'
    skipSpace();
    if (peek() == '}') {
      pos++;
      return object;
    }
    while (true) {
      skipSpace();
      String name = string();
      skipSpace();
      expect(':');
      skipSpace();
      object.put(name, scalar(2));
      skipSpace();
      byte c = next();
      if (c == '}') {
        return object;
      }
      if (c != ',') {
        throw invalid("expected ',' or '}' in an object");
      }
    }
  }

  /** The frame object's fields as read, before their kinds are checked. */
  static final class RawFields {
    Object type;
    Object address;
    Object replyAddress;
    Object headers;
    Object failureCode;
    Object message;
    Object send;
    Object failureType;
    int bodyStart = -1;
    int bodyEnd = -1;

    /** The body's first byte ({@code n} for null), or 0 without a body. */
    byte bodyKind;
  }
}
