package io.dialback.bench;

import io.dialback.client.BridgeClient;
import io.dialback.files.Download;
import io.dialback.files.TransferOptions;
import io.dialback.testkit.DelayProxy;
import io.dialback.testkit.TestFiles;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The shell's own figures: how long a one-shot {@code list} takes from start to exit (a separate
 * {@code java -jar dialback-agent.jar} process per run, as a script runs it), and what a download's
 * window makes of a link with 50 ms round trip (through {@link DelayProxy}) next to loopback — the
 * old fixed window of 8 chunks against the window sized to bandwidth × round trip. Writes the
 * "Shell" section of {@code docs/BENCHMARKS.md}, which the main harness keeps.
 */
@Command(
    name = "shell-bench",
    mixinStandardHelpOptions = true,
    versionProvider = BenchMain.Version.class,
    description = "Measures one-shot shell commands and the transfer window over a slow link.")
public final class ShellBench implements Callable<Integer> {
  @Option(
      names = "--runs",
      description = "Runs of each one-shot command (default: ${DEFAULT-VALUE}).")
  int runs = 15;

  @Option(
      names = "--file-mib",
      description = "Size of the download (default: ${DEFAULT-VALUE} MiB).")
  int fileMib = 128;

  @Option(
      names = "--rtt-ms",
      description = "Round trip of the slow link (default: ${DEFAULT-VALUE}).")
  int rttMs = 50;

  @Option(names = "--agent-jar", description = "The shell's jar (default: ${DEFAULT-VALUE}).")
  Path agentJar = Path.of("agent-verticle", "target", "dialback-agent.jar");

