package io.dialback.hub;

import com.hazelcast.core.HazelcastInstance;
import io.dialback.conf.ConfigException;
import io.dialback.hub.admin.HubOps;
import io.dialback.hub.bridge.BridgeContext;
import io.dialback.hub.bridge.BridgeVerticle;
import io.dialback.hub.bridge.HubLinks;
import io.dialback.hub.cluster.ClusterConfig;
import io.dialback.hub.cluster.LinkDirectory;
import io.dialback.hub.gate.Gate;
import io.dialback.hub.registry.AgentRecord;
import io.dialback.hub.registry.AgentRegistry;
import io.dialback.hub.registry.ClusteredAgentRegistry;
import io.dialback.hub.registry.LocalAgentRegistry;
import io.dialback.hub.stats.HubStats;
import io.dialback.hub.tls.SelfSigned;
import io.dialback.hub.web.WebOptions;
import io.dialback.hub.web.WebVerticle;
import io.dialback.wire.RawJsonCodec;
import io.dialback.wire.Wire;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub: serves the bridge protocol on its bridge port (and, with an {@code http} section, over
 * WebSocket on its {@code http} port beside the web console), keeps the registry of connected
 * agents and answers the {@code hub.*} addresses.
 *
 * <p>Deploy it from any Vert.x application with the conf as the deployment's config:
 *
 * <pre>{@code
 * vertx.deployVerticle(new HubVerticle(), new DeploymentOptions().setConfig(hubJson));
 * }</pre>
 *
 * <p>On a clustered Vert.x (see {@code HubCluster}), give it the {@code HazelcastClusterManager} so
 * that its registry is cluster-wide: {@code new HubVerticle(System.getenv(), () -> manager)}.
 */
