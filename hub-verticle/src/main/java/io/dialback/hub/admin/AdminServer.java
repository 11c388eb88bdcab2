package io.dialback.hub.admin;

import com.hazelcast.core.HazelcastInstance;
import io.dialback.hub.bridge.BridgeContext;
import io.dialback.hub.hubs.HubDirectory;
import io.dialback.hub.registry.AgentRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's admin HTTP server, on its own port: Prometheus {@code /metrics}, {@code /health/live}
 * and {@code /health/ready}, and the bearer-token JSON API {@code /api/agents}, {@code
 * /api/connections}, {@code /api/hubs}. It only reads: nothing here changes the hub, and it never
 * speaks the bridge protocol.
 */
public final class AdminServer {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final long CLUSTER_CHECK_MS = 4_000;

  private final Vertx vertx;
  private final AdminConfig cfg;
  private final BridgeContext bridge;
  private final AgentRegistry registry;
  private final HubDirectory directory;
  private final HazelcastInstance hazelcast;
  private final PrometheusMeterRegistry meters;
  private final byte[] tokenDigest;
  private HttpServer server;

  /**
   * @param hazelcast the cluster, or null for a hub alone (readiness then has no cluster check)
   */
  public AdminServer(
      Vertx vertx,
      AdminConfig cfg,
      BridgeContext bridge,
      AgentRegistry registry,
      HubDirectory directory,
      HazelcastInstance hazelcast,
      PrometheusMeterRegistry meters) {
    this.vertx = Objects.requireNonNull(vertx, "vertx == null");
    this.cfg = Objects.requireNonNull(cfg, "cfg == null");
    this.bridge = Objects.requireNonNull(bridge, "bridge == null");
    this.registry = Objects.requireNonNull(registry, "registry == null");
    this.directory = Objects.requireNonNull(directory, "directory == null");
    this.hazelcast = hazelcast;
    this.meters = Objects.requireNonNull(meters, "meters == null");
    this.tokenDigest = cfg.token() == null ? null : sha256(cfg.token());
  }

  /** Listens; completes with the port. */
  public Future<Integer> start() {
    Router router = Router.router(vertx);
    if (cfg.protect().contains("metrics")) {
      router.get("/metrics").handler(this::authorize);
    }
    router.get("/metrics").handler(PrometheusScrapingHandler.create(meters));
    if (cfg.protect().contains("health")) {
      router.get("/health/*").handler(this::authorize);
    }
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness()));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness()));
    router.route("/api/*").handler(this::authorize);
    AdminApi api = new AdminApi(vertx, bridge, registry, directory);
    router.get("/api/agents").handler(api::agents);
    router.get("/api/connections").handler(api::connections);
    router.get("/api/hubs").handler(api::hubs);
    server =
        vertx.createHttpServer(
            new HttpServerOptions().setHost(cfg.host()).setPort(cfg.port()).setIdleTimeout(60));
    return server
        .requestHandler(router)
        .listen()
        .map(HttpServer::actualPort)
        .onSuccess(
            port ->
                log.info(
                    "admin listening on http://{}:{} (/metrics, /health/live, /health/ready,"
                        + " /api/agents, /api/connections, /api/hubs)",
                    cfg.host(),
                    port))
        .recover(
            e ->
                Future.failedFuture(
                    new io.dialback.conf.ConfigException(
                        "admin.port",
                        "cannot listen on "
                            + cfg.host()
                            + ":"
                            + cfg.port()
                            + ": "
                            + e.getMessage())));
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private HealthChecks liveness() {
    // Answering at all says the event loop runs; the JVM and Vert.x are up.
    return HealthChecks.create(vertx).register("hub", p -> p.complete(Status.OK()));
  }

  /**
   * Ready: the bridge port listens, logins are accepted (not draining), and when clustered the hub
   * is a member and the registry answers.
   */
  private HealthChecks readiness() {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register(
        "bridge",
        p ->
            p.complete(
                bridge.boundPort() > 0
                    ? Status.OK(new JsonObject().put("port", bridge.boundPort()))
                    : Status.KO(new JsonObject().put("reason", "the bridge port is not open"))));
    checks.register(
        "logins",
        p ->
            p.complete(
                bridge.draining()
                    ? Status.KO(
                        new JsonObject()
                            .put("reason", "draining: the hub is stopping and refuses logins"))
                    : Status.OK()));
    if (hazelcast != null) {
      checks.register("cluster", CLUSTER_CHECK_MS, p -> clusterCheck(p));
    }
    return checks;
  }

  private void clusterCheck(io.vertx.core.Promise<Status> p) {
    if (!hazelcast.getLifecycleService().isRunning()) {
      p.complete(Status.KO(new JsonObject().put("reason", "not in the cluster")));
      return;
    }
    int members = hazelcast.getCluster().getMembers().size();
    registry
        .size()
        .onSuccess(
            n -> p.complete(Status.OK(new JsonObject().put("members", members).put("agents", n))))
        .onFailure(
            e ->
                p.complete(
                    Status.KO(
                        new JsonObject()
                            .put("members", members)
                            .put(
                                "reason",
                                "the agent registry did not answer: " + e.getMessage()))));
  }

  /** Lets a request with the right bearer token on; answers 401 to any other. */
  private void authorize(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    boolean ok =
        tokenDigest != null
            && header != null
            && header.regionMatches(true, 0, "Bearer ", 0, 7)
            && MessageDigest.isEqual(tokenDigest, sha256(header.substring(7).trim()));
    if (ok) {
      ctx.next();
      return;
    }
    ctx.response()
        .setStatusCode(401)
        .putHeader("WWW-Authenticate", "Bearer realm=\"dialback-hub\"")
        .putHeader("Content-Type", "application/json")
        .end(
            new JsonObject()
                .put(
                    "error",
                    tokenDigest == null
                        ? "the hub's conf sets no admin.token, so the API is closed"
                        : "a bearer token (admin.token) is required")
                .encode());
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
