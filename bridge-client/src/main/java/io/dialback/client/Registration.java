package io.dialback.client;

import io.vertx.core.Future;

/** A consumer of a {@link BridgeClient}: kept across reconnects until unregistered. */
public interface Registration {
  String address();

  /** Stops the consumer here and on the hub. */
  Future<Void> unregister();
}
