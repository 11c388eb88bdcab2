package io.dialback.hub.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Writes one node's route for an agent name where the entry lives ({@link AgentRoutes}): the node's
 * addresses of that agent, or no route when it has none left. A node that took an address on
 * ({@code claim}) takes the name over; a node that only gave addresses up changes the entry only
 * while it is still its own, so that a hub an agent left cannot undo the route of the hub the agent
 * moved to.
 */
final class SetRoute implements EntryProcessor<String, String, Boolean>, RouteTypes.Type {
  private static final long serialVersionUID = 1L;

  private String node;
  private String route;
  private boolean claim;

  /** For {@link RouteTypes}. */
  SetRoute() {}

  /**
   * @param route the stored route ({@link StoredRoute#encode}), or null for none
   */
  SetRoute(String node, String route, boolean claim) {
    this.node = node;
    this.route = route;
    this.claim = claim;
  }

  @Override
  public Boolean process(Map.Entry<String, String> entry) {
    String current = entry.getValue();
    boolean own = current != null && node.equals(StoredRoute.nodeOf(current));
    if (route == null) {
      if (own) {
        entry.setValue(null);
      }
      return own;
    }
    if (claim || own || current == null) {
      if (!route.equals(current)) {
        entry.setValue(route);
      }
      return true;
    }
    return false;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(node);
    out.writeString(route);
    out.writeBoolean(claim);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    node = in.readString();
    route = in.readString();
    claim = in.readBoolean();
  }

  @Override
  public int getClassId() {
    return RouteTypes.SET_ROUTE;
  }
}
