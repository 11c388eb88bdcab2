package io.dialback.agent.fs;

import io.dialback.wire.FailureCode;
import io.vertx.core.json.JsonObject;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;

/** The arguments of file-service requests, read and checked: each mistake is a 400 naming it. */
final class Args {
  private Args() {}

  static void requireRegular(BasicFileAttributes attrs, String path) {
    if (attrs.isDirectory()) {
      throw new FsException(FailureCode.BAD_REQUEST, Jail.display(path) + " is a directory");
    }
    if (!attrs.isRegularFile()) {
      // FIFOs and devices would block a worker or never end.
      throw new FsException(
          FailureCode.DENIED, path + " is not a regular file (FIFO, device or socket)");
    }
  }

  static String pathOf(JsonObject req, boolean rootAllowed) {
    Object path = req.getValue("path");
    if (path == null && rootAllowed) {
      return "";
    }
    if (!(path instanceof String)) {
      throw new FsException(FailureCode.BAD_REQUEST, "path must be a string");
    }
    String p = (String) path;
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    if (p.equals(".")) {
      p = "";
    }
    if (p.isEmpty() && !rootAllowed) {
      throw new FsException(FailureCode.BAD_REQUEST, "path is required");
    }
    return p;
  }

  /** A required string argument other than {@code path} (e.g. {@code from}, {@code to}). */
  static String stringOf(JsonObject req, String key) {
    Object value = req.getValue(key);
    if (!(value instanceof String) || ((String) value).isEmpty()) {
      throw new FsException(FailureCode.BAD_REQUEST, key + " must be a non-empty string");
    }
    String p = (String) value;
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    if (p.isEmpty() || p.equals(".")) {
      throw new FsException(FailureCode.BAD_REQUEST, key + " must name something below the root");
    }
    return p;
  }

  /** An optional boolean argument: absent is false, anything but a boolean is a mistake. */
  static boolean flag(JsonObject req, String key) {
    Object value = req.getValue(key);
    if (value != null && !(value instanceof Boolean)) {
      throw new FsException(FailureCode.BAD_REQUEST, key + " must be true or false");
    }
    return Boolean.TRUE.equals(value);
  }

  /** The optional {@code source} tag of an upload: a short string, or null. */
  static String sourceOf(JsonObject req) {
    Object value = req.getValue("source");
    if (value == null) {
      return null;
    }
    if (!(value instanceof String) || ((String) value).length() > 256) {
      throw new FsException(FailureCode.BAD_REQUEST, "source must be a string of at most 256");
    }
    return (String) value;
  }

  /** A chunk's {@code data}: base64 (standard or URL-safe), at most {@code chunkBytes}. */
  static byte[] base64(Object data, int chunkBytes) {
    if (data == null) {
      return new byte[0];
    }
    if (!(data instanceof String)) {
      throw new FsException(FailureCode.BAD_REQUEST, "data must be a base64 string");
    }
    String s = (String) data;
    if (s.length() > (chunkBytes / 3 + 1) * 4 + 4) {
      throw new FsException(
          FailureCode.TOO_LARGE, "a chunk may carry at most " + chunkBytes + " bytes");
    }
    try {
      return s.indexOf('-') >= 0 || s.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(s)
          : Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new FsException(FailureCode.BAD_REQUEST, "data is not base64: " + e.getMessage());
    }
  }

  static long longOf(JsonObject req, String key, long fallback) {
    Object value = req.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 0) {
      throw new FsException(FailureCode.BAD_REQUEST, key + " must be a non-negative integer");
    }
    return ((Number) value).longValue();
  }

  static int intOf(JsonObject req, String key, int fallback) {
    long value = longOf(req, key, fallback);
    if (value > Integer.MAX_VALUE) {
      throw new FsException(FailureCode.BAD_REQUEST, key + " is too large");
    }
    return (int) value;
  }
}
