package io.dialback.testkit;

/**
 * Where a test reaches a hub's bridge on 127.0.0.1: its bridge port over TCP, or its {@code http}
 * port's WebSocket path. The same test body runs over either.
 *
 * @param path the WebSocket path, or {@code null} for TCP
 */
public record BridgeEndpoint(int port, String path) {
  public static BridgeEndpoint tcp(int port) {
    return new BridgeEndpoint(port, null);
  }

  public static BridgeEndpoint webSocket(int port, String path) {
    return new BridgeEndpoint(port, path);
  }

  public boolean isWebSocket() {
    return path != null;
  }

  /** As a hub list entry: {@code 127.0.0.1:PORT} or {@code ws://127.0.0.1:PORT/PATH}. */
  public String address() {
    return isWebSocket() ? "ws://127.0.0.1:" + port + path : "127.0.0.1:" + port;
  }

  @Override
  public String toString() {
    return isWebSocket() ? "WebSocket" : "TCP";
  }
}
