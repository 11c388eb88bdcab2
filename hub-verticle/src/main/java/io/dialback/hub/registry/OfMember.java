package io.dialback.hub.registry;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.query.Predicate;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Map;

/**
 * The registry entries that a given cluster member stored: evaluated where the entries live, so
 * that a departed hub's agents are removed in one pass over the map's partitions, not one round
 * trip per agent.
 */
final class OfMember implements Predicate<String, String>, RegistryTypes.Type {
  private static final long serialVersionUID = 1L;

  private String member;

  /** For {@link RegistryTypes}. */
  OfMember() {}

  OfMember(String member) {
    this.member = member;
  }

  @Override
  public boolean apply(Map.Entry<String, String> entry) {
    return storedBy(entry.getValue(), member);
  }

  /** Whether the registry entry {@code stored} was stored by cluster member {@code member}. */
  static boolean storedBy(String stored, String member) {
    // Cheap test first: most entries belong to other members.
    return stored != null
        && stored.contains(member)
        && member.equals(new JsonObject(stored).getString("member"));
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(member);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    member = in.readString();
  }

  @Override
  public int getClassId() {
    return RegistryTypes.OF_MEMBER;
  }
}