public final class HubVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(HubVerticle.class);

  private final Map<String, String> env;
  private final Supplier<ClusterManager> clusterManager;
  private final Path confFile;
  private ConfigRetriever watcher;
  private JsonObject appliedAuth;
  private BridgeContext bridge;
  private AgentRegistry registry;
  private HubStats stats;
  private final AtomicInteger httpPort = new AtomicInteger();
  private HubOps ops;

  /** A hub whose conf may be overridden by {@code DIALBACK_HUB_*} environment variables. */
  public HubVerticle() {
    this(System.getenv());
  }

  /** A hub that takes overrides from {@code env} instead of the process environment. */
  public HubVerticle(Map<String, String> env) {
    this(env, () -> null);
  }

  /** A hub on a clustered Vert.x whose cluster manager {@code clusterManager} supplies. */
  public HubVerticle(Map<String, String> env, Supplier<ClusterManager> clusterManager) {
    this(env, clusterManager, null);
  }

  /**
   * A hub that also watches {@code confFile} (its conf, as loaded) and takes changed {@code
   * auth.tokens} without a restart, every {@code reloadSeconds}.
   */
  public HubVerticle(
      Map<String, String> env, Supplier<ClusterManager> clusterManager, Path confFile) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env == null"));
    this.clusterManager = Objects.requireNonNull(clusterManager, "clusterManager == null");
    this.confFile = confFile;
  }

  @Override
  public Future<?> start() {
    HubConfig cfg = HubConfig.from(config(), env);
    RawJsonCodec.install(vertx.eventBus()); // bodies bridge connections pass on undecoded
    appliedAuth = config().getJsonObject("auth", new JsonObject());
    return startRegistry(cfg)
        .compose(
            r -> {
              registry = r;
              ops = new HubOps(vertx, cfg.admin(), hazelcast());
              bridge =
                  new BridgeContext(
                      vertx,
                      cfg.name(),
                      cfg.host(),
                      new Gate(cfg.tokens()),
                      cfg.policy(),
                      registry,
                      cfg.limits(),
                      ops.metrics());
              bridge.links(links(cfg));
              vertx.eventBus().consumer(Wire.HUB_AGENTS_LIST, this::listAgents);
              // Calls waiting on an agent fail as soon as any hub announces it left.
              vertx.eventBus().<JsonObject>consumer(Wire.HUB_AGENTS_EVENTS, this::onAgentEvent);
              return prepareTls(cfg.tls(), cfg.host())
                  .compose(
                      selfSigned ->
                          vertx.deployVerticle(
                              () -> new BridgeVerticle(bridge, cfg.serverOptions(selfSigned)),
                              new DeploymentOptions().setInstances(cfg.instances())))
                  .compose(id -> startHttp(cfg));
            })
        .compose(id -> ops.start(bridge, registry, cfg.host()))
        .onSuccess(
            id -> {
              stats = new HubStats(vertx, bridge, registry); // once the hub knows its name
              stats.start();
              logReady(cfg);
              watchConf(cfg);
              // Tokens can expire while their connections are open.
              vertx.setPeriodic(60_000, t -> bridge.revalidate());
            });
  }

  /**
   * Re-reads the conf file when it changes and applies its tokens; a broken edit is logged and
   * ignored.
   */
  private void watchConf(HubConfig cfg) {
    if (confFile == null || cfg.reloadSeconds() == 0) {
      return;
    }
    watcher =
        ConfigRetriever.create(
            vertx,
            new ConfigRetrieverOptions()
                .setIncludeDefaultStores(false)
                .setScanPeriod(cfg.reloadSeconds() * 1000L)
                .addStore(
                    new ConfigStoreOptions()
                        .setType("file")
                        .setFormat("json")
                        .setConfig(
                            new JsonObject().put("path", confFile.toAbsolutePath().toString()))));
    watcher.listen(
        change -> {
          JsonObject auth = change.getNewConfiguration().getJsonObject("auth", new JsonObject());
          if (auth.equals(appliedAuth)) {
            return; // e.g. the watcher's first read of an unchanged file
          }
          try {
            HubConfig next = HubConfig.from(change.getNewConfiguration(), env);
            appliedAuth = auth;
            bridge.gate(new Gate(next.tokens()));
            log.info("reloaded {}: {} tokens", confFile, next.tokens().size());
          } catch (RuntimeException e) {
            log.error("ignored a change to {}: {}", confFile, e.getMessage());
          }
        });
  }

  /** The {@code http} port (bridge over WebSocket, web console), when the conf has one. */
  private Future<?> startHttp(HubConfig cfg) {
    HttpConfig http = cfg.http();
    if (!http.enabled()) {
      return Future.succeededFuture();
    }
    WebOptions web = new WebOptions(http.path(), http.allowedOrigins(), http.console());
    return prepareTls(http.tls(), http.host())
        .compose(
            selfSigned ->
                vertx.deployVerticle(
                    () -> new WebVerticle(bridge, cfg.httpOptions(selfSigned), web, httpPort),
                    new DeploymentOptions().setInstances(cfg.instances())));
  }

  @Override
  public Future<?> stop() {
    if (watcher != null) {
      watcher.close();
    }
    if (stats != null) {
      stats.stop();
    }
    Future<Void> opsClosed = ops == null ? Future.succeededFuture() : ops.close();
    return opsClosed.compose(v -> registry == null ? Future.succeededFuture() : registry.close());
  }

  /** The port of the admin server, once it listens (0 when the conf has no admin port). */
  public int adminPort() {
    return ops == null ? 0 : ops.adminPort();
  }

  /** The hub links of a clustered hub (unless {@code cluster.linkPort} is -1), or null. */
  private HubLinks links(HubConfig cfg) {
    ClusterConfig cluster = cfg.cluster();
    if (!vertx.isClustered()
        || !cluster.links()
        || !(clusterManager.get() instanceof LinkDirectory directory)) {
      return null;
    }
    return new HubLinks(
        bridge,
        directory,
        cluster
            .tls()
            .apply(new NetServerOptions().setHost(cluster.host()).setPort(cluster.linkPort())),
        cluster.tls().apply(new NetClientOptions()));
  }

  /** The cluster this hub's Vert.x is in, or null. */
  private HazelcastInstance hazelcast() {
    return vertx.isClustered()
        ? ((HazelcastClusterManager) clusterManager.get()).getHazelcastInstance()
        : null;
  }

  /** The port the bridge listens on (useful when the conf said 0). */
  public int actualPort() {
    return bridge == null ? 0 : bridge.boundPort();
  }

  /** The port of the bridge over WebSocket and the web console, or 0 when the hub has none. */
  public int httpPort() {
    return httpPort.get();
  }

  /** This hub's connections (hub links included) as the admin API shows them. */
  public List<io.dialback.hub.bridge.ConnectionInfo> connections() {
    return bridge == null ? List.of() : bridge.connections();
  }

  /** Connections open right now. */
  public int liveConnections() {
    return bridge == null ? 0 : bridge.liveConnections();
  }

  /** Addresses registered by this hub's connections right now. */
  public int registrations() {
    return bridge == null ? 0 : bridge.registrations();
  }

  private Future<AgentRegistry> startRegistry(HubConfig cfg) {
    if (!vertx.isClustered()) {
      if (cfg.cluster().enabled()) {
        throw new ConfigException("cluster.enabled", "is true but this Vert.x is not clustered");
      }
      return Future.succeededFuture(new LocalAgentRegistry(vertx.eventBus()));
    }
    ClusterManager manager = clusterManager.get();
    if (!(manager instanceof HazelcastClusterManager)) {
      throw new IllegalStateException(
          "a clustered hub needs its HazelcastClusterManager: new HubVerticle(env, () -> manager)");
    }
    HazelcastInstance hazelcast = ((HazelcastClusterManager) manager).getHazelcastInstance();
    ClusteredAgentRegistry clustered =
        new ClusteredAgentRegistry(vertx, hazelcast, cfg.cluster().leaseSeconds() * 1000L);
    return clustered.start().map(v -> clustered);
  }

  /** The hub's own certificate, made on first use, when TLS is on and the conf names none. */
  private Future<SelfSigned> prepareTls(HubConfig.TlsConfig tls, String host) {
    if (!tls.selfSigned()) {
      return Future.succeededFuture(null);
    }
    List<String> names = new ArrayList<>(tls.names());
    names.add(0, host);
    return vertx
        .executeBlocking(() -> SelfSigned.in(Path.of(tls.dir()), names), false)
        .onSuccess(
            cert ->
                log.info(
                    "TLS: {} self-signed certificate {}; SHA-256 fingerprint {} (agents pin it with tls.pin, or trust {})",
                    cert.generated() ? "made a" : "using the",
                    cert.keyStore(),
                    cert.fingerprint(),
                    cert.certificate()))
        .recover(
            e ->
                Future.failedFuture(
                    new ConfigException(
                        "tls.dir", "cannot make a certificate: " + e.getMessage())));
  }

  private void logReady(HubConfig cfg) {
    String tls = cfg.tls().enabled() ? " with TLS" : "";
    if (cfg.http().enabled()) {
      String scheme = cfg.http().tls().enabled() ? "https" : "http";
      log.info(
          "hub {}: bridge over WebSocket at {}://{}:{}{}{}",
          bridge.hubName(),
          scheme.equals("https") ? "wss" : "ws",
          cfg.http().host(),
          httpPort.get(),
          cfg.http().path(),
          cfg.http().console()
              ? ", web console at "
                  + scheme
                  + "://"
                  + cfg.http().host()
                  + ":"
                  + httpPort.get()
                  + "/"
              : "");
    }
    if (vertx.isClustered()) {
      HazelcastInstance hz =
          ((HazelcastClusterManager) clusterManager.get()).getHazelcastInstance();
      log.info(
          "hub {} ready: listening on {}:{}{}, in cluster '{}' of {} hubs (cluster address {}:{}{})",
          bridge.hubName(),
          cfg.host(),
          bridge.boundPort(),
          tls,
          cfg.cluster().name(),
          hz.getCluster().getMembers().size(),
          cfg.cluster().host(),
          cfg.cluster().port(),
          cfg.cluster().tls().enabled() ? "; event bus TLS, client certificates required" : "");
    } else {
      log.info(
          "hub {} ready: listening on {}:{}{} ({} event loop{})",
          bridge.hubName(),
          cfg.host(),
          bridge.boundPort(),
          tls,
          cfg.instances(),
          cfg.instances() == 1 ? "" : "s");
    }
  }

  private void onAgentEvent(Message<JsonObject> event) {
    JsonObject body = event.body();
    if (Wire.EVENT_LEFT.equals(body.getString("event"))) {
      bridge.agentLeft(body.getString("name"), body.getString("hub"));
    }
  }

  private void listAgents(Message<Object> msg) {
    registry
        .list()
        // Built on a worker: with 10,000 agents, listings were 42 % of an event loop's samples
        // during a storm (JFR), and every connection on that loop waited meanwhile.
        .compose(agents -> vertx.executeBlocking(() -> listBody(agents), false))
        .onSuccess(msg::reply)
        .onFailure(
            e ->
                msg.fail(503, "unavailable: the agent registry did not answer: " + e.getMessage()));
  }

  private static JsonObject listBody(List<AgentRecord> agents) {
    JsonArray list = new JsonArray();
    for (AgentRecord agent : agents) {
      list.add(agent.toJson());
    }
    return new JsonObject().put("agents", list);
  }
}
