package io.dialback.bench;

import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.files.Download;
import io.dialback.files.TransferOptions;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.dialback.tls.Fingerprints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmarks with every party in a JVM of its own, as deployments run them: the hub (ours or
 * the stock bridge), the echo or file agent, raw TCP peers, and this process as the client. For
 * each row the hub process's CPU time per call is measured too ({@code /proc/<pid>/stat}).
 */
final class ProcessBench {
  private static final Duration START = Duration.ofSeconds(90);
  private static final java.util.concurrent.atomic.AtomicInteger STARTED =
      new java.util.concurrent.atomic.AtomicInteger();
  private static final List<String> PARTY_JVM = List.of("-Xmx512m", "-XX:+UseParallelGC");
  private static final Pattern PORT = Pattern.compile("(?m)^listening on (\\d+)$");

  private final Report report;
  private final Duration warmup;
  private final Warmup warming;
  private final Duration measure;
  private final Path dir;
  private final int hubLoops;
  private final List<JavaProcess> parties = new ArrayList<>();

  /**
   * @param hubLoops the hub conf's {@code instances}, or 0 for the hub's default
   */
  ProcessBench(Report report, Duration warmup, Duration measure, int hubLoops) throws IOException {
    this.report = report;
    this.warmup = warmup;
    this.warming = new Warmup(warmup);
    this.measure = measure;
    this.hubLoops = hubLoops;
    this.dir = Files.createTempDirectory("dialback-bench");
  }

  void messaging(Set<String> wanted, boolean cluster) throws Exception {
    if (wanted.isEmpty() || wanted.contains("raw")) {
      RawRows.raw(this, false);
      RawRows.raw(this, true);
    }
    if (wanted.isEmpty() || wanted.contains("hops")) {
      RawRows.hops(this);
    }
    for (String bridge : new String[] {"stock", "dialback", "tls", "websocket"}) {
      if (!wanted.isEmpty() && !wanted.contains(bridge)) {
        continue;
      }
      boolean stock = bridge.equals("stock");
      boolean tls = bridge.equals("tls");
      boolean ws = bridge.equals("websocket");
      try {
        JavaProcess hub = stock ? party("stock", List.of("stock")) : hub(hubConf(tls, null, ws));
        String address = ws ? "ws://127.0.0.1:" + httpPortOf(hub) + "/bridge" : null;
        String port = String.valueOf(portOf(hub));
        party("agent", List.of("echo-agent", ws ? address : port, tls ? "--tls" : "-"));
        String name =
            stock
                ? "stock bridge"
                : tls ? "dialback hub, TLS" : ws ? "dialback hub over WebSocket" : "dialback hub";
        String key = bridge;
        Vertx vertx = Vertx.vertx();
        BridgeClient client = client(vertx, ws ? address : "127.0.0.1:" + port, tls);
        for (int inFlight : new int[] {1, 64}) {
          if (!tls && !ws) {
            warming.run(
                (n, time) -> loadInHub(client, time, Duration.ofMillis(1), n), inFlight, pids());
            double cpu0 = CpuTime.seconds(hub.pid());
            Load.Result r = loadInHub(client, Duration.ZERO, measure, inFlight);
            double cpu = CpuTime.seconds(hub.pid()) - cpu0;
            report.call(name + ": hub → agent", key + ".hub-agent", inFlight, r, cpu, r.calls());
          }
          long[] seq = {0};
          measured(
              hub.pid(),
              name + ": client → hub → agent",
              key + ".client-agent",
              inFlight,
              client.context(),
              () -> client.request(Setups.ECHO, Setups.body(seq[0]++)));
        }
        client.close().await(10, TimeUnit.SECONDS);
        Setups.close(vertx);
      } finally {
        stopAll();
      }
    }
    if (cluster && (wanted.isEmpty() || wanted.contains("cluster"))) {
      cluster();
    }
  }

  private void cluster() throws Exception {
    int[] clusterPorts = {Ports.free(), Ports.free()};
    JsonArray members = new JsonArray();
    for (int p : clusterPorts) {
      members.add("127.0.0.1:" + p);
    }
    try {
      int[] ports = new int[2];
      JavaProcess[] hubs = new JavaProcess[2];
      for (int i = 0; i < 2; i++) {
        JsonObject clusterConf =
            new JsonObject()
                .put("enabled", true)
                .put("host", "127.0.0.1")
                .put("port", clusterPorts[i])
                .put("members", members)
                .put("name", "bench-" + ProcessHandle.current().pid());
        hubs[i] = hub(hubConf(false, clusterConf).put("name", "hub" + (i + 1)));
        ports[i] = portOf(hubs[i]);
      }
      party("agent", List.of("echo-agent", String.valueOf(ports[0]), "-"));
      Vertx vertx = Vertx.vertx();
      BridgeClient client = client(vertx, "127.0.0.1:" + ports[1], false);
      Thread.sleep(1000); // the agent's registrations spread to hub 2
      for (int inFlight : new int[] {1, 64}) {
        long[] seq = {0};
        measured(
            hubs[1].pid(),
            "dialback two-hub cluster: client → hub 2 → hub 1 → agent",
            "cluster.client-agent",
            inFlight,
            client.context(),
            () -> client.request(Setups.ECHO, Setups.body(seq[0]++)));
      }
      client.close().await(10, TimeUnit.SECONDS);
      Setups.close(vertx);
    } finally {
      stopAll();
    }
  }

