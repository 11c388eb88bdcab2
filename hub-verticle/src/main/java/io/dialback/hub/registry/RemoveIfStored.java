package io.dialback.hub.registry;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Map;

/**
 * Removes a registry entry if it still holds what this hub stored, where the entry lives: the
 * conditional remove of an agent that left, sent without holding a thread while it runs.
 */
final class RemoveIfStored implements EntryProcessor<String, String, Boolean>, RegistryTypes.Type {
  private static final long serialVersionUID = 1L;

  private String stored;

  /** For {@link RegistryTypes}. */
  RemoveIfStored() {}

  RemoveIfStored(String stored) {
    this.stored = stored;
  }

  @Override
  public Boolean process(Map.Entry<String, String> entry) {
    if (stored.equals(entry.getValue())) {
      entry.setValue(null); // removes it
      return true;
    }
    return false;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeString(stored);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    stored = in.readString();
  }

  @Override
  public int getClassId() {
    return RegistryTypes.REMOVE_IF_STORED;
  }
}