  @Option(names = "--out", description = "Report to update (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("docs", "BENCHMARKS.md");

  public static void main(String[] args) {
    System.exit(new CommandLine(new ShellBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(agentJar)) {
      System.err.println(
          "shell-bench: no " + agentJar + "; build it first (mvn -B -q package -DskipTests)");
      return 2;
    }
    StringBuilder md = new StringBuilder();
    Path dir = Files.createTempDirectory("dialback-shell-bench");
    Vertx hubVertx = Vertx.vertx();
    Vertx agentVertx = Vertx.vertx();
    Vertx clientVertx = Vertx.vertx();
    try {
      int port = Setups.hub(hubVertx);
      Path root = Files.createDirectories(dir.resolve("root"));
      Setups.fileAgent(agentVertx, port, root);
      oneShot(md, port, dir);
      window(md, port, root, dir, clientVertx);
    } finally {
      Setups.close(clientVertx, agentVertx, hubVertx);
      TestFiles.deleteTree(dir);
    }
    System.out.print(md);
    Sections.write(out, "shell-bench", md.toString());
    System.out.println("wrote the Shell section of " + out.toAbsolutePath());
    return 0;
  }

  private void oneShot(StringBuilder md, int port, Path dir) throws Exception {
    Path cds = dir.resolve("shell.jsa");
    List<String> base = List.of(java(), "-jar", agentJar.toString());
    List<String> list =
        List.of("shell", "--hub", "127.0.0.1:" + port, "--token", Setups.CLIENT_TOKEN, "list");
    // The class-data-sharing archive a wrapper script could keep: made by one run.
    run(
        concat(
            List.of(java(), "-XX:ArchiveClassesAtExit=" + cds, "-jar", agentJar.toString()), list));
    md.append("## Shell\n\n");
    md.append("Written by `io.dialback.bench.ShellBench` on ")
        .append(LocalDate.now())
        .append(" (")
        .append(Machine.cpu())
        .append(", load average at the start ")
        .append(loadAverage())
        .append("). Rerun with:\n\n```\n")
        .append(
            "mvn -B -q package -DskipTests && java -cp bench/target/dialback-bench.jar io.dialback.bench.ShellBench\n")
        .append("```\n\n");
    md.append("One-shot commands, each a new process from start to exit (")
        .append(runs)
        .append(" runs after two warm-ups; the hub and its agent run in the benchmark's JVM):\n\n");
    md.append("| command | median ms | fastest ms | slowest ms |\n|---|---:|---:|---:|\n");
    row(
        md,
        "`java -jar dialback-agent.jar shell --version` (the JVM and the command line)",
        concat(base, List.of("shell", "--version")));
    row(md, "`java -jar dialback-agent.jar shell list`", concat(base, list));
    row(
        md,
        "the same with `-XX:SharedArchiveFile` (a class-data archive, as a wrapper script could keep)",
        concat(List.of(java(), "-XX:SharedArchiveFile=" + cds, "-jar", agentJar.toString()), list));
    row(
        md,
        "the same with the archive and `-XX:TieredStopAtLevel=1`",
        concat(
            List.of(
                java(),
                "-XX:SharedArchiveFile=" + cds,
                "-XX:TieredStopAtLevel=1",
                "-jar",
                agentJar.toString()),
            list));
    md.append('\n');
  }

  private void window(StringBuilder md, int port, Path root, Path dir, Vertx vertx)
      throws Exception {
    long size = (long) fileMib * 1024 * 1024;
    TestFiles.random(root.resolve("big.bin"), size, 21);
    md.append("A ")
        .append(fileMib)
        .append(
            " MiB `get` (base64 chunks of 512 KiB, best of three) over loopback and through a proxy adding ")
        .append(rttMs / 2)
        .append(" ms each way (")
        .append(rttMs)
        .append(" ms round trip, `testkit.DelayProxy`; `tc netem` needs root):\n\n");
    md.append(
        "The proxy costs CPU of its own (every byte crosses it twice, on the same two cores), so the"
            + " slow link is compared with the proxy at 0 ms as well as with plain loopback.\n\n");
    md.append(
        "| link | window | MiB/s | vs loopback | vs proxy at 0 ms |\n|---|---|---:|---:|---:|\n");
    double[] loopback = new double[2];
    double[] proxied = new double[2];
    Vertx link = Vertx.vertx(); // the proxy has its own event loops, apart from the client's
    for (int delay : new int[] {-1, 0, rttMs / 2}) {
      DelayProxy proxy = delay < 0 ? null : DelayProxy.start(link, port, delay, 0);
      try {
        int via = proxy == null ? port : proxy.port();
        BridgeClient client = Setups.client(vertx, via, Setups.CLIENT_TOKEN, null);
        for (boolean sized : new boolean[] {false, true}) {
          TransferOptions options =
              sized ? TransferOptions.defaults() : TransferOptions.defaults().withWindow(8);
          double best = 0;
          for (int i = 0; i < 3; i++) {
            Path target = dir.resolve("copy.bin");
            var result =
                Download.toFile(
                        vertx, client, "files", "big.bin", target, options.withRestart(true))
                    .await(30, TimeUnit.MINUTES);
            best = Math.max(best, result.mibPerSecond());
            Files.delete(target);
          }
          int w = sized ? 1 : 0;
          if (delay < 0) {
            loopback[w] = best;
          } else if (delay == 0) {
            proxied[w] = best;
          }
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | %.0f | %.2f | %s |%n",
                  delay < 0
                      ? "loopback"
                      : delay == 0 ? "loopback through the proxy, 0 ms" : rttMs + " ms round trip",
                  sized
                      ? "sized to bandwidth × round trip, ≤ 16 MiB (default)"
                      : "fixed, 8 × 512 KiB (before)",
                  best,
                  best / loopback[w],
                  delay < 0 ? "" : String.format(Locale.ROOT, "%.2f", best / proxied[w])));
          System.out.println(md.substring(md.lastIndexOf("\n|", md.length() - 2)).trim());
        }
        client.close().await(10, TimeUnit.SECONDS);
      } finally {
        if (proxy != null) {
          proxy.close();
        }
      }
    }
    Setups.close(link);
    md.append('\n');
  }

  private void row(StringBuilder md, String what, List<String> command) throws Exception {
    run(command);
    run(command);
    List<Long> ms = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      ms.add(run(command));
    }
    Collections.sort(ms);
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %d |%n",
            what,
            ms.get(ms.size() / 2),
            ms.get(0),
            ms.get(ms.size() - 1)));
    System.out.println(what + ": median " + ms.get(ms.size() / 2) + " ms");
  }

  /** Runs a command to its end; its wall time in milliseconds. */
  private static long run(List<String> command) throws Exception {
    long start = System.nanoTime();
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    int code = p.waitFor();
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (code != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited with " + code);
    }
    return ms;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }
}
