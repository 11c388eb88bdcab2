package io.dialback.hub.bridge;

import io.dialback.wire.Wire;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which connection of this hub owns each agent address it registered ({@code agent.<name>.*}, not
 * its events): a call from another connection of the hub goes straight to the owner, without an
 * event-bus request. Only the connection bound to {@code <name>} may register such an address (the
 * address policy sees to it), so there is at most one owner. Thread-safe.
 */
final class Routes {
  private final ConcurrentMap<String, BridgeConnection> owners = new ConcurrentHashMap<>();

  /** Whether calls to {@code address} can be routed directly at all. */
  static boolean routable(String address) {
    return Wire.isAgentCall(address);
  }

  void add(String address, BridgeConnection owner) {
    if (routable(address)) {
      owners.put(address, owner);
    }
  }

  void remove(String address, BridgeConnection owner) {
    owners.remove(address, owner);
  }

  /** The connection that serves {@code address} on this hub, or null. */
  BridgeConnection owner(String address) {
    return owners.get(address);
  }
}
