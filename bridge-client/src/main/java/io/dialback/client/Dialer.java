package io.dialback.client;

import io.dialback.conf.HubAddress;
import io.dialback.link.ByteSocket;
import io.vertx.core.Future;

/**
 * Opens the connection to one hub of a client's list. The default dials TCP or WebSocket as the
 * address says, through the client's proxy; a program that carries bridge connections some other
 * way (in process, over its own tunnel) gives its own to {@link ClientOptions.Builder#dialer}.
 */
public interface Dialer {
  /** Connects to {@code hub}; the socket's bytes are bridge frames. */
  Future<ByteSocket> dial(HubAddress hub);

  /**
   * Releases what the dialer holds (its clients); connections it made are closed by their owner.
   */
  default void close() {}
}
