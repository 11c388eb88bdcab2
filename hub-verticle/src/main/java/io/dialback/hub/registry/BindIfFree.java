package io.dialback.hub.registry;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Arrays;
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
final class BindIfFree implements EntryProcessor<String, String, String>, RegistryTypes.Type {
  private static final long serialVersionUID = 1L;

  private String stored;
  private long leaseMs;
  private Set<String> members;

  /** For {@link RegistryTypes}. */
  BindIfFree() {}

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

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(stored);
    out.writeLong(leaseMs);
    out.writeInt(members.size());
    for (String m : members) {
      out.writeString(m);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    stored = in.readString();
    leaseMs = in.readLong();
    String[] read = new String[in.readInt()];
    for (int i = 0; i < read.length; i++) {
      read[i] = in.readString();
    }
    members = Set.copyOf(Arrays.asList(read));
  }

  @Override
  public int getClassId() {
    return RegistryTypes.BIND_IF_FREE;
  }
}
