package io.dialback.hub.bridge;

import io.dialback.hub.TestHub.Target;

/**
 * Every test of {@link HostileInputTest}, each connection over WebSocket on the hub's {@code http}
 * port instead of TCP: the same connection core must give the same answers (each raw write is one
 * binary message, so a frame split into single bytes arrives as single-byte messages).
 */
class HostileInputOverWebSocketTest extends HostileInputTest {
  @Override
  Target target() {
    return Target.DIALBACK_WS;
  }
}
