package io.dialback.client;

/** Where a {@link BridgeClient} stands. */
public enum ClientState {
  /** Created; {@link BridgeClient#connect()} not called yet. */
  NEW,
  /** Dialling, logging in, re-registering, or waiting out a backoff before the next attempt. */
  CONNECTING,
  /** Logged in, consumers registered: requests go out. */
  CONNECTED,
  /** {@link BridgeClient#close()} was called: new work is refused. */
  CLOSING,
  /** Closed for good, by {@code close()} or because connecting gave up. */
  CLOSED
}
