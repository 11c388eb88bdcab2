package io.dialback.hub;

import io.dialback.conf.ConfigException;
import io.dialback.conf.Settings;
import io.dialback.hub.bridge.Limits;
import io.dialback.hub.cluster.ClusterConfig;
import io.dialback.hub.gate.AddressPolicy;
import io.dialback.hub.gate.TokenGrant;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
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
    int reloadSeconds) {

  public static final String ENV_PREFIX = "DIALBACK_HUB_";
  public static final int DEFAULT_PORT = 7000;

  /** TLS on the bridge port: PEM certificate chain and private key. */
  public record TlsConfig(boolean enabled, String certPath, String keyPath) {
    static TlsConfig from(Settings s) {
      s.onlyKeys("enabled", "certPath", "keyPath");
      boolean enabled = s.bool("enabled", false);
      if (!enabled) {
        return new TlsConfig(false, null, null);
      }
      String cert = s.requiredString("certPath");
      String key = s.requiredString("keyPath");
      requireReadable(s, "certPath", cert);
      requireReadable(s, "keyPath", key);
      return new TlsConfig(true, cert, key);
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
        "reloadSeconds");
    String host = s.string("host", "127.0.0.1");
    int port = s.integer("port", DEFAULT_PORT, 0, 65535);
    String name = s.string("name", null);
    int instances =
        s.integer("instances", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 64);
    Settings auth = s.section("auth").onlyKeys("tokens");
    List<TokenGrant> tokens = new ArrayList<>();
    for (Settings grant : auth.objects("tokens")) {
      tokens.add(TokenGrant.from(grant));
    }
    if (tokens.isEmpty()) {
      throw s.fail("auth.tokens", "is empty: no one could log in; list at least one token");
    }
    AddressPolicy policy;
    JsonObject bridge = json.getJsonObject("bridge");
    try {
      policy = AddressPolicy.from(bridge);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ConfigException("bridge", e.getMessage());
    }
    return new HubConfig(
        host,
        port,
        name,
        instances,
        tokens,
        Limits.from(s.section("limits")),
        policy,
        TlsConfig.from(s.section("tls")),
        ClusterConfig.from(s.section("cluster"), false),
        s.integer("reloadSeconds", 5, 0, 3600));
  }

  /** Host, port, TLS and idle timeout of the bridge port as Vert.x options. */
  public NetServerOptions serverOptions() {
    NetServerOptions options =
        new NetServerOptions()
            .setHost(host)
            .setPort(port)
            .setTcpNoDelay(true)
            .setReuseAddress(true);
    if (limits.idleTimeoutMs() > 0) {
      options
          .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
          .setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE, limits.idleTimeoutMs()));
    }
    if (tls.enabled()) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
    }
    return options;
  }

  private static void requireReadable(Settings s, String key, String path) {
    if (!Files.isReadable(Path.of(path))) {
      throw s.fail(key, "cannot read " + path);
    }
  }
}
