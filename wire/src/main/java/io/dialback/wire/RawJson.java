package io.dialback.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import java.util.Objects;

/**
 * JSON text that is passed on as it is, never parsed or re-encoded — for relays and services that
 * answer with what they were given. Frames take it as a body verbatim.
 */
public record RawJson(Buffer json) {
  public RawJson {
    Objects.requireNonNull(json, "json == null");
  }

  /** The value it encodes (parsed now). */
  public Object decode() {
    return Json.decodeValue(json);
  }
}
