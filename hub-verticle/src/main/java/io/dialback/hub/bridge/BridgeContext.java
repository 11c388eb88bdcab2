package io.dialback.hub.bridge;

import io.dialback.hub.cluster.ClusterRoutes;
import io.dialback.hub.gate.AddressPolicy;
import io.dialback.hub.gate.Gate;
import io.dialback.hub.registry.AgentRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every connection of one hub shares, whichever event loop serves it. */
public final class BridgeContext {
  private static final Logger log = LoggerFactory.getLogger(BridgeContext.class);
  private final Vertx vertx;
  private final String configuredName;
  private final String host;
  private volatile Gate gate;
  private final AddressPolicy policy;
  private final AgentRegistry registry;
  private final Limits limits;
  private final BridgeMetrics metrics;
  private final AtomicInteger boundPort = new AtomicInteger();
  private final AtomicInteger liveConnections = new AtomicInteger();
  private final AtomicInteger pendingRequests = new AtomicInteger();

  /** After a clustered hub drained, how long it stays in the cluster before it leaves. */
  private static final long LINGER_MS = 300;

  private final AtomicInteger awaitingAnswers = new AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder calls =
      new java.util.concurrent.atomic.LongAdder();
  private final Map<String, Set<BridgeConnection>> waitingOn = new ConcurrentHashMap<>();
  private final Set<BridgeConnection> connections = ConcurrentHashMap.newKeySet();
  private final Guards guards;
  private final Budget queuedWrites;
  private final Budget frameBuffers;
  private final Budget registrations;
  private final Routes routes = new Routes();
  private volatile HubLinks links;
  private volatile boolean draining;
  private Future<Void> drained;

  /**
   * @param configuredName the hub's name from conf, or {@code null} to use {@code host:port}
   */
  public BridgeContext(
      Vertx vertx,
      String configuredName,
      String host,
      Gate gate,
      AddressPolicy policy,
      AgentRegistry registry,
      Limits limits) {
    this(vertx, configuredName, host, gate, policy, registry, limits, BridgeMetrics.NONE);
  }

  /** As above, counting what happens into {@code metrics}. */
  public BridgeContext(
      Vertx vertx,
      String configuredName,
      String host,
      Gate gate,
      AddressPolicy policy,
      AgentRegistry registry,
      Limits limits,
      BridgeMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics == null");
    this.vertx = Objects.requireNonNull(vertx, "vertx == null");
    this.configuredName = configuredName;
    this.host = Objects.requireNonNull(host, "host == null");
    this.gate = Objects.requireNonNull(gate, "gate == null");
    this.policy = Objects.requireNonNull(policy, "policy == null");
    this.registry = Objects.requireNonNull(registry, "registry == null");
    this.limits = Objects.requireNonNull(limits, "limits == null");
    this.guards = new Guards(limits);
    this.queuedWrites =
        new Budget(
            "queued write bytes",
            limits.maxQueuedWriteBytesPerIdentity(),
            limits.maxQueuedWriteBytesTotal());
    this.frameBuffers =
        new Budget(
            "frame buffer bytes",
            limits.maxFrameBufferBytesPerIdentity(),
            limits.maxFrameBufferBytesTotal());
    this.registrations =
        new Budget(
            "registrations", limits.maxRegistrationsPerIdentity(), limits.maxRegistrationsTotal());
  }

  public Vertx vertx() {
    return vertx;
  }

  public Gate gate() {
    return gate;
  }

  /**
   * Replaces the tokens (a reloaded conf): new logins use {@code next}, and every connection whose
   * token is gone or expired is closed.
   */
  public void gate(Gate next) {
    this.gate = Objects.requireNonNull(next, "next == null");
    revalidate();
  }

  /** Closes the connections whose token is no longer valid (revoked, or expired by now). */
  public void revalidate() {
    for (BridgeConnection c : connections) {
      c.login.revalidate();
    }
  }

  public AddressPolicy policy() {
    return policy;
  }

  public AgentRegistry registry() {
    return registry;
  }

  public Limits limits() {
    return limits;
  }

  Guards guards() {
    return guards;
  }

  /** Where the connections count what happens. */
  BridgeMetrics metrics() {
    return metrics;
  }

  /** Bytes queued towards peers right now, hub-wide. */
  public long queuedWriteBytes() {
    return queuedWrites.used();
  }

  /** A snapshot of this hub's connections, for the admin API and gauges. */
  public java.util.List<ConnectionInfo> connections() {
    java.util.List<ConnectionInfo> all = new java.util.ArrayList<>(connections.size());
    for (BridgeConnection c : connections) {
      all.add(ConnectionInfo.of(c));
    }
    return all;
  }

  /** Bytes queued towards peers, by identity and in all. */
  Budget queuedWrites() {
    return queuedWrites;
  }

  /** Bytes of large frames being received, by identity and in all. */
  Budget frameBuffers() {
    return frameBuffers;
  }

  /** Which connection of this hub owns which agent address. */
  Routes routes() {
    return routes;
  }

  /** The hub links to the other hubs of the cluster, or null (not clustered, or links off). */
  HubLinks links() {
    return links;
  }

