package io.dialback.hub.bridge;

import io.dialback.link.ByteSocket;

/**
 * The transport one bridge connection runs over — a TCP socket ({@link NetPeer}), a WebSocket
 * carrying the same frame bytes ({@link WebSocketPeer}), or an in-process pipe ({@link PipePeer}) —
 * with what the hub needs to know of the other end. The connection core never sees which.
 */
interface Peer extends ByteSocket {
  /** {@code host:port} of the other end, for logs and audit. */
  String remote();

  /** The other end's address alone, which the per-address bounds count by. */
  String host();

  /** The CN of the peer's verified client certificate, or {@code null} without one. */
  String certifiedName();
}
