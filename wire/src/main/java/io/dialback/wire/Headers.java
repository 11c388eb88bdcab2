package io.dialback.wire;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The one rule for message headers, on the way in from a peer and on the way out to one.
 *
 * <p>Vert.x header names are case-insensitive ({@code Dialback.From} and {@code dialback.from} are
 * one header), so every name the hub gives meaning to is matched here ignoring ASCII case, the way
 * Vert.x itself compares them. {@code dialback.*} in any spelling belongs to the hubs: a peer that
 * sends one is refused, and a frame carries only the canonical {@link Wire#HEADER_FROM} that a hub
 * stamped. Names are visible ASCII, so a look-alike letter cannot pass for one of ours in a log.
 */
public final class Headers {
  /** The most headers one frame may carry. */
  public static final int MAX_HEADERS = 64;

  /** The longest header name, in characters. */
  public static final int MAX_NAME = 128;

  /** The longest header value, in characters. */
  public static final int MAX_VALUE = 8 * 1024;

  private static final String HUB_NAMESPACE = "dialback.";

  private Headers() {}

  /** Whether {@code name} is in the hubs' namespace ({@code dialback.*}, in any ASCII case). */
  public static boolean isHubOwned(String name) {
    return name.regionMatches(true, 0, HUB_NAMESPACE, 0, HUB_NAMESPACE.length());
  }

  /** What a peer's {@code headers} object asks for, once checked. */
  public record Inbound(MultiMap headers, Long timeoutMs) {}

  /**
   * Checks a frame's {@code headers} (a {@link JsonObject} of scalars, or null) and splits off what
   * the bridge interprets: {@code timeout} (clamped by the hub later); {@code localOnly} and {@code
   * codecName}, which the hub owns and drops. Refuses names in the hubs' namespace, names that are
   * not visible ASCII, non-scalar values, and more or longer headers than the bounds.
   */
  public static Inbound fromPeer(Object raw) throws FrameException {
    return read(raw, false);
  }

  /**
   * As {@link #fromPeer}, for a frame from another hub of the cluster over a hub link: the same
   * checks, except that the caller identity ({@link Wire#HEADER_FROM}) the other hub stamped is
   * kept (and must be there), under its canonical name. Every other name of the hubs' namespace is
   * refused as from a peer.
   */
  public static Inbound fromHub(Object raw) throws FrameException {
    Inbound read = read(raw, true);
    if (read.headers().get(Wire.HEADER_FROM) == null) {
      throw bad("a hub link's frame must carry " + Wire.HEADER_FROM);
    }
    return read;
  }

  private static Inbound read(Object raw, boolean fromHub) throws FrameException {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    if (raw == null) {
      return new Inbound(out, null);
    }
    if (!(raw instanceof JsonObject)) {
      throw bad("headers must be an object");
    }
    JsonObject json = (JsonObject) raw;
    // A hub adds the caller identity and the timeout to what a peer may send.
    int most = fromHub ? MAX_HEADERS + 2 : MAX_HEADERS;
    if (json.size() > most) {
      throw bad("at most " + most + " headers, got " + json.size());
    }
    Long timeout = null;
    for (Map.Entry<String, Object> header : json) {
      String name = header.getKey();
      checkName(name);
      Object value = header.getValue();
      if (value instanceof JsonObject || value instanceof JsonArray) {
        throw bad("header " + name + " must be a string");
      }
      if (fromHub && name.equalsIgnoreCase(Wire.HEADER_FROM) && value != null) {
        if (out.contains(Wire.HEADER_FROM)) {
          throw bad("header " + Wire.HEADER_FROM + " given twice");
        }
        String from = String.valueOf(value);
        if (from.length() > MAX_VALUE) {
          throw bad("header " + name + " is longer than " + MAX_VALUE + " characters");
        }
        out.set(Wire.HEADER_FROM, from);
        continue;
      }
      if (isHubOwned(name)) {
        throw new FrameException(
            FailureCode.BAD_REQUEST, "header " + name + " is reserved for the hub");
      }
      if (name.equalsIgnoreCase(Wire.HEADER_TIMEOUT)) {
        timeout = timeoutOf(value);
      } else if (name.equalsIgnoreCase(Wire.HEADER_LOCAL_ONLY)
          || name.equalsIgnoreCase(Wire.HEADER_CODEC)) {
        continue; // the hub owns delivery options
      } else if (value != null) {
        String text = String.valueOf(value);
        if (text.length() > MAX_VALUE) {
          throw bad("header " + name + " is longer than " + MAX_VALUE + " characters");
        }
        out.add(name, text);
      }
    }
    return new Inbound(out, timeout);
  }

  /**
   * The headers of an event-bus message as a frame carries them to a peer: every header outside the
   * hubs' namespace as it is, and of the namespace only the caller identity, under its canonical
   * name. {@code each} receives name and value in order.
   */
  public static void toPeer(MultiMap headers, BiConsumer<String, String> each) {
    if (headers == null || headers.isEmpty()) {
      return;
    }
    String from = null;
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey();
      if (!isHubOwned(name)) {
        each.accept(name, h.getValue());
      } else if (from == null && name.equalsIgnoreCase(Wire.HEADER_FROM)) {
        from = h.getValue();
      }
    }
    if (from != null) {
      each.accept(Wire.HEADER_FROM, from);
    }
  }

  /** {@link #toPeer(MultiMap, BiConsumer)} into a JSON object. */
  public static JsonObject toPeer(MultiMap headers) {
    JsonObject json = new JsonObject();
    toPeer(headers, json::put);
    return json;
  }

  private static void checkName(String name) throws FrameException {
    if (name.isEmpty() || name.length() > MAX_NAME) {
      throw bad("a header name must have 1.." + MAX_NAME + " characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c > '~') {
        throw bad(
            "header names are visible ASCII; \""
                + name.substring(0, Math.min(i, 40))
                + "…\" has character "
                + String.format("U+%04X", (int) c));
      }
    }
  }

  private static Long timeoutOf(Object value) throws FrameException {
    if (value instanceof Number) {
      return ((Number) value).longValue();
    }
    if (value instanceof String) {
      try {
        return Long.parseLong((String) value);
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw bad("header timeout must be a number of ms");
  }

  private static FrameException bad(String detail) {
    return new FrameException(FailureCode.BAD_REQUEST, detail);
  }
}
