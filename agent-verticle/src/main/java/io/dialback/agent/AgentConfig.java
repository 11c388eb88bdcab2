package io.dialback.agent;

import io.dialback.agent.fs.FsSettings;
import io.dialback.agent.fs.UploadLimits;
import io.dialback.client.ClientOptions;
import io.dialback.client.ProxySettings;
import io.dialback.conf.ConfigException;
import io.dialback.conf.HubAddress;
import io.dialback.conf.Settings;
import io.dialback.tls.Fingerprints;
import io.dialback.wire.Wire;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything an agent reads from {@code conf/agent.json} and its environment overrides ({@code
 * DIALBACK_AGENT_*}), parsed and checked once.
 */
public record AgentConfig(
    String name,
    List<String> hubs,
    String token,
    Path root,
    FsSettings fs,
    TlsConfig tls,
    Duration pingInterval,
    Duration pingTimeout,
    Duration initialBackoff,
    Duration maxBackoff,
    JsonObject meta,
    List<ServiceSpec> services,
    ProxySettings proxy) {

  public static final String ENV_PREFIX = "DIALBACK_AGENT_";

  /**
   * TLS towards the hub: trust the JVM's CAs, the PEM certificate(s) at {@code trustCertPath}, or
   * exactly the certificate with fingerprint {@code pin}; present the client certificate at {@code
   * certPath}/{@code keyPath} when the hub asks for one (it is then the credential).
   */
  public record TlsConfig(
      boolean enabled,
      String trustCertPath,
      boolean verifyHost,
      String pin,
      String certPath,
      String keyPath) {
    static TlsConfig from(Settings s) {
      s.onlyKeys("enabled", "trustCertPath", "verifyHost", "pin", "certPath", "keyPath");
      boolean enabled = s.bool("enabled", false);
      String trust = readable(s, "trustCertPath");
      String pin = s.string("pin", null);
      if (pin != null) {
        try {
          pin = Fingerprints.normalise(pin);
        } catch (IllegalArgumentException e) {
          throw s.fail("pin", e.getMessage());
        }
      }
      String cert = readable(s, "certPath");
      String key = readable(s, "keyPath");
      if ((cert == null) != (key == null)) {
        throw s.fail(
            cert == null ? "certPath" : "keyPath", "give both certPath and keyPath, or neither");
      }
      return new TlsConfig(enabled, trust, s.bool("verifyHost", true), pin, cert, key);
    }

    private static String readable(Settings s, String key) {
      String path = s.string(key, null);
      if (path != null && !Files.isReadable(Path.of(path))) {
        throw s.fail(key, "cannot read " + path);
      }
      return path;
    }
  }

  /** Parses an agent conf; every mistake is a {@link ConfigException} that names its key. */
  public static AgentConfig from(JsonObject json, Map<String, String> env) {
    Settings s = Settings.of(json, env, ENV_PREFIX);
    s.onlyKeys(
        "name",
        "hubs",
        "token",
        "root",
        "writable",
        "chunkBytes",
        "tls",
        "pingIntervalMs",
        "pingTimeoutMs",
        "reconnect",
        "meta",
        "fs",
        "services",
        "proxy");
    String name = s.requiredString("name");
    if (!Wire.isValidAgentName(name)) {
      throw s.fail(
          "name",
          "\""
              + name
              + "\" is not a valid agent name (letters, digits, _ and -, at most 64, not starting with - or _)");
    }
    List<String> hubs = s.strings("hubs", List.of("127.0.0.1:7000"));
    if (hubs.isEmpty()) {
      throw s.fail("hubs", "is empty: list at least one hub as host:port or ws://host:port/path");
    }
    for (String hub : hubs) {
      try {
        HubAddress.parse(hub);
      } catch (IllegalArgumentException e) {
        throw s.fail("hubs", e.getMessage());
      }
    }
    TlsConfig tls = TlsConfig.from(s.section("tls"));
    // With a client certificate, the certificate is the credential and a token is optional.
    String token = tls.certPath() != null ? s.string("token", null) : s.requiredString("token");
    String rootName = s.requiredString("root");
    Path root = Path.of(rootName);
    if (!Files.isDirectory(root)) {
      throw s.fail("root", "is not a directory: " + root.toAbsolutePath());
    }
    boolean writable = s.bool("writable", false);
    Settings fs =
        s.section("fs")
            .onlyKeys(
                "workers",
                "maxQueued",
                "uploadIdleMs",
                "maxListEntries",
                "watch",
                "maxWatchedDirs",
                "maxUploads",
                "maxUploadsPerCaller",
                "maxUploadBytes",
                "uploadMinBytesPerSecond",
                "uploadRateWindowMs");
    FsSettings d = FsSettings.defaults(writable);
    UploadLimits du = d.uploads();
    int maxUploads = fs.integer("maxUploads", du.maxUploads(), 1, 100_000);
    UploadLimits uploads =
        new UploadLimits(
            maxUploads,
            fs.integer(
                "maxUploadsPerCaller", Math.min(du.maxPerCaller(), maxUploads), 1, maxUploads),
            fs.longValue("maxUploadBytes", du.maxBytes(), 0, Long.MAX_VALUE),
            fs.longValue("uploadMinBytesPerSecond", du.minBytesPerSecond(), 0, 1L << 40),
            fs.longValue("uploadRateWindowMs", du.rateWindowMs(), 100, 86_400_000));
    FsSettings fsSettings =
        new FsSettings(
            writable,
            s.integer("chunkBytes", d.chunkBytes(), 1024, 8 * 1024 * 1024),
            fs.integer("workers", d.workers(), 1, 64),
            fs.integer("maxQueued", d.maxQueued(), 0, 100_000),
            fs.longValue("uploadIdleMs", d.uploadIdleMs(), 100, 86_400_000),
            fs.integer("maxListEntries", d.maxListEntries(), 1, 100_000),
            fs.bool("watch", d.watch()),
            fs.integer("maxWatchedDirs", d.maxWatchedDirs(), 1, 1_000_000),
            uploads);
    Settings reconnect = s.section("reconnect").onlyKeys("initialDelayMs", "maxDelayMs");
    long initial = reconnect.longValue("initialDelayMs", 200, 1, 3_600_000);
    long max = reconnect.longValue("maxDelayMs", 10_000, initial, 3_600_000);
    long pingInterval = s.longValue("pingIntervalMs", 5_000, 10, 3_600_000);
    long pingTimeout = s.longValue("pingTimeoutMs", 15_000, pingInterval + 1, 3_600_000);
    JsonObject meta = s.section("meta").json(); // free-form: no environment override
    List<ServiceSpec> services = new java.util.ArrayList<>();
    for (Settings service : s.objects("services")) {
      ServiceSpec spec = ServiceSpec.from(service);
      if (services.stream().anyMatch(other -> other.name().equals(spec.name()))) {
        throw service.fail("name", "service " + spec.name() + " is listed twice");
      }
      services.add(spec);
    }
    ProxySettings proxy = ProxySettings.from(s.section("proxy"), env);
    s.rejectUnknownEnvironment(); // a misspelt DIALBACK_AGENT_* must not be ignored silently
    return new AgentConfig(
        name,
        hubs,
        token,
        root,
        fsSettings,
        tls,
        Duration.ofMillis(pingInterval),
        Duration.ofMillis(pingTimeout),
        Duration.ofMillis(initial),
        Duration.ofMillis(max),
        meta,
        List.copyOf(services),
        proxy);
  }

  /** The bridge client options this agent dials with. */
  public ClientOptions clientOptions(JsonObject loginMeta) {
    NetClientOptions net = new NetClientOptions().setConnectTimeout(5_000).setTcpNoDelay(true);
    if (tls.enabled()) {
      net.setSsl(true).setHostnameVerificationAlgorithm(tls.verifyHost() ? "HTTPS" : "");
      if (tls.trustCertPath() != null) {
        net.setTrustOptions(new PemTrustOptions().addCertPath(tls.trustCertPath()));
      }
      if (tls.certPath() != null) {
        net.setKeyCertOptions(
            new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
      }
    }
    ClientOptions.Builder builder =
        ClientOptions.builder()
            .hubs(hubs)
            .name(name)
            .meta(loginMeta)
            .net(net)
            .pingInterval(pingInterval)
            .pingTimeout(pingTimeout)
            .backoff(initialBackoff, maxBackoff, 0.25)
            .proxy(proxy);
    if (token != null) {
      builder.token(token);
    }
    if (tls.enabled() && tls.pin() != null) {
      builder.pin(tls.pin());
    }
    return builder.build();
  }

  /** Fails with the conf key a refused login points at. */
  static ConfigException refusal(int failureCode, String message) {
    String key = failureCode == 403 ? "name" : "token";
    return new ConfigException(key, "the hub refused the login: " + message);
  }
}
