package io.dialback.client;

import io.dialback.conf.HostPort;
import io.dialback.tls.Fingerprints;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.TrustOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** How a {@link BridgeClient} reaches and logs in to its hubs. Build with {@link #builder()}. */
public final class ClientOptions {
  private final List<HostAndPort> hubs;
  private final String token;
  private final String name;
  private final JsonObject meta;
  private final NetClientOptions net;
  private final Duration pingInterval;
  private final Duration pingTimeout;
  private final Duration requestTimeout;
  private final Backoff backoff;
  private final int maxConnectAttempts;
  private final int maxFrameBytes;
  private final long maxQueuedBytes;
  private final boolean binary;

  private ClientOptions(Builder b) {
    this.hubs = List.copyOf(b.hubs);
    this.token = b.token;
    this.name = b.name;
    this.meta = b.meta == null ? new JsonObject() : b.meta.copy();
    this.net = new NetClientOptions(b.net);
    this.pingInterval = b.pingInterval;
    this.pingTimeout = b.pingTimeout;
    this.requestTimeout = b.requestTimeout;
    this.backoff = new Backoff(b.initialBackoff, b.maxBackoff, b.jitter);
    this.maxConnectAttempts = b.maxConnectAttempts;
    this.maxFrameBytes = b.maxFrameBytes;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.binary = b.binary;
  }

  /** Whether to ask hubs for the binary extension (raw bytes for binary data, no base64). */
  public boolean binary() {
    return binary;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<HostAndPort> hubs() {
    return hubs;
  }

  /** The token, or {@code null} when a client certificate is the credential. */
  public String token() {
    return token;
  }

  /** The agent name to bind, or {@code null} for a plain client. */
  public String name() {
    return name;
  }

  public JsonObject meta() {
    return meta.copy();
  }

  /** A copy of the socket options (TLS, timeouts) used for every dial. */
  public NetClientOptions net() {
    return new NetClientOptions(net);
  }

  /** {@link #net()}, with the hub's certificate checked against its host name over TLS. */
  NetClientOptions verifiedNet() {
    NetClientOptions verified = new NetClientOptions(net);
    if (verified.isSsl() && verified.getHostnameVerificationAlgorithm() == null) {
      // Verify the hub's certificate against its host name unless told otherwise ("" disables).
      verified.setHostnameVerificationAlgorithm("HTTPS");
    }
    return verified;
  }

  public Duration pingInterval() {
    return pingInterval;
  }

  public Duration pingTimeout() {
    return pingTimeout;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Backoff backoff() {
    return backoff;
  }

  /** The body of this client's {@code hub.login}: token, name, meta, and the binary request. */
  JsonObject loginBody() {
    JsonObject body = new JsonObject();
    if (token != null && !token.isEmpty()) {
      body.put(io.dialback.wire.Wire.LOGIN_TOKEN, token);
    }
    if (name != null) {
      body.put(io.dialback.wire.Wire.LOGIN_NAME, name);
    }
    if (!meta.isEmpty()) {
      body.put(io.dialback.wire.Wire.LOGIN_META, meta);
    }
    if (binary) {
      body.put(io.dialback.wire.Wire.LOGIN_BINARY, true);
    }
    return body;
  }

  /** Dial attempts in a row before giving up; {@code -1} means forever. */
  public int maxConnectAttempts() {
    return maxConnectAttempts;
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /**
   * Bytes queued towards the hub at most; above half of it the client takes no more deliveries and
   * refuses new requests (429) until the hub catches up; past it, it drops the connection.
   */
  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /** Builds {@link ClientOptions}; every setter checks its argument and names it when wrong. */
  public static final class Builder {
    private final List<HostAndPort> hubs = new ArrayList<>();
    private String token;
    private String name;
    private JsonObject meta;
    private NetClientOptions net =
        new NetClientOptions().setConnectTimeout(5_000).setTcpNoDelay(true);
    private Duration pingInterval = Duration.ofSeconds(5);
    private Duration pingTimeout = Duration.ofSeconds(15);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private double jitter = 0.25;
    private int maxConnectAttempts = -1;
    private int maxFrameBytes = io.dialback.wire.Wire.DEFAULT_MAX_FRAME_BYTES;
    private long maxQueuedBytes = 64L * 1024 * 1024;
    private boolean binary = true;

    private Builder() {}

    /** Adds a hub; hubs are tried in the order added, and the client fails over along them. */
    public Builder hub(String host, int port) {
      Objects.requireNonNull(host, "host == null");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535: " + port);
      }
      hubs.add(HostAndPort.create(host, port));
      return this;
    }

    /** Adds hubs written as {@code host:port}. */
    public Builder hubs(List<String> hostPorts) {
      Objects.requireNonNull(hostPorts, "hostPorts == null");
      for (String hostPort : hostPorts) {
        HostAndPort parsed = HostPort.parse(hostPort);
        hub(parsed.host(), parsed.port());
      }
      return this;
    }

    public Builder token(String token) {
      this.token = Objects.requireNonNull(token, "token == null");
      return this;
    }

    /** The agent name to bind at login; leave unset for a client that binds none. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** What to tell the hub about this peer at login (shown in {@code hub.agents.list}). */
    public Builder meta(JsonObject meta) {
      this.meta = Objects.requireNonNull(meta, "meta == null");
      return this;
    }

    /**
     * Trust exactly the hub certificate with this SHA-256 fingerprint (as a hub prints for its
     * self-signed certificate), over TLS. The pin is the whole check: host names are not.
     */
    public Builder pin(String sha256Fingerprint) {
      String pin =
          Fingerprints.normalise(
              Objects.requireNonNull(sha256Fingerprint, "sha256Fingerprint == null"));
      this.net =
          new NetClientOptions(net)
              .setSsl(true)
              .setTrustOptions(TrustOptions.wrap(Fingerprints.pinning(pin)))
              .setHostnameVerificationAlgorithm("");
      return this;
    }

    /** Socket options for every dial: TLS ({@code setSsl}, trust options), timeouts. */
    public Builder net(NetClientOptions net) {
      this.net = new NetClientOptions(Objects.requireNonNull(net, "net == null"));
      return this;
    }

    /** How often to ping while connected. */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = positive(interval, "pingInterval");
      return this;
    }

    /** Silence from the hub after which the connection counts as dead and is dropped. */
    public Builder pingTimeout(Duration timeout) {
      this.pingTimeout = positive(timeout, "pingTimeout");
      return this;
    }

    /** Timeout of requests that set none. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** Reconnect backoff: first delay, cap, and jitter fraction (0..1). */
    public Builder backoff(Duration initial, Duration max, double jitter) {
      this.initialBackoff = positive(initial, "initial");
      this.maxBackoff = positive(max, "max");
      this.jitter = jitter;
      return this;
    }

    /** Dial attempts in a row before {@link BridgeClient#connect()} fails; -1 for forever. */
    public Builder maxConnectAttempts(int attempts) {
      if (attempts == 0 || attempts < -1) {
        throw new IllegalArgumentException(
            "maxConnectAttempts must be -1 or positive: " + attempts);
      }
      this.maxConnectAttempts = attempts;
      return this;
    }

    /** Ask hubs for binary-extension frames (default: yes; a hub that has none says so). */
    public Builder binary(boolean binary) {
      this.binary = binary;
      return this;
    }

    public Builder maxFrameBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxFrameBytes must be at least 1024: " + bytes);
      }
      this.maxFrameBytes = bytes;
      return this;
    }

    public Builder maxQueuedBytes(long bytes) {
      if (bytes < 1024 * 1024) {
        throw new IllegalArgumentException("maxQueuedBytes must be at least 1 MiB: " + bytes);
      }
      this.maxQueuedBytes = bytes;
      return this;
    }

    public ClientOptions build() {
      if (hubs.isEmpty()) {
        throw new IllegalStateException("hubs is empty: add at least one hub");
      }
      if ((token == null || token.isEmpty()) && net.getKeyCertOptions() == null) {
        throw new IllegalStateException(
            "token is required (or a client certificate in net's key options)");
      }
      if (pingTimeout.compareTo(pingInterval) <= 0) {
        throw new IllegalStateException(
            "pingTimeout ("
                + pingTimeout
                + ") must be longer than pingInterval ("
                + pingInterval
                + ")");
      }
      return new ClientOptions(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
