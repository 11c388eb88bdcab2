package io.dialback.hub.cluster;

import com.hazelcast.query.Predicate;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One agent's route as stored in {@link AgentRoutes#MAP}: the serving node's id, then its
 * addresses, a line each.
 */
record StoredRoute(String node, Set<String> addresses) {
  StoredRoute {
    addresses = Set.copyOf(addresses);
  }

  String encode() {
    StringBuilder b = new StringBuilder(node);
    for (String a : new TreeSet<>(addresses)) {
      b.append('\n').append(a);
    }
    return b.toString();
  }

  static StoredRoute decode(String stored) {
    String[] lines = stored.split("\n");
    Set<String> addresses = new HashSet<>();
    for (int i = 1; i < lines.length; i++) {
      addresses.add(lines[i]);
    }
    return new StoredRoute(lines[0], addresses);
  }

  static String nodeOf(String stored) {
    int end = stored.indexOf('\n');
    return end < 0 ? stored : stored.substring(0, end);
  }

  /** Selects the routes stored by one node. */
  static final class OfNode implements Predicate<String, String> {
    private static final long serialVersionUID = 1L;
    private final String node;

    OfNode(String node) {
      this.node = node;
    }

    @Override
    public boolean apply(Map.Entry<String, String> entry) {
      String stored = entry.getValue();
      return stored != null && node.equals(nodeOf(stored));
    }
  }
}
