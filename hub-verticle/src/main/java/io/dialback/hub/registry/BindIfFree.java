package io.dialback.hub.registry;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Stores a binding with its lease where the entry lives, if the name is free, or held by a member
 * that is no longer in the cluster, or by one whose hub is stopping and told its agent to move
 * ({@link ClusteredAgentRegistry#MOVING}); returns what holds the name otherwise (null: bound now).
 * One asynchronous operation however the name stood: a takeover used to be three blocking calls on
 * a worker thread, and after a hub died with 1,000 agents, every one of them took that path while
 * the dead hub's partitions changed owners.
 */
final class BindIfFree implements EntryProcessor<String, String, String> {
  private static final long serialVersionUID = 1L;

  private final String stored;
  private final long leaseMs;
  private final Set<String> members;

  /**
   * @param members the ids of the cluster's members as the binding hub sees them
   */
  BindIfFree(String stored, long leaseMs, Set<String> members) {
    this.stored = stored;
    this.leaseMs = leaseMs;
    this.members = Set.copyOf(members);
  }

  @Override
  public String process(Map.Entry<String, String> entry) {
    String current = entry.getValue();
    if (current != null && !current.equals(stored)) { // equal: a retried call, applied already
      JsonObject holder = new JsonObject(current);
      if (members.contains(holder.getString("member"))
          && !holder.getBoolean(ClusteredAgentRegistry.MOVING, false)) {
        return current;
      }
    }
    if (!stored.equals(current)) {
      ((ExtendedMapEntry<String, String>) entry).setValue(stored, leaseMs, TimeUnit.MILLISECONDS);
    }
    return null;
  }
}
