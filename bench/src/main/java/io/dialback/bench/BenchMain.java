package io.dialback.bench;

import io.dialback.client.BridgeClient;
import io.dialback.files.Download;
import io.dialback.files.TransferOptions;
import io.dialback.testkit.TestFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmarks, side by side in one run: raw TCP with the bridge's framing (the limit here), the
 * stock {@code TcpEventBusBridge}, and our hub — request-reply at 1 and 64 in flight, file
 * transfer, a two-hub cluster, and 10,000 idle agents on one hub. Prints every figure and writes
 * {@code docs/BENCHMARKS.md}.
 */
@Command(
    name = "dialback-bench",
    mixinStandardHelpOptions = true,
    versionProvider = BenchMain.Version.class,
    description = "Measures raw TCP, the stock bridge and the dialback hub side by side.")
public final class BenchMain implements Callable<Integer> {
  @Option(
      names = "--quick",
      description = "Short runs (a smoke test of the harness, not figures to quote).")
  boolean quick;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Markdown report (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("docs", "BENCHMARKS.md");

  @Option(
      names = "--file-mib",
      description =
          "Size of the file transfer (default: ${DEFAULT-VALUE} MiB: each path runs in fresh"
              + " JVMs, and a transfer of a few seconds measures the path, not their warm-up).")
  int fileMib = 2048;

  @Option(
      names = "--agents",
      description = "Idle agents for the scale test (default: ${DEFAULT-VALUE}; 0 skips it).")
  int agents = 10_000;

  @Option(names = "--skip-cluster", description = "Leave out the two-hub cluster.")
  boolean skipCluster;

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "WHAT",
      description =
          "Run only these parts: raw, hops, stock, dialback, tls, websocket, cluster, metrics,"
              + " files, frames (comma-separated; websocket with files adds the WebSocket"
              + " transfer).")
  java.util.Set<String> only = java.util.Set.of();

  @Option(
      names = "--metrics-runs",
      description =
          "Runs of our hub with metrics off and on, alternating, for the metrics cost (default:"
              + " ${DEFAULT-VALUE}; the report has each side's median).")
  int metricsRuns = 3;

  @Option(
      names = "--hub-loops",
      description = "Event loops of our hub's bridge port (conf instances; default: the hub's).")
  int hubLoops;

  @Option(
      names = "--one-jvm",
      description = "Run every party in this JVM (the old mode) instead of one JVM per party.")
  boolean oneJvm;

  @Option(
      names = "--seconds",
      description = "Measured seconds per run (default: 5; 0.7 with --quick).")
  double seconds;

