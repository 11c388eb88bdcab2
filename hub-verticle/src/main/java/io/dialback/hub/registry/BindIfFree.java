package io.dialback.hub.registry;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stores a binding with its lease if the name is free, where the entry lives; returns what holds
 * the name otherwise (null: bound). IMap has no asynchronous put-if-absent with a lifetime.
 */
final class BindIfFree implements EntryProcessor<String, String, String> {
  private static final long serialVersionUID = 1L;

  private final String stored;
  private final long leaseMs;

  BindIfFree(String stored, long leaseMs) {
    this.stored = stored;
    this.leaseMs = leaseMs;
  }

  @Override
  public String process(Map.Entry<String, String> entry) {
    String current = entry.getValue();
    if (current != null) {
      return current;
    }
    ((ExtendedMapEntry<String, String>) entry).setValue(stored, leaseMs, TimeUnit.MILLISECONDS);
    return null;
  }
}
