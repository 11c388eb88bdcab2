package io.dialback.hub;

import io.dialback.hub.bridge.BridgeContext;
import io.dialback.hub.bridge.BridgeVerticle;
import io.dialback.hub.gate.Gate;
import io.dialback.hub.registry.AgentRecord;
import io.dialback.hub.registry.AgentRegistry;
import io.dialback.hub.registry.LocalAgentRegistry;
import io.dialback.wire.Wire;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub: serves the bridge protocol on one port, keeps the registry of connected agents and
 * answers the {@code hub.*} addresses.
 *
 * <p>Deploy it from any Vert.x application with the conf as the deployment's config:
 *
 * <pre>{@code
 * vertx.deployVerticle(new HubVerticle(), new DeploymentOptions().setConfig(hubJson));
 * }</pre>
 */
public final class HubVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(HubVerticle.class);

  private final Map<String, String> env;
  private BridgeContext bridge;

  /** A hub whose conf may be overridden by {@code DIALBACK_HUB_*} environment variables. */
  public HubVerticle() {
    this(System.getenv());
  }

  /** A hub that takes overrides from {@code env} instead of the process environment. */
  public HubVerticle(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env == null"));
  }

  @Override
  public Future<?> start() {
    HubConfig cfg = HubConfig.from(config(), env);
    AgentRegistry registry = new LocalAgentRegistry(vertx.eventBus());
    bridge =
        new BridgeContext(
            vertx,
            cfg.name(),
            cfg.host(),
            new Gate(cfg.tokens()),
            cfg.policy(),
            registry,
            cfg.limits());
    vertx.eventBus().consumer(Wire.HUB_AGENTS_LIST, msg -> listAgents(registry, msg));
    return vertx
        .deployVerticle(
            () -> new BridgeVerticle(bridge, cfg.serverOptions()),
            new DeploymentOptions().setInstances(cfg.instances()))
        .onSuccess(
            id ->
                log.info(
                    "hub {} listening on {}:{}{} ({} event loops)",
                    bridge.hubName(),
                    cfg.host(),
                    bridge.boundPort(),
                    cfg.tls().enabled() ? " with TLS" : "",
                    cfg.instances()));
  }

  /** The port the bridge listens on (useful when the conf said 0). */
  public int actualPort() {
    return bridge == null ? 0 : bridge.boundPort();
  }

  /** Connections open right now. */
  public int liveConnections() {
    return bridge == null ? 0 : bridge.liveConnections();
  }

  private static void listAgents(
      AgentRegistry registry, io.vertx.core.eventbus.Message<Object> msg) {
    registry
        .list()
        .onSuccess(
            agents -> {
              JsonArray list = new JsonArray();
              for (AgentRecord agent : agents) {
                list.add(agent.toJson());
              }
              msg.reply(new JsonObject().put("agents", list));
            })
        .onFailure(e -> msg.fail(500, "internal: " + e.getMessage()));
  }
}
