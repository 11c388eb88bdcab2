package io.dialback.wire;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Writes a body value as JSON text straight into a frame's buffer, byte for byte what Vert.x's
 * Jackson codec writes ({@code JsonObject.toBuffer()}, {@code Json.encodeToBuffer}), without
 * building a generator and an intermediate buffer per body. Jackson's encoding was a fifth of a
 * client's event-loop time when it sends requests (a JFR profile, performance.md).
 *
 * <p>It writes the kinds a body almost always holds: objects and arrays ({@code JsonObject}, {@code
 * JsonArray}, maps with string keys, lists), strings, booleans, null, and {@code Integer}, {@code
 * Long}, {@code Short}, {@code Byte} and finite {@code Double} and {@code Float} numbers. A body
 * holding anything else (a big number, an instant, bytes, an enum, a string with a surrogate
 * character, which Jackson escapes, or nesting deeper than {@link #MAX_DEPTH}) goes to Jackson
 * whole, so what goes out is always Jackson's text.
 */
final class JsonText {
  /** Deeper bodies go to Jackson, which bounds its own recursion. */
  static final int MAX_DEPTH = 32;

  private JsonText() {}

  /** Appends {@code value}'s JSON text to {@code out}. */
  static void append(ByteSink out, Object value) {
    if (plain(value, 0)) {
      write(out, value);
    } else if (value instanceof JsonObject) {
      out.put(((JsonObject) value).toBuffer());
    } else {
      out.put(Json.encodeToBuffer(value));
    }
  }

  /** Whether {@link #write} writes {@code value} as Jackson does. */
  static boolean plain(Object value, int depth) {
    if (value == null
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Boolean
        || value instanceof Short
        || value instanceof Byte) {
      return true;
    }
    if (value instanceof String) {
      return noSurrogate((String) value);
    }
    if (value instanceof Double) {
      return Double.isFinite((Double) value);
    }
    if (value instanceof Float) {
      return Float.isFinite((Float) value);
    }
    if (depth == MAX_DEPTH) {
      return false;
    }
    if (value instanceof JsonObject) {
      value = ((JsonObject) value).getMap();
    } else if (value instanceof JsonArray) {
      value = ((JsonArray) value).getList();
    }
    if (value instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (!(e.getKey() instanceof String)
            || !noSurrogate((String) e.getKey())
            || !plain(e.getValue(), depth + 1)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof List) {
      for (Object item : (List<?>) value) {
        if (!plain(item, depth + 1)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean noSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Writes a value that {@link #plain} admitted. */
  private static void write(ByteSink out, Object value) {
    if (value == null) {
      out.put(NULL);
    } else if (value instanceof String) {
      out.string((String) value);
    } else if (value instanceof Boolean) {
      out.put((Boolean) value ? TRUE : FALSE);
    } else if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      out.number(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      out.ascii(value.toString()); // Jackson's text for finite numbers
    } else if (value instanceof JsonObject || value instanceof Map) {
      Map<?, ?> map =
          value instanceof JsonObject ? ((JsonObject) value).getMap() : (Map<?, ?>) value;
      out.put((byte) '{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.put((byte) ',');
        }
        first = false;
        out.string((String) e.getKey()).put((byte) ':');
        write(out, e.getValue());
      }
      out.put((byte) '}');
    } else {
      List<?> list = value instanceof JsonArray ? ((JsonArray) value).getList() : (List<?>) value;
      out.put((byte) '[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.put((byte) ',');
        }
        first = false;
        write(out, item);
      }
      out.put((byte) ']');
    }
  }

  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
}
