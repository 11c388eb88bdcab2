package io.dialback.hub.metrics;

import io.dialback.hub.bridge.BridgeContext;
import io.dialback.hub.bridge.BridgeMetrics;
import io.dialback.hub.bridge.CallKind;
import io.dialback.hub.bridge.CallOutcome;
import io.dialback.hub.bridge.ConnectionInfo;
import io.dialback.link.CloseReason;
import io.dialback.wire.FailureCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The hub's own meters ({@code dialback_hub_*}), counted by the connection core through {@link
 * BridgeMetrics}. Every meter is made up front, one per value of a fixed label set, so that
 * counting is an array look-up and an add, and so that every series exists (at 0) from the first
 * scrape. docs/operations.md lists them with their meaning.
 */
public final class HubMetrics implements BridgeMetrics {
  /** Bucket bounds of the call-latency histogram. */
  static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2_500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  private final MeterRegistry registry;
  private final Counter loginsOk;
  private final Counter[] loginsRefused = new Counter[FailureCode.values().length];
  private final Counter[][] calls = new Counter[CallKind.values().length][];
  private final Timer[] latency = new Timer[CallKind.values().length];
  private final Counter[] refusals = new Counter[FailureCode.values().length];
  private final Counter[] closes = new Counter[CloseReason.values().length];
  private final Counter bytesIn;
  private final Counter bytesOut;

  public HubMetrics(MeterRegistry registry) {
    this.registry = registry;
    loginsOk = login("ok");
    for (FailureCode code : FailureCode.values()) {
      loginsRefused[code.ordinal()] = login(code.label());
      refusals[code.ordinal()] =
          Counter.builder("dialback.hub.refusals")
              .description("Frames and logins refused, by the failure code the peer got")
              .tag("code", code.label())
              .register(registry);
    }
    for (CallKind kind : CallKind.values()) {
      CallOutcome[] outcomes =
          kind == CallKind.PUBLISH ? new CallOutcome[] {CallOutcome.OK} : CallOutcome.values();
      calls[kind.ordinal()] = new Counter[CallOutcome.values().length];
      for (CallOutcome outcome : outcomes) {
        calls[kind.ordinal()][outcome.ordinal()] =
            Counter.builder("dialback.hub.calls")
                .description("Calls by who called whom and how they ended")
                .tag("kind", kind.label())
                .tag("outcome", outcome.label())
                .register(registry);
      }
      if (kind != CallKind.PUBLISH) {
        latency[kind.ordinal()] =
            Timer.builder("dialback.hub.call.duration")
                .description("Time from a call's start at the hub to its answer or failure")
                .tag("kind", kind.label())
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry);
      }
    }
    for (CloseReason reason : CloseReason.values()) {
      closes[reason.ordinal()] =
          Counter.builder("dialback.hub.closes")
              .description("Connections ended, by reason")
              .tag("reason", reason.label())
              .register(registry);
    }
    bytesIn =
        Counter.builder("dialback.hub.bytes.in")
            .description("Bytes received from peers on the bridge port")
            .register(registry);
    bytesOut =
        Counter.builder("dialback.hub.bytes.out")
            .description("Bytes written to peers on the bridge port")
            .register(registry);
  }

  private Counter login(String result) {
    return Counter.builder("dialback.hub.logins")
        .description("Logins by result: ok, or the failure code of the refusal")
        .tag("result", result)
        .register(registry);
  }

  /**
   * The gauges of {@code hub}: connections by role, agents bound here, queued write bytes, pending
   * calls, whether it drains; {@code members} and {@code registered} are the cluster's members and
   * the agents in the (cluster-wide) registry.
   */
  public void bind(BridgeContext hub, IntSupplier members, IntSupplier registered) {
    RoleCounts roles = new RoleCounts(hub);
    for (String role : new String[] {"agent", "client", "login", "hub"}) {
      Gauge.builder("dialback.hub.connections", roles, r -> r.count(role))
          .description("Open bridge connections by role (login: not logged in yet; hub: hub links)")
          .tag("role", role)
          .strongReference(true) // a weakly held gauge reads NaN once collected
          .register(registry);
    }
    Gauge.builder("dialback.hub.agents.bound", roles, r -> r.count("bound"))
        .description("Agents whose connection is on this hub")
        .strongReference(true) // a weakly held gauge reads NaN once collected
        .register(registry);
    Gauge.builder("dialback.hub.queued.write.bytes", hub, BridgeContext::queuedWriteBytes)
        .description("Bytes queued towards peers, waiting to be written")
        .strongReference(true) // a weakly held gauge reads NaN once collected
        .register(registry);
    Gauge.builder("dialback.hub.pending.calls", hub, BridgeContext::pendingRequests)
        .description("Requests of bridge connections waiting for answers")
        .strongReference(true) // a weakly held gauge reads NaN once collected
        .register(registry);
    Gauge.builder("dialback.hub.draining", hub, h -> h.draining() ? 1 : 0)
        .description("1 while the hub drains before it stops")
        .strongReference(true) // a weakly held gauge reads NaN once collected
        .register(registry);
    Gauge.builder("dialback.hub.cluster.members", members, IntSupplier::getAsInt)
        .description("Hubs in this hub's cluster, itself included (1 when not clustered)")
        .strongReference(true) // a weakly held gauge reads NaN once collected
        .register(registry);
    Gauge.builder("dialback.hub.registry.agents", registered, IntSupplier::getAsInt)
        .description("Agents in the registry, cluster-wide (refreshed every few seconds)")
        .strongReference(true) // a weakly held gauge reads NaN once collected
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public void login(FailureCode refused) {
    (refused == null ? loginsOk : loginsRefused[refused.ordinal()]).increment();
  }

  @Override
  public void call(CallKind kind, CallOutcome outcome, long nanos) {
    calls[kind.ordinal()][outcome.ordinal()].increment();
    Timer timer = latency[kind.ordinal()];
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void refused(FailureCode code) {
    refusals[code.ordinal()].increment();
  }

  @Override
  public void closed(CloseReason reason) {
    closes[reason.ordinal()].increment();
  }

  @Override
  public void bytesIn(int n) {
    bytesIn.increment(n);
  }

  @Override
  public void bytesOut(int n) {
    bytesOut.increment(n);
  }

  /** Connections by role, counted when a scrape asks (one pass over the hub's connections). */
  private static final class RoleCounts {
    private final BridgeContext hub;

    RoleCounts(BridgeContext hub) {
      this.hub = hub;
    }

    double count(String role) {
      int n = 0;
      for (ConnectionInfo c : hub.connections()) {
        if (role.equals("bound") ? c.agent() != null : role.equals(c.role())) {
          n++;
        }
      }
      return n;
    }
  }
}
