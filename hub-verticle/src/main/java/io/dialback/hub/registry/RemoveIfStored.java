package io.dialback.hub.registry;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Removes a registry entry if it still holds what this hub stored, where the entry lives: the
 * conditional remove of an agent that left, sent without holding a thread while it runs.
 */
final class RemoveIfStored implements EntryProcessor<String, String, Boolean> {
  private static final long serialVersionUID = 1L;

  private final String stored;

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
}
