package io.dialback.transport;

import io.vertx.core.Future;

/** A listener on an address; cancel it to stop receiving. */
public interface Subscription {
  String address();

  Future<Void> cancel();
}