  /** Transfers of {@code file} through each bridge from a file agent process. */
  void files(Path file, String sha256, int runs) throws Exception {
    Path root = file.getParent();
    long size = Files.size(file);
    for (String run :
        new String[] {
          "stock.base64", "dialback.base64", "dialback.binary", "tls.binary", "websocket.binary"
        }) {
      boolean stock = run.startsWith("stock");
      boolean tls = run.startsWith("tls");
      boolean ws = run.startsWith("websocket");
      boolean binary = run.endsWith("binary");
      Vertx vertx = Vertx.vertx();
      try {
        JavaProcess hub = stock ? party("stock", List.of("stock")) : hub(hubConf(tls, null, ws));
        String address =
            ws ? "ws://127.0.0.1:" + httpPortOf(hub) + "/bridge" : "127.0.0.1:" + portOf(hub);
        String pin = tls ? fingerprint() : null;
        JsonObject agent =
            new JsonObject()
                .put("name", "files")
                .put("hubs", new JsonArray().add(address))
                .put("token", Setups.AGENT_TOKEN)
                .put("root", root.toString());
        if (tls) {
          agent.put("tls", new JsonObject().put("enabled", true).put("pin", pin));
        }
        Path agentConf = Files.writeString(dir.resolve("files-agent.json"), agent.encode());
        JavaProcess files =
            JavaProcess.start(
                "files",
                "io.dialback.agent.cli.AgentMain",
                jvm("files"),
                List.of("-conf", agentConf.toString()),
                Map.of(),
                dir.resolve("logs"));
        parties.add(files);
        files.awaitLog("connected to", START);
        ClientOptions.Builder options =
            ClientOptions.builder()
                .hubs(List.of(address))
                .token(Setups.CLIENT_TOKEN)
                .binary(binary);
        if (tls) {
          options.pin(pin);
        }
        BridgeClient client = BridgeClient.create(vertx, options.build());
        client.connect().await(30, TimeUnit.SECONDS);
        Path target = dir.resolve(run + ".copy");
        double best = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
          var result =
              Download.toFile(vertx, client, "files", "big.bin", target, TransferOptions.defaults())
                  .await(30, TimeUnit.MINUTES);
          if (!TestFiles.sha256(target).equals(sha256)) {
            throw new IllegalStateException("the copy " + target + " differs from the original");
          }
          Files.delete(target);
          best = Math.min(best, result.nanos() / 1e9);
        }
        report.file(
            (stock
                    ? "stock bridge"
                    : tls
                        ? "dialback hub, TLS"
                        : ws ? "dialback hub over WebSocket" : "dialback hub")
                + (binary ? ": fs.read chunks, binary extension" : ": fs.read chunks, base64 JSON"),
            run,
            size,
            best);
        client.close().await(10, TimeUnit.SECONDS);
      } finally {
        Setups.close(vertx);
        stopAll();
      }
    }
  }

  /** A caller inside the hub's process keeps {@code inFlight} calls to the agent going. */
  private static Load.Result loadInHub(
      BridgeClient client, Duration warmup, Duration measure, int inFlight) throws Exception {
    JsonObject ask =
        new JsonObject()
            .put("inFlight", inFlight)
            .put("warmupMs", warmup.toMillis())
            .put("measureMs", measure.toMillis());
    return Party.fromJson(
        client
            .request(Party.LOAD, ask, measure.plus(warmup).plusSeconds(60), null)
            .await(5, TimeUnit.MINUTES)
            .bodyAsJsonObject());
  }

  /** A warm-up ({@link Warmup}), then a measured run with the hub's CPU time around it. */
  void measured(
      long hubPid,
      String label,
      String key,
      int inFlight,
      io.vertx.core.Context context,
      Supplier<Future<?>> call)
      throws Exception {
    warming.run(
        (n, time) -> Load.run(context, call, n, time, Duration.ofMillis(1)), inFlight, pids());
    double cpu0 = CpuTime.seconds(hubPid);
    Load.Result r = Load.run(context, call, inFlight, Duration.ZERO, measure);
    double cpu = CpuTime.seconds(hubPid) - cpu0;
    report.call(label, key, inFlight, r, cpu, r.calls());
  }

  /** This process and its parties. */
  private List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(ProcessHandle.current().pid());
    parties.forEach(p -> pids.add(p.pid()));
    return pids;
  }

  JsonObject hubConf(boolean tls, JsonObject cluster) {
    return hubConf(tls, cluster, false);
  }

  /** {@code http}: with the http port (WebSocket bridge at /bridge, no console). */
  JsonObject hubConf(boolean tls, JsonObject cluster, boolean http) {
    JsonObject conf = Setups.hubConf(0);
    if (http) {
      conf.put("http", new JsonObject().put("port", 0).put("console", false));
    }
    if (hubLoops > 0) {
      conf.put("instances", hubLoops);
    } else {
      conf.remove("instances"); // the hub's own default
    }
    if (tls) {
      conf.put(
          "tls", new JsonObject().put("enabled", true).put("dir", dir.resolve("tls").toString()));
    }
    if (cluster != null) {
      conf.put("cluster", cluster);
    }
    return conf;
  }

  JavaProcess hub(JsonObject conf) throws Exception {
    Path file = Files.writeString(Files.createTempFile(dir, "hub", ".json"), conf.encode());
    return party("hub", List.of("hub", file.toString()));
  }

  /**
   * JVM arguments of a party: the defaults, plus {@code DIALBACK_BENCH_HUB_JVM} for hubs and {@code
   * DIALBACK_BENCH_PARTY_JVM} for the others (for a profile, e.g. {@code
   * -XX:StartFlightRecording=filename=%n.jfr}), where {@code %n} is the party's name and number in
   * this run, e.g. {@code hub-2} (Java 17's recorder does not expand {@code %p}).
   */
  private static List<String> jvm(String name) {
    return jvm(name, PARTY_JVM);
  }

  /** As above, on top of {@code base} (a name starting with "hub" is a hub's). */
  static List<String> jvm(String name, List<String> base) {
    String extra =
        System.getenv(
            name.startsWith("hub") ? "DIALBACK_BENCH_HUB_JVM" : "DIALBACK_BENCH_PARTY_JVM");
    if (extra == null || extra.isBlank()) {
      return base;
    }
    List<String> args = new ArrayList<>(base);
    String n = name + "-" + STARTED.incrementAndGet();
    for (String arg : extra.trim().split("\\s+")) {
      args.add(arg.replace("%n", n));
    }
    return args;
  }

  BridgeClient client(Vertx vertx, String hub, boolean tls) throws Exception {
    ClientOptions.Builder options =
        ClientOptions.builder().hubs(List.of(hub)).token(Setups.CLIENT_TOKEN).binary(true);
    if (tls) {
      options.net(Party.trustingTls());
    }
    BridgeClient client = BridgeClient.create(vertx, options.build());
    client.connect().await(30, TimeUnit.SECONDS);
    return client;
  }

  JavaProcess party(String name, List<String> args) throws Exception {
    JavaProcess p =
        JavaProcess.start(
            name, "io.dialback.bench.Party", jvm(name), args, Map.of(), dir.resolve("logs"));
    parties.add(p);
    // Whole lines the party prints: the hub's own log says "listening on" too, before its port.
    return p.awaitLog("(?m)^(listening on \\d+|ready)$", START);
  }

  private static int httpPortOf(JavaProcess p) throws Exception {
    p.awaitLog("(?m)^http on \\d+$", START);
    Matcher m = Pattern.compile("(?m)^http on (\\d+)$").matcher(p.logText());
    if (!m.find()) {
      throw new IllegalStateException(p + " printed no http port");
    }
    return Integer.parseInt(m.group(1));
  }

  static int portOf(JavaProcess p) throws IOException {
    Matcher m = PORT.matcher(p.logText());
    if (!m.find()) {
      throw new IllegalStateException(p + " printed no port");
    }
    return Integer.parseInt(m.group(1));
  }

  /** The SHA-256 fingerprint of the certificate the TLS hub made for itself. */
  private String fingerprint() throws Exception {
    try (var in = Files.newInputStream(dir.resolve("tls").resolve("hub-cert.pem"))) {
      return Fingerprints.sha256(
          (java.security.cert.X509Certificate)
              java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
  }

  void stopAll() throws InterruptedException {
    for (JavaProcess p : parties) {
      p.stop(Duration.ofSeconds(15)); // SIGTERM: a profile, if asked for, is written at exit
      p.close();
    }
    parties.clear();
  }

  void close() throws Exception {
    stopAll();
    TestFiles.deleteTree(dir);
  }
}