  /** Passes calls to agents on other hubs over {@code links} (set before the bridge listens). */
  public void links(HubLinks links) {
    this.links = links;
  }

  /** Addresses registered by this hub's connections right now. */
  public int registrations() {
    return (int) registrations.used();
  }

  /** Addresses registered by peers, by identity and in all. */
  Budget registrationBudget() {
    return registrations;
  }

  /** The port the bridge listens on, once it does (0 before). */
  public int boundPort() {
    return boundPort.get();
  }

  void boundPort(int port) {
    boundPort.compareAndSet(0, port);
  }

  /** How this hub names itself in login replies and the registry. */
  public String hubName() {
    return configuredName != null ? configuredName : host + ":" + boundPort.get();
  }

  /** Connections open right now. */
  public int liveConnections() {
    return liveConnections.get();
  }

  /** True once the hub is stopping: new requests and logins get {@code unavailable}. */
  public boolean draining() {
    return draining;
  }

  void requestStarted() {
    requestStarted(true);
  }

  /** A request starts; {@code counted}: among {@link #calls} (not one passed on a hub link). */
  void requestStarted(boolean counted) {
    pendingRequests.incrementAndGet();
    if (counted) {
      calls.increment();
    }
  }

  /** Requests bridge connections of this hub have made since it started. */
  public long calls() {
    return calls.sum();
  }

  void requestDone() {
    pendingRequests.decrementAndGet();
  }

  /** Deliveries to peers that wait for the peer's answer, hub-wide (changed by Deliveries). */
  void awaiting(int delta) {
    awaitingAnswers.addAndGet(delta);
  }

  /** How the cluster's routing to a consumer is withdrawn before the consumer goes. */
  ClusterRoutes clusterRoutes() {
    return vertx instanceof io.vertx.core.internal.VertxInternal internal
            && internal.clusterManager() instanceof ClusterRoutes routes
        ? routes
        : ClusterRoutes.NONE;
  }

  /** Requests of bridge connections waiting for replies, hub-wide. */
  public int pendingRequests() {
    return pendingRequests.get();
  }

  /**
   * Stops taking new work, tells every connection that moves to go to another hub ({@link
   * io.dialback.wire.Wire#HUB_GOAWAY}), and completes once the requests in flight and the
   * deliveries waiting for answers are done and those connections have left (each registers on its
   * new hub first, then closes here once idle), or after {@code limits.drainTimeoutMs}. Every
   * bridge verticle calls it; they share one drain.
   */
  public synchronized Future<Void> drain() {
    if (drained == null) {
      draining = true;
      Promise<Void> done = Promise.promise();
      long deadline = System.nanoTime() + limits.drainTimeoutMs() * 1_000_000;
      log.info(
          "draining: {} requests in flight, {} connections told to move",
          pendingRequests.get(),
          connections.stream().filter(BridgeConnection::willMove).count());
      for (BridgeConnection c : connections) {
        GoAway.tell(c);
      }
      awaitIdle(done, deadline);
      drained = done.future();
    }
    return drained;
  }

  private void awaitIdle(Promise<Void> done, long deadline) {
    int pending = pendingRequests.get();
    int awaiting = awaitingAnswers.get();
    long movers = connections.stream().filter(BridgeConnection::willMove).count();
    if ((pending <= 0 && awaiting <= 0 && movers == 0) || System.nanoTime() > deadline) {
      if (pending > 0 || awaiting > 0 || movers > 0) {
        log.warn(
            "stopping with {} requests, {} answers still in flight and {} connections not moved",
            pending,
            awaiting,
            movers);
      }
      // Hubs whose view of the moved agents' addresses lags a little still get an answer here
      // (no handlers: their callers send again) rather than silence from a hub that has left.
      vertx.setTimer(vertx.isClustered() ? LINGER_MS : 1, t -> done.complete());
      return;
    }
    vertx.setTimer(20, t -> awaitIdle(done, deadline));
  }

  /** {@code connection} has calls waiting on agent {@code agent}. */
  void watch(String agent, BridgeConnection connection) {
    waitingOn.computeIfAbsent(agent, k -> ConcurrentHashMap.newKeySet()).add(connection);
  }

  void unwatch(String agent, BridgeConnection connection) {
    waitingOn.computeIfPresent(
        agent,
        (k, connections) -> {
          connections.remove(connection);
          return connections.isEmpty() ? null : connections;
        });
  }

  /**
   * Agent {@code agent} left (its connection closed, or its hub died): every call waiting on it
   * from this hub fails now with {@code unavailable} instead of at its timeout.
   */
  public void agentLeft(String agent, String agentHub) {
    Set<BridgeConnection> connections = waitingOn.get(agent);
    if (connections != null) {
      for (BridgeConnection c : connections) {
        c.requests.agentLeft(agent, agentHub);
      }
    }
  }

  void opened(BridgeConnection connection) {
    connections.add(connection);
    liveConnections.incrementAndGet();
  }

  void closed(BridgeConnection connection, io.dialback.link.CloseReason reason) {
    connections.remove(connection);
    liveConnections.decrementAndGet();
    metrics.closed(reason);
  }
}
