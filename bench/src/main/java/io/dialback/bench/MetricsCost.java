package io.dialback.bench;

import io.dialback.client.BridgeClient;
import io.dialback.testkit.JavaProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What the hub's metrics cost: client → hub → agent at 64 calls in flight, our hub with its admin
 * port (and so its meters and Vert.x's) off and on, each party a process. The machine is shared and
 * noisy, so off and on alternate, {@code runs} times each, and the report gets each side's median
 * run (by calls a second).
 */
final class MetricsCost {
  private static final int IN_FLIGHT = 64;

  private record Run(Load.Result result, double hubCpuSeconds) {}

  private MetricsCost() {}

  static void run(ProcessBench parties, Report report, Duration warmup, Duration measure, int runs)
      throws Exception {
    List<Run> off = new ArrayList<>();
    List<Run> on = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      for (boolean metrics : new boolean[] {false, true}) {
        Run run = once(parties, warmup, measure, metrics);
        (metrics ? on : off).add(run);
        System.out.printf(
            Locale.ROOT,
            "metrics %-3s run %d: %,10.0f/s  p50 %6.0f µs  p99 %6.0f µs%n",
            metrics ? "on" : "off",
            i + 1,
            run.result().perSecond(),
            run.result().p50Micros(),
            run.result().p99Micros());
      }
    }
    for (boolean metrics : new boolean[] {false, true}) {
      Run median = median(metrics ? on : off);
      report.call(
          "dialback hub, metrics " + (metrics ? "on" : "off") + ": client → hub → agent",
          "metrics-" + (metrics ? "on" : "off") + ".client-agent",
          IN_FLIGHT,
          median.result(),
          median.hubCpuSeconds(),
          median.result().calls());
    }
  }

  private static Run once(ProcessBench parties, Duration warmup, Duration measure, boolean metrics)
      throws Exception {
    try {
      JsonObject conf = parties.hubConf(false, null);
      if (metrics) {
        conf.put("admin", new JsonObject().put("port", 0).put("token", "bench-admin-token"));
      }
      JavaProcess hub = parties.hub(conf);
      int port = ProcessBench.portOf(hub);
      parties.party("agent", List.of("echo-agent", String.valueOf(port), "-"));
      Vertx vertx = Vertx.vertx();
      BridgeClient client = parties.client(vertx, "127.0.0.1:" + port, false);
      long[] seq = {0};
      Load.run(
          client.context(),
          () -> client.request(Setups.ECHO, Setups.body(seq[0]++)),
          IN_FLIGHT,
          warmup,
          Duration.ofMillis(1));
      double cpu0 = CpuTime.seconds(hub.pid());
      Load.Result r =
          Load.run(
              client.context(),
              () -> client.request(Setups.ECHO, Setups.body(seq[0]++)),
              IN_FLIGHT,
              Duration.ZERO,
              measure);
      double cpu = CpuTime.seconds(hub.pid()) - cpu0;
      client.close().await(10, TimeUnit.SECONDS);
      Setups.close(vertx);
      return new Run(r, cpu);
    } finally {
      parties.stopAll();
    }
  }

  private static Run median(List<Run> runs) {
    List<Run> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingDouble(r -> r.result().perSecond()));
    return sorted.get(sorted.size() / 2);
  }
}
