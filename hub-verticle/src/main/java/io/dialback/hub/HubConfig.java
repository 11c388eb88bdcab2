package io.dialback.hub;

import io.dialback.conf.ConfigException;
import io.dialback.conf.Settings;
import io.dialback.hub.admin.AdminConfig;
import io.dialback.hub.bridge.Limits;
import io.dialback.hub.cluster.ClusterConfig;
import io.dialback.hub.gate.AddressPolicy;
import io.dialback.hub.gate.TokenGrant;
import io.dialback.hub.tls.SelfSigned;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a hub reads from {@code conf/hub.json} and its environment overrides ({@code
 * DIALBACK_HUB_*}), parsed and checked once.
 *
 * @param name how the hub names itself; {@code null} means {@code host:port}
 * @param instances event loops serving the bridge port
 */
public record HubConfig(
    String host,
    int port,
    String name,
    int instances,
    List<TokenGrant> tokens,
    Limits limits,
    AddressPolicy policy,
    TlsConfig tls,
    ClusterConfig cluster,
    int reloadSeconds,
    HttpConfig http,
    AdminConfig admin) {
  /**
   * Event loops for the bridge port when the conf names none: one per four cores, at least one. A
   * call between two connections on different loops hands over between threads twice, waking the
   * other loop each time; on two cores one loop carried more calls per second than two for client →
   * hub → agent (160–213k against 105–164k at 64 in flight) and answered one call sooner (p50
   * 99–104 µs against 127–155), measured in docs/performance.md. A large hub still spreads over
   * cores.
   */
  public static int defaultInstances(int cores) {
    return Math.max(1, cores / 4);
  }

  public static final String ENV_PREFIX = "DIALBACK_HUB_";
  public static final int DEFAULT_PORT = 7000;

  /**
   * TLS on the bridge port.
   *
   * @param certPath PEM certificate chain; with {@code keyPath}. Both absent: a self-signed
   *     certificate is made in (and reused from) {@code dir}
   * @param names extra host names or IP addresses the self-signed certificate is for
   * @param clientAuth {@code none}, {@code request} (a client certificate, if sent, must verify and
   *     names the agent) or {@code required}
   * @param clientCaPath PEM certificate(s) of the CA that signs agents' client certificates
   */
  public record TlsConfig(
      boolean enabled,
      String certPath,
      String keyPath,
      String dir,
      List<String> names,
      ClientAuth clientAuth,
      String clientCaPath) {
    static TlsConfig from(Settings s) {
      s.onlyKeys("enabled", "certPath", "keyPath", "dir", "names", "clientAuth", "clientCaPath");
      boolean enabled = s.bool("enabled", false);
      String cert = s.string("certPath", null);
      String key = s.string("keyPath", null);
      if ((cert == null) != (key == null)) {
        throw s.fail(
            cert == null ? "certPath" : "keyPath",
            "give both certPath and keyPath, or neither (a self-signed certificate is made)");
      }
      if (enabled && cert != null) {
        requireReadable(s, "certPath", cert);
        requireReadable(s, "keyPath", key);
      }
      String auth = s.string("clientAuth", "none");
      ClientAuth clientAuth;
      switch (auth) {
        case "none":
          clientAuth = ClientAuth.NONE;
          break;
        case "request":
          clientAuth = ClientAuth.REQUEST;
          break;
        case "required":
          clientAuth = ClientAuth.REQUIRED;
          break;
        default:
          throw s.fail("clientAuth", "must be none, request or required, got \"" + auth + "\"");
      }
      String clientCa = s.string("clientCaPath", null);
      if (enabled && clientAuth != ClientAuth.NONE) {
        if (clientCa == null) {
          throw s.fail("clientCaPath", "is required with clientAuth " + auth);
        }
        requireReadable(s, "clientCaPath", clientCa);
      }
      return new TlsConfig(
          enabled,
          cert,
          key,
          s.string("dir", "dialback-tls"),
          s.strings("names", List.of()),
          clientAuth,
          clientCa);
    }

    /** Whether the hub makes (or reuses) its own certificate. */
    public boolean selfSigned() {
      return enabled && certPath == null;
    }
  }

  /** Parses a hub conf; every mistake is a {@link ConfigException} that names its key. */
  public static HubConfig from(JsonObject json, Map<String, String> env) {
    Settings s = Settings.of(json, env, ENV_PREFIX);
    s.onlyKeys(
        "host",
        "port",
        "name",
        "instances",
        "auth",
        "limits",
        "bridge",
        "tls",
        "cluster",
        "reloadSeconds",
        "http",
        "admin");
    String host = s.string("host", "127.0.0.1");
    int port = s.integer("port", DEFAULT_PORT, 0, 65535);
    String name = s.string("name", null);
    int instances =
        s.integer("instances", defaultInstances(Runtime.getRuntime().availableProcessors()), 1, 64);
    Settings auth = s.section("auth").onlyKeys("tokens");
    List<TokenGrant> tokens = new ArrayList<>();
    for (Settings grant : auth.objects("tokens")) {
      tokens.add(TokenGrant.from(grant));
    }
    if (tokens.isEmpty()) {
      throw s.fail("auth.tokens", "is empty: no one could log in; list at least one token");
    }
    checkIdentitiesUnique(s, tokens);
    AddressPolicy policy;
    JsonObject bridge = json.getJsonObject("bridge");
    try {
      policy = AddressPolicy.from(bridge);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ConfigException("bridge", e.getMessage());
    }
    TlsConfig tls = TlsConfig.from(s.section("tls"));
    HubConfig cfg =
        new HubConfig(
            host,
            port,
            name,
            instances,
            tokens,
            Limits.from(s.section("limits")),
            policy,
            tls,
            ClusterConfig.from(s.section("cluster"), false),
            s.integer("reloadSeconds", 5, 0, 3600),
            HttpConfig.from(s, host, tls),
            AdminConfig.from(s.section("admin"), json.containsKey("admin")));
    checkLinkPort(s, cfg);
    s.rejectUnknownEnvironment(); // a misspelt DIALBACK_HUB_* must not be ignored silently
    return cfg;
  }

  /**
   * A fixed {@code cluster.linkPort} must be a port of its own: Vert.x would share one socket
   * between the hub links and the bridge or http port, and hand unauthenticated links to peers.
   */
  private static void checkLinkPort(Settings s, HubConfig cfg) {
    int link = cfg.cluster().linkPort();
    if (!cfg.cluster().enabled() || link <= 0) {
      return;
    }
    String clash =
        link == cfg.port()
            ? "port"
            : cfg.http().enabled() && link == cfg.http().port()
                ? "http.port"
                : link == cfg.cluster().port()
                    ? "cluster.port"
                    : link == cfg.cluster().eventBusPort() ? "cluster.eventBusPort" : null;
    if (clash != null) {
      throw s.fail(
          "cluster.linkPort",
          link + " is also " + clash + ": give the hub links a port of their own");
    }
  }

  /**
   * A client's identity is its token's {@code id}, an agent's its name: what a service sees in
   * {@code dialback.from} must name one holder. Two client tokens with one id (also when both left
   * it out), or a client id that is an agent's name, are refused — ignoring case, which a reader of
   * logs would not see either.
   */
  private static void checkIdentitiesUnique(Settings s, List<TokenGrant> tokens) {
    Map<String, Integer> clients = new java.util.HashMap<>();
    Map<String, Integer> agentNames = new java.util.HashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      TokenGrant t = tokens.get(i);
      if (t.role() == io.dialback.hub.gate.Role.AGENT) {
        for (String name : t.names()) {
          agentNames.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), i);
        }
      }
    }
    for (int i = 0; i < tokens.size(); i++) {
      TokenGrant t = tokens.get(i);
      if (t.role() != io.dialback.hub.gate.Role.CLIENT) {
        continue;
      }
      String key = t.id().toLowerCase(java.util.Locale.ROOT);
      Integer other = clients.putIfAbsent(key, i);
      if (other != null) {
        throw s.fail(
            "auth.tokens",
            "entries "
                + other
                + " and "
                + i
                + " are client tokens with the same id \""
                + t.id()
                + "\" (a missing id is \"client\"): give each its own id, the identity services"
                + " see as the caller");
      }
      Integer agent = agentNames.get(key);
      for (int j = 0; agent == null && j < tokens.size(); j++) {
        for (String entry : tokens.get(j).names()) {
          if (TokenGrant.isPattern(entry)
              && key.length() >= entry.length()
              && key.startsWith(TokenGrant.prefixOf(entry).toLowerCase(java.util.Locale.ROOT))) {
            agent = j;
          }
        }
      }
      if (agent != null) {
        throw s.fail(
            "auth.tokens",
            "entry "
                + i
                + " is a client token with id \""
                + t.id()
                + "\", which entry "
                + agent
                + " lets an agent bind as its name: callers would be taken for that agent; rename"
                + " the id");
      }
    }
  }

  /**
   * Host, port, TLS and idle timeout of the bridge port as Vert.x options; {@code selfSigned} is
   * the hub's own certificate when the conf names none.
   */
  public NetServerOptions serverOptions(SelfSigned selfSigned) {
    return configure(new NetServerOptions().setHost(host).setPort(port), tls, selfSigned);
  }

  /**
   * The {@code http} port as Vert.x options: its host, port and TLS, the bridge's idle timeout,
   * WebSocket frames of at most {@link Limits#SMALL_FRAME_BYTES} (a larger message arrives in
   * several frames, so nothing larger is buffered before the frame-buffer budget is asked) and no
   * WebSocket compression (a compressed frame could inflate past every bound).
   */
  public HttpServerOptions httpOptions(SelfSigned selfSigned) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(http.host())
            .setPort(http.port())
            .setMaxWebSocketFrameSize(Limits.SMALL_FRAME_BYTES)
            .setMaxWebSocketMessageSize(Limits.SMALL_FRAME_BYTES)
            .setPerFrameWebSocketCompressionSupported(false)
            .setPerMessageWebSocketCompressionSupported(false)
            .setCompressionSupported(false)
            .setDecompressionSupported(false)
            .setWebSocketClosingTimeout(2)
            .setMaxFormAttributeSize(8192)
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(16384);
    return (HttpServerOptions) configure(options, http.tls(), selfSigned);
  }

  private NetServerOptions configure(
      NetServerOptions options, TlsConfig tls, SelfSigned selfSigned) {
    options.setTcpNoDelay(true).setReuseAddress(true);
    if (limits.idleTimeoutMs() > 0) {
      options
          .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
          .setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE, limits.idleTimeoutMs()));
    }
    if (tls.enabled()) {
      options.setSsl(true);
      if (tls.selfSigned()) {
        options.setKeyCertOptions(
            new PfxOptions()
                .setPath(selfSigned.keyStore().toString())
                .setPassword(selfSigned.password()));
      } else {
        options.setKeyCertOptions(
            new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
      }
      if (tls.clientAuth() != ClientAuth.NONE) {
        options
            .setClientAuth(tls.clientAuth())
            .setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCaPath()));
      }
    }
    return options;
  }

  private static void requireReadable(Settings s, String key, String path) {
    if (!Files.isReadable(Path.of(path))) {
      throw s.fail(key, "cannot read " + path);
    }
  }
}
