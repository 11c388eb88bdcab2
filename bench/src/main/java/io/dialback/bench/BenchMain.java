package io.dialback.bench;

import io.dialback.client.BridgeClient;
import io.dialback.files.Download;
import io.dialback.files.TransferOptions;
import io.dialback.testkit.TestFiles;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
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
      description = "Size of the file transfer (default: ${DEFAULT-VALUE} MiB).")
  int fileMib = 256;

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
          "Run only these parts: raw, stock, dialback, cluster, files (comma-separated; for profiling).")
  java.util.Set<String> only = java.util.Set.of();

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
    Duration warmup = quick ? Duration.ofMillis(300) : Duration.ofSeconds(2);
    Duration measure =
        seconds > 0
            ? Duration.ofMillis((long) (seconds * 1000))
            : quick ? Duration.ofMillis(700) : Duration.ofSeconds(5);
    report.started(quick, String.join(" ", commandLine()));
    messaging(warmup, measure);
    if (wanted("files")) {
      files();
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
    if (fileMib != 256) {
      args.add("--file-mib=" + fileMib);
    }
    if (agents != 10_000) {
      args.add("--agents=" + agents);
    }
    if (skipCluster) {
      args.add("--skip-cluster");
    }
    if (!only.isEmpty()) {
      args.add("--only=" + String.join(",", new java.util.TreeSet<>(only)));
    }
    if (seconds > 0) {
      args.add("--seconds=" + seconds);
    }
    return args;
  }

  /** ~100 bytes of JSON, like a small RPC. */
  private static JsonObject body(long seq) {
    return new JsonObject()
        .put("seq", seq)
        .put("op", "echo")
        .put("text", "abcdefghijklmnopqrstuvwxyz0123456789");
  }

  private void messaging(Duration warmup, Duration measure) throws Exception {
    Vertx serverSide = Vertx.vertx();
    Vertx clientSide = Vertx.vertx();
    try (RawTcp raw = wanted("raw") ? RawTcp.start(serverSide, clientSide) : null) {
      if (raw == null) {
        throw new SkipException();
      }
      Buffer frame =
          Buffer.buffer(
              new JsonObject()
                  .put("type", "send")
                  .put("address", Setups.ECHO)
                  .put("replyAddress", "r.1")
                  .put("body", body(1))
                  .encode());
      Buffer prefixed = Buffer.buffer().appendInt(frame.length()).appendBuffer(frame);
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
      close(serverSide, clientSide);
    }

    for (String bridge : new String[] {"stock", "dialback"}) {
      if (!wanted(bridge)) {
        continue;
      }
      Vertx hubVertx = Vertx.vertx();
      Vertx agentVertx = Vertx.vertx();
      Vertx clientVertx = Vertx.vertx();
      try {
        int port = bridge.equals("stock") ? Setups.stock(hubVertx) : Setups.hub(hubVertx);
        BridgeClient agent = Setups.echoAgent(agentVertx, port);
        BridgeClient client = Setups.client(clientVertx, port, Setups.CLIENT_TOKEN, null);
        Context hubCtx = Setups.consumerContext(hubVertx, Setups.ECHO);
        String name = bridge.equals("stock") ? "stock bridge" : "dialback hub";
        for (int inFlight : new int[] {1, 64}) {
          long[] seq = {0};
          Supplier<Future<?>> fromHub =
              () -> hubVertx.eventBus().request(Setups.ECHO, body(seq[0]++));
          report.call(
              name + ": hub → agent",
              bridge + ".hub-agent",
              inFlight,
              Load.run(hubCtx, fromHub, inFlight, warmup, measure));
          Supplier<Future<?>> fromClient = () -> client.request(Setups.ECHO, body(seq[0]++));
          report.call(
              name + ": client → hub → agent",
              bridge + ".client-agent",
              inFlight,
              Load.run(client.context(), fromClient, inFlight, warmup, measure));
        }
        client.close().await(10, TimeUnit.SECONDS);
        agent.close().await(10, TimeUnit.SECONDS);
      } finally {
        close(clientVertx, agentVertx, hubVertx);
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
          Supplier<Future<?>> call = () -> client.request(Setups.ECHO, body(seq[0]++));
          report.call(
              "dialback two-hub cluster: client → hub 2 → hub 1 → agent",
              "cluster.client-agent",
              inFlight,
              Load.run(client.context(), call, inFlight, warmup, measure));
        }
        client.close().await(10, TimeUnit.SECONDS);
        agent.close().await(10, TimeUnit.SECONDS);
      } finally {
        close(agentVertx, clientVertx);
        close(hubs);
      }
    }
  }

  private void files() throws Exception {
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
        close(a, b);
      }

      for (String run : new String[] {"stock.base64", "dialback.base64", "dialback.binary"}) {
        boolean stock = run.startsWith("stock");
        boolean binary = run.endsWith("binary");
        Vertx hubVertx = Vertx.vertx();
        Vertx agentVertx = Vertx.vertx();
        Vertx clientVertx = Vertx.vertx();
        try {
          int port = stock ? Setups.stock(hubVertx) : Setups.hub(hubVertx);
          Setups.fileAgent(agentVertx, port, root);
          BridgeClient client = Setups.client(clientVertx, port, Setups.CLIENT_TOKEN, null, binary);
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
              (stock ? "stock bridge" : "dialback hub")
                  + (binary
                      ? ": fs.read chunks, binary extension"
                      : ": fs.read chunks, base64 JSON"),
              run,
              size,
              best);
          client.close().await(10, TimeUnit.SECONDS);
        } finally {
          close(clientVertx, agentVertx, hubVertx); // the agent goes before its hub: no reconnects
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

  static void close(Vertx... all) {
    for (Vertx v : all) {
      if (v != null) {
        try {
          v.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          System.err.println("closing Vert.x: " + e);
        }
      }
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