  private final Report report = new Report();

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    // A fresh JVM per party needs longer for its compiler to settle than one long-running JVM.
    Duration warmup =
        quick ? Duration.ofMillis(300) : oneJvm ? Duration.ofSeconds(2) : Duration.ofSeconds(5);
    Duration measure =
        seconds > 0
            ? Duration.ofMillis((long) (seconds * 1000))
            : quick ? Duration.ofMillis(700) : Duration.ofSeconds(5);
    report.started(quick, !oneJvm, String.join(" ", commandLine()));
    if (oneJvm) {
      messaging(warmup, measure);
      if (wanted("files")) {
        files(null);
      }
    } else {
      ProcessBench parties = new ProcessBench(report, warmup, measure, hubLoops);
      try {
        parties.messaging(only, !skipCluster);
        if (wanted("metrics") && metricsRuns > 0) {
          MetricsCost.run(parties, report, warmup, measure, metricsRuns);
        }
        if (wanted("files")) {
          files(parties);
        }
      } finally {
        parties.close();
      }
    }
    if (wanted("frames")) {
      report.frameReads(FrameReadBench.run(quick));
    }
    if (agents > 0 && only.isEmpty()) {
      report.scale(ScaleBench.run(agents, quick));
    }
    report.print(System.out);
    report.write(out);
    System.out.println("wrote " + out.toAbsolutePath());
    return 0;
  }

  private List<String> commandLine() {
    List<String> args = new ArrayList<>(List.of("java"));
    for (String jvmArg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (jvmArg.startsWith("-Xmx")) {
        args.add(jvmArg); // the heap the figures were measured with
      }
    }
    args.addAll(List.of("-jar", "bench/target/dialback-bench.jar"));
    if (quick) {
      args.add("--quick");
    }
    if (fileMib != 2048) {
      args.add("--file-mib=" + fileMib);
    }
    if (agents != 10_000) {
      args.add("--agents=" + agents);
    }
    if (skipCluster) {
      args.add("--skip-cluster");
    }
    if (oneJvm) {
      args.add("--one-jvm");
    }
    if (hubLoops > 0) {
      args.add("--hub-loops=" + hubLoops);
    }
    if (metricsRuns != 3) {
      args.add("--metrics-runs=" + metricsRuns);
    }
    if (!only.isEmpty()) {
      args.add("--only=" + String.join(",", new java.util.TreeSet<>(only)));
    }
    if (seconds > 0) {
      args.add("--seconds=" + seconds);
    }
    return args;
  }

  private static final java.util.Map<String, String> LABELS =
      java.util.Map.of(
          "stock", "stock bridge",
          "dialback", "dialback hub",
          "websocket", "dialback hub over WebSocket");

  /** A hub of kind {@code bridge} in {@code vertx}: where its agent and client connect. */
  private static String hubAddress(String bridge, Vertx vertx) throws Exception {
    return switch (bridge) {
      case "stock" -> "127.0.0.1:" + Setups.stock(vertx);
      case "websocket" -> Setups.webSocketHub(vertx);
      default -> "127.0.0.1:" + Setups.hub(vertx);
    };
  }

  private void messaging(Duration warmup, Duration measure) throws Exception {
    Vertx serverSide = Vertx.vertx();
    Vertx clientSide = Vertx.vertx();
    try (RawTcp raw = wanted("raw") ? RawTcp.start(serverSide, clientSide) : null) {
      if (raw == null) {
        throw new SkipException();
      }
      Buffer prefixed = RawRows.rawFrame();
      Context ctx = clientSide.getOrCreateContext();
      for (int inFlight : new int[] {1, 64}) {
        report.call(
            "raw TCP ping-pong, same framing",
            "raw",
            inFlight,
            Load.run(ctx, () -> raw.call(prefixed), inFlight, warmup, measure));
      }
    } catch (SkipException e) {
      // not asked for
    } finally {
      Setups.close(serverSide, clientSide);
    }

    for (String bridge : new String[] {"stock", "dialback", "websocket"}) {
      if (!wanted(bridge)) {
        continue;
      }
      Vertx hubVertx = Vertx.vertx();
      Vertx agentVertx = Vertx.vertx();
      Vertx clientVertx = Vertx.vertx();
      try {
        String address = hubAddress(bridge, hubVertx);
        BridgeClient agent = Setups.echoAgent(agentVertx, address);
        BridgeClient client = Setups.client(clientVertx, address, Setups.CLIENT_TOKEN, null, true);
        Context hubCtx = Setups.consumerContext(hubVertx, Setups.ECHO);
        String name = LABELS.get(bridge);
        for (int inFlight : new int[] {1, 64}) {
          long[] seq = {0};
          Supplier<Future<?>> fromHub =
              () -> hubVertx.eventBus().request(Setups.ECHO, Setups.body(seq[0]++));
          report.call(
              name + ": hub → agent",
              bridge + ".hub-agent",
              inFlight,
              Load.run(hubCtx, fromHub, inFlight, warmup, measure));
          Supplier<Future<?>> fromClient = () -> client.request(Setups.ECHO, Setups.body(seq[0]++));
          report.call(
              name + ": client → hub → agent",
              bridge + ".client-agent",
              inFlight,
              Load.run(client.context(), fromClient, inFlight, warmup, measure));
        }
        client.close().await(10, TimeUnit.SECONDS);
        agent.close().await(10, TimeUnit.SECONDS);
      } finally {
        Setups.close(clientVertx, agentVertx, hubVertx);
      }
    }

    if (!skipCluster && wanted("cluster")) {
      Vertx[] hubs = new Vertx[2];
      Vertx agentVertx = Vertx.vertx();
      Vertx clientVertx = Vertx.vertx();
      try {
        int[] ports = Setups.clusteredHubs(hubs);
        BridgeClient agent = Setups.echoAgent(agentVertx, ports[0]);
        BridgeClient client = Setups.client(clientVertx, ports[1], Setups.CLIENT_TOKEN, null);
        Thread.sleep(1000); // let the agent's registrations spread to hub 2
        for (int inFlight : new int[] {1, 64}) {
          long[] seq = {0};
          Supplier<Future<?>> call = () -> client.request(Setups.ECHO, Setups.body(seq[0]++));
          report.call(
              "dialback two-hub cluster: client → hub 2 → hub 1 → agent",
              "cluster.client-agent",
              inFlight,
              Load.run(client.context(), call, inFlight, warmup, measure));
        }
        client.close().await(10, TimeUnit.SECONDS);
        agent.close().await(10, TimeUnit.SECONDS);
      } finally {
        Setups.close(agentVertx, clientVertx);
        Setups.close(hubs);
      }
    }
  }

  /** The file transfers: in this JVM, or with the hub and agent as processes of their own. */
  private void files(ProcessBench parties) throws Exception {
    Path dir = Files.createTempDirectory("dialback-bench");
    try {
      Path root = Files.createDirectories(dir.resolve("root"));
      long size = (long) fileMib * 1024 * 1024;
      Path file = TestFiles.random(root.resolve("big.bin"), size, 17);
      String sum = TestFiles.sha256(file);

      Vertx a = Vertx.vertx();
      Vertx b = Vertx.vertx();
      try {
        Path target = dir.resolve("raw.copy");
        double best = Double.MAX_VALUE;
        for (int i = 0; i < fileRuns(); i++) {
          best = Math.min(best, RawTcp.copy(a, b, file, target));
          check(target, sum);
          Files.delete(target);
        }
        report.file("raw TCP copy (sendfile → disk)", "raw", size, best);
      } finally {
        Setups.close(a, b);
      }
      if (parties != null) {
        parties.files(file, sum, fileRuns());
        return;
      }

      List<String> runs =
          new ArrayList<>(List.of("stock.base64", "dialback.base64", "dialback.binary"));
      if (only.isEmpty() || only.contains("websocket")) {
        runs.add("websocket.binary");
      }
      for (String run : runs) {
        boolean stock = run.startsWith("stock");
        boolean binary = run.endsWith("binary");
        Vertx hubVertx = Vertx.vertx();
        Vertx agentVertx = Vertx.vertx();
        Vertx clientVertx = Vertx.vertx();
        try {
          String address = hubAddress(run.substring(0, run.indexOf('.')), hubVertx);
          Setups.fileAgent(agentVertx, address, root);
          BridgeClient client =
              Setups.client(clientVertx, address, Setups.CLIENT_TOKEN, null, binary);
          Path target = dir.resolve(run + ".copy");
          double best = Double.MAX_VALUE;
          for (int i = 0; i < fileRuns(); i++) {
            var result =
                Download.toFile(
                        clientVertx, client, "files", "big.bin", target, TransferOptions.defaults())
                    .await(30, TimeUnit.MINUTES);
            check(target, sum);
            Files.delete(target);
            best = Math.min(best, result.nanos() / 1e9);
          }
          report.file(
              LABELS.get(run.substring(0, run.indexOf('.')))
                  + (binary
                      ? ": fs.read chunks, binary extension"
                      : ": fs.read chunks, base64 JSON"),
              run,
              size,
              best);
          client.close().await(10, TimeUnit.SECONDS);
        } finally {
          Setups.close(
              clientVertx, agentVertx, hubVertx); // the agent goes before its hub: no reconnects
        }
      }
    } finally {
      TestFiles.deleteTree(dir);
    }
  }

  /**
   * How many times each file transfer runs; the best counts. The copies go to disk, whose
   * write-back makes single runs vary by half on this kind of machine.
   */
  private int fileRuns() {
    return quick ? 1 : 3;
  }

  private boolean wanted(String part) {
    return only.isEmpty() || only.contains(part);
  }

  /** Leaves a part out without a second code path. */
  private static final class SkipException extends RuntimeException {}

  private static void check(Path copy, String sha256) throws Exception {
    String got = TestFiles.sha256(copy);
    if (!got.equals(sha256)) {
      throw new IllegalStateException("the copy " + copy + " differs from the original");
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = BenchMain.class.getPackage().getImplementationVersion();
      return new String[] {"dialback-bench " + (v == null ? "dev" : v)};
    }
  }
}
