package io.dialback.hub.cluster;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.query.Predicate;
import java.io.IOException;
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
  static final class OfNode implements Predicate<String, String>, RouteTypes.Type {
    private static final long serialVersionUID = 1L;
    private String node;

    /** For {@link RouteTypes}. */
    OfNode() {}

    OfNode(String node) {
      this.node = node;
    }

    @Override
    public boolean apply(Map.Entry<String, String> entry) {
      String stored = entry.getValue();
      return stored != null && node.equals(nodeOf(stored));
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
      out.writeString(node);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
      node = in.readString();
    }

    @Override
    public int getClassId() {
      return RouteTypes.OF_NODE;
    }
  }
}
