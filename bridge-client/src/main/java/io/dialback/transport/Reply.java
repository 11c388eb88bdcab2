package io.dialback.transport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** A reply as the typed API sees it, whichever {@link Transport} carried it. */
public interface Reply {
  /** Raw bytes, when the reply carried binary data; else null. */
  Buffer data();

  /** A header of the reply, or null. */
  String header(String name);

  /** The body as a JSON object (decoded on first use); fails if it is not one. */
  JsonObject json();

  /** The body's JSON text as it travelled, when the transport kept it; else null. */
  Buffer jsonText();
}
