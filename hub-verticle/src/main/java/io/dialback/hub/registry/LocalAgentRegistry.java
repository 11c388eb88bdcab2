package io.dialback.hub.registry;

import io.dialback.wire.FailureCode;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The registry of a hub that is not clustered: a map in this JVM, shared by its event loops. */
public final class LocalAgentRegistry implements AgentRegistry {
  private final ConcurrentMap<String, AgentRecord> agents = new ConcurrentHashMap<>();
  private final EventBus eventBus;

  public LocalAgentRegistry(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  @Override
  public Future<Void> bind(AgentRecord record, Runnable lost) {
    AgentRecord holder = agents.putIfAbsent(record.name(), record);
    if (holder != null) {
      return Future.failedFuture(
          FailureCode.CONFLICT.exception(
              "agent name " + record.name() + " is bound by a live connection on " + holder.hub()));
    }
    publish(Wire.EVENT_JOINED, record);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unbind(AgentRecord record) {
    if (agents.remove(record.name(), record)) {
      publish(Wire.EVENT_LEFT, record);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<List<AgentRecord>> list() {
    List<AgentRecord> all = new ArrayList<>(agents.values());
    all.sort(Comparator.comparing(AgentRecord::name));
    return Future.succeededFuture(all);
  }

  private void publish(String event, AgentRecord record) {
    eventBus.publish(Wire.HUB_AGENTS_EVENTS, record.event(event));
  }
}
