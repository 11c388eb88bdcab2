package io.dialback.hub.stats;

import io.dialback.hub.bridge.BridgeContext;
import io.dialback.hub.registry.AgentRecord;
import io.dialback.hub.registry.AgentRegistry;
import io.dialback.wire.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers {@code hub.stats}: every hub of the cluster with its open connections, its agents and the
 * calls per second its bridge connections make. Each hub publishes its own figures every second on
 * an internal address (which no peer can reach) and keeps the latest of every hub; a hub not heard
 * from for {@link #STALE_MS} is left out.
 *
 * <p>Reply: {@code {hub, at, hubs: [{name, connections, agents, calls, callsPerSecond, pending,
 * at}]}}, hubs ordered by name.
 */
public final class HubStats {
  static final long PERIOD_MS = 1_000;
  static final long STALE_MS = 5_000;

  private final Vertx vertx;
  private final BridgeContext bridge;
  private final AgentRegistry registry;
  private final Map<String, JsonObject> latest = new TreeMap<>();
  private long timer = -1;
  private long lastCalls;
  private long lastAtMs;
  private MessageConsumer<JsonObject> samples;
  private MessageConsumer<Object> requests;

  public HubStats(Vertx vertx, BridgeContext bridge, AgentRegistry registry) {
    this.vertx = vertx;
    this.bridge = bridge;
    this.registry = registry;
  }

  /** Starts sampling and answering (on the calling context). */
  public void start() {
    samples = vertx.eventBus().consumer(Wire.HUB_STATS_SAMPLES, this::onSample);
    // Answered where it is asked: the figures of every hub are here already.
    requests = vertx.eventBus().localConsumer(Wire.HUB_STATS, this::answer);
    lastCalls = bridge.calls();
    lastAtMs = System.currentTimeMillis();
    publish();
    timer = vertx.setPeriodic(PERIOD_MS, t -> publish());
  }

  public void stop() {
    vertx.cancelTimer(timer);
    if (samples != null) {
      samples.unregister();
      requests.unregister();
    }
  }

  private void publish() {
    long now = System.currentTimeMillis();
    long calls = bridge.calls();
    double seconds = Math.max(0.001, (now - lastAtMs) / 1000.0);
    long perSecond = Math.round((calls - lastCalls) / seconds);
    lastCalls = calls;
    lastAtMs = now;
    vertx
        .eventBus()
        .publish(
            Wire.HUB_STATS_SAMPLES,
            new JsonObject()
                .put("name", bridge.hubName())
                .put("connections", bridge.liveConnections())
                .put("calls", calls)
                .put("callsPerSecond", perSecond)
                .put("pending", bridge.pendingRequests())
                .put("at", now));
  }

  private void onSample(Message<JsonObject> message) {
    JsonObject sample = message.body();
    if (sample != null && sample.getString("name") != null) {
      latest.put(sample.getString("name"), sample.copy().put("heard", System.currentTimeMillis()));
    }
  }

  private void answer(Message<Object> message) {
    long now = System.currentTimeMillis();
    latest.values().removeIf(s -> now - s.getLong("heard", 0L) > STALE_MS);
    registry
        .list()
        .onComplete(
            ar -> {
              List<AgentRecord> agents = ar.succeeded() ? ar.result() : List.of();
              JsonArray hubs = new JsonArray();
              for (JsonObject s : latest.values()) {
                String name = s.getString("name");
                long count = agents.stream().filter(a -> name.equals(a.hub())).count();
                JsonObject hub = s.copy().put("agents", count);
                hub.remove("heard");
                hubs.add(hub);
              }
              message.reply(
                  new JsonObject()
                      .put("hub", bridge.hubName())
                      .put("at", now)
                      .put("agentsKnown", ar.succeeded())
                      .put("hubs", hubs));
            });
  }
}
