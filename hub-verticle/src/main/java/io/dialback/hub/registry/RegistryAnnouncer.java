package io.dialback.hub.registry;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.dialback.wire.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Announces on {@code hub.agents.events} the changes of the registry entries whose partition this
 * member owns: {@code joined} when a name is bound, {@code left} when it is released, expires or
 * goes with its hub, both when another connection takes it over (only {@code joined} for a move,
 * when the old hub is stopping and told its agent to go).
 */
final class RegistryAnnouncer
    implements EntryAddedListener<String, String>,
        EntryRemovedListener<String, String>,
        EntryExpiredListener<String, String>,
        EntryEvictedListener<String, String>,
        EntryUpdatedListener<String, String> {
  private final Vertx vertx;

  RegistryAnnouncer(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void entryAdded(EntryEvent<String, String> event) {
    publish(Wire.EVENT_JOINED, event.getValue());
  }

  @Override
  public void entryRemoved(EntryEvent<String, String> event) {
    publish(Wire.EVENT_LEFT, event.getOldValue());
  }

  @Override
  public void entryExpired(EntryEvent<String, String> event) {
    publish(Wire.EVENT_LEFT, event.getOldValue());
  }

  @Override
  public void entryEvicted(EntryEvent<String, String> event) {
    publish(Wire.EVENT_LEFT, event.getOldValue());
  }

  @Override
  public void entryUpdated(EntryEvent<String, String> event) {
    if (event.getOldValue() == null
        || event.getValue() == null
        || event.getOldValue().equals(event.getValue())) {
      return; // a renewed lease
    }
    JsonObject old = new JsonObject(event.getOldValue());
    AgentRecord before = AgentRecord.fromStored(old);
    AgentRecord after = AgentRecord.fromStored(new JsonObject(event.getValue()));
    if (!before.hub().equals(after.hub()) || !before.connectionId().equals(after.connectionId())) {
      if (!old.getBoolean(ClusteredAgentRegistry.MOVING, false)) {
        // A move (its old hub stopping) is no departure: calls waiting on it must not fail.
        publish(Wire.EVENT_LEFT, event.getOldValue());
      }
      publish(Wire.EVENT_JOINED, event.getValue());
    }
  }

  private void publish(String kind, String stored) {
    if (stored != null) {
      vertx
          .eventBus()
          .publish(
              Wire.HUB_AGENTS_EVENTS, AgentRecord.fromStored(new JsonObject(stored)).event(kind));
    }
  }
}
