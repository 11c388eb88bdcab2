package io.dialback.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The figures of one run: printed as they come, and as a Markdown report with the targets. */
final class Report {
  /**
   * @param hubCpuMicros the hub process's CPU time per call, or NaN when the hub runs in this
   *     process
   */
  private record Call(
      String label,
      String key,
      int inFlight,
      Load.Result result,
      long heapMib,
      long rssMib,
      double hubCpuMicros) {}

  private record FileRow(
      String label, String key, long bytes, double seconds, long heapMib, long rssMib) {
    double mibPerSecond() {
      return bytes / 1048576.0 / seconds;
    }
  }

  private final List<Call> calls = new ArrayList<>();
  private final List<FileRow> files = new ArrayList<>();
  private ScaleBench.Result scale;
  private List<FrameReadBench.Row> frameReads = List.of();
  private boolean quick;
  private boolean separateProcesses;
  private String command;

  void started(boolean quick, boolean separateProcesses, String command) {
    this.quick = quick;
    this.separateProcesses = separateProcesses;
    this.command = command;
  }

  void call(String label, String key, int inFlight, Load.Result result) {
    call(label, key, inFlight, result, Double.NaN, 1);
  }

  /** A row whose hub ran in a process of its own, which spent {@code hubCpuSeconds} on it. */
  void call(
      String label,
      String key,
      int inFlight,
      Load.Result result,
      double hubCpuSeconds,
      long hubCalls) {
    double cpuMicros = hubCpuSeconds * 1e6 / Math.max(1, hubCalls);
    Call c = new Call(label, key, inFlight, result, heapMib(), rssMib(), cpuMicros);
    calls.add(c);
    System.out.printf(
        Locale.ROOT,
        "%-58s %3d in flight: %,10.0f/s  p50 %6.0f µs  p99 %6.0f µs%s%s%n",
        label,
        inFlight,
        result.perSecond(),
        result.p50Micros(),
        result.p99Micros(),
        Double.isNaN(cpuMicros)
            ? ""
            : String.format(Locale.ROOT, "  hub CPU %5.1f µs/call", cpuMicros),
        result.failures() > 0 ? "  (" + result.failures() + " failed)" : "");
  }

  void file(String label, String key, long bytes, double seconds) {
    FileRow f = new FileRow(label, key, bytes, seconds, heapMib(), rssMib());
    files.add(f);
    System.out.printf(
        Locale.ROOT,
        "%-58s %,8.1f MiB/s (%d MiB in %.2f s)%n",
        label,
        f.mibPerSecond(),
        bytes >> 20,
        seconds);
  }

  void frameReads(List<FrameReadBench.Row> rows) {
    frameReads = rows;
    for (FrameReadBench.Row r : rows) {
      System.out.printf(
          Locale.ROOT,
          "a frame (%s, %,d bytes): ours %,.0f ns, Jackson %,.0f ns%n",
          r.frame(),
          r.bytes(),
          r.oursNanos(),
          r.jacksonNanos());
    }
  }

  void scale(ScaleBench.Result result) {
    this.scale = result;
    System.out.println(result.describe());
  }

  private double perSecond(String key, int inFlight) {
    for (Call c : calls) {
      if (c.key.equals(key) && c.inFlight == inFlight) {
        return c.result.perSecond();
      }
    }
    return Double.NaN;
  }

  private double mibPerSecond(String key) {
    for (FileRow f : files) {
      if (f.key.equals(key)) {
        return f.mibPerSecond();
      }
    }
    return Double.NaN;
  }

  void print(PrintStream out) {
    out.println();
    for (String line : targets()) {
      out.println(line);
    }
  }

  private double p50(String key, int inFlight) {
    for (Call c : calls) {
      if (c.key.equals(key) && c.inFlight == inFlight) {
        return c.result.p50Micros();
      }
    }
    return Double.NaN;
  }

  /** One line per target: the figure, the goal, met or missed. */
  private List<String> targets() {
    List<String> lines = new ArrayList<>();
    target(
        lines,
        "client → hub → agent, 64 in flight, vs raw TCP",
        perSecond("dialback.client-agent", 64) / perSecond("raw", 64),
        0.5);
    target(
        lines,
        "hub → agent, 64 in flight, vs raw TCP",
        perSecond("dialback.hub-agent", 64) / perSecond("raw", 64),
        0.6);
    target(
        lines,
        "client → hub → agent, 1 in flight, p50 vs raw TCP p50",
        p50("dialback.client-agent", 1) / p50("raw", 1),
        -1.8);
    target(
        lines,
        "client → hub → agent, 1 in flight, p50 vs the stock bridge's",
        p50("dialback.client-agent", 1) / p50("stock.client-agent", 1),
        -0.999);
    target(
        lines,
        "client → hub → agent, 64 in flight, vs the stock bridge",
        perSecond("dialback.client-agent", 64) / perSecond("stock.client-agent", 64),
        2.0);
    target(
        lines,
        "two-hub cluster vs one hub (client → agent, 64 in flight)",
        perSecond("cluster.client-agent", 64) / perSecond("dialback.client-agent", 64),
        0.7);
    double hop = perSecond("raw-relay2", 64) / perSecond("raw-relay1", 64);
    if (!Double.isNaN(hop)) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  (the same for raw TCP through two relay processes vs one: %.2f, what one more"
                  + " process in the path leaves on this machine)",
              hop));
    }
    target(
        lines,
        "metrics on vs off (client → hub → agent, 64 in flight)",
        perSecond("metrics-on.client-agent", 64) / perSecond("metrics-off.client-agent", 64),
        0.9);
    target(
        lines,
        "file transfer, binary extension, vs raw TCP copy",
        mibPerSecond("dialback.binary") / mibPerSecond("raw"),
        0.8);
    target(
        lines,
        "file transfer, base64 JSON, vs the stock bridge",
        mibPerSecond("dialback.base64") / mibPerSecond("stock.base64"),
        2.0);
    target(
        lines,
        "client → hub → agent over WebSocket vs over TCP, 64 in flight",
        perSecond("websocket.client-agent", 64) / perSecond("dialback.client-agent", 64),
        0.7);
    target(
        lines,
        "file transfer, binary extension, over WebSocket vs over TCP",
        mibPerSecond("websocket.binary") / mibPerSecond("dialback.binary"),
        0.7);
    if (scale != null && scale.connected() >= 10_000) {
      target(
          lines,
          "10,000 idle agents: hub heap (GiB), at most",
          scale.heapBytes() / 1073741824.0,
          -1.0);
    } else {
      target(lines, "10,000 idle agents: hub heap (GiB), at most", Double.NaN, -1.0);
    }
    return lines;
  }

  /** A goal {@code goal} > 0 means "at least", < 0 means "at most |goal|". */
  private static void target(List<String> lines, String what, double value, double goal) {
    if (Double.isNaN(value)) {
      lines.add(String.format(Locale.ROOT, "target %-58s not measured", what));
      return;
    }
    boolean met = goal > 0 ? value >= goal : value <= -goal;
    lines.add(
        String.format(
            Locale.ROOT,
            "target %-58s %6.2f (goal %s %.2f): %s",
            what,
            value,
            goal > 0 ? "≥" : "≤",
            Math.abs(goal),
            met ? "met" : "MISSED"));
  }

  void write(Path path) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append(
        "Written by the benchmark harness (`bench/`, `io.dialback.bench.BenchMain`); every figure below\n");
    md.append("comes from the run described here. Rerun with:\n\n");
    md.append("```\nmvn -B -q package -DskipTests && ").append(command).append("\n```\n\n");
    if (quick) {
      md.append(
          "**This was a `--quick` run (sub-second measurements): a smoke test of the harness, not figures to quote.**\n\n");
    }
    md.append("## Machine\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| date | ").append(LocalDate.now()).append(" |\n");
    md.append("| CPU | ")
        .append(Machine.cpu())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores |\n");
    md.append("| memory | ").append(Machine.memory()).append(" |\n");
    md.append("| Java | ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.version"))
        .append(" |\n");
    md.append("| OS | ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.version"))
        .append(" |\n");
    md.append("| JVM flags | ")
        .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))
        .append(" |\n\n");
    md.append(
        separateProcesses
            ? "Each party runs in a JVM of its own (`-Xmx512m -XX:+UseParallelGC`), as deployments run\n"
                + "them: the hub (ours or the stock bridge), the echo or file agent, the raw TCP peer, and the\n"
                + "benchmark process as the client. \"Hub CPU\" is the hub process's user and system CPU time\n"
                + "during the measured run divided by the calls (`/proc/<pid>/stat`); for \"hub → agent\" the\n"
                + "caller runs inside the hub's process, so its cost is counted there too.\n"
            : "Everything runs in one JVM (`--one-jvm`), each side with its own Vert.x instance.\n");
    md.append(
        "Over loopback, the caller keeps 1 or 64 requests in flight for the measured time (after a\n");
    md.append(
        "warm-up) with a ~100-byte JSON body. The hub runs with its per-identity rate limit off (the load\n");
    md.append(
        "is one identity). The hub-side caller runs on the agent connection's event loop, whichever bridge,\n");
    md.append(
        "so that one-in-flight latency compares the bridges. TLS rows use the JDK's TLS with the hub's own\n");
    md.append(
        "certificate on both connections (the agent's and the client's). Why the figures are what they\n");
    md.append("are, and what would move them: [performance.md](performance.md).\n\n");
    md.append("## Request-reply\n\n");
    md.append("| path | in flight | calls/s | p50 µs | p99 µs | vs raw TCP | hub CPU µs/call |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Call c : calls) {
      String raw = c.key.startsWith("tls") || c.key.equals("raw-tls") ? "raw-tls" : "raw";
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %,.0f | %.0f | %.0f | %.2f%s | %s |%n",
              c.label,
              c.inFlight,
              c.result.perSecond(),
              c.result.p50Micros(),
              c.result.p99Micros(),
              c.result.perSecond() / perSecond(raw, c.inFlight),
              raw.equals("raw-tls") ? " (of raw TLS)" : "",
              Double.isNaN(c.hubCpuMicros)
                  ? "–"
                  : String.format(Locale.ROOT, "%.1f", c.hubCpuMicros)));
    }
    md.append("\n## File transfer\n\n");
    md.append(
        "One file through each path to a file on disk, checked by SHA-256 afterwards. Each transfer runs\n");
    md.append(
        "three times (once with `--quick`) and the fastest counts: disk write-back makes single runs vary\n");
    md.append("by half on this machine.\n\n");
    md.append("| path | MiB/s | vs raw TCP copy |\n|---|---:|---:|\n");
    for (FileRow f : files) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s (%d MiB) | %.1f | %.2f |%n",
              f.label,
              f.bytes >> 20,
              f.mibPerSecond(),
              f.mibPerSecond() / mibPerSecond("raw")));
    }
    if (!frameReads.isEmpty()) {
      md.append("\n## Reading and writing a frame: ours or Jackson\n\n");
      md.append(
          "Reading: what every party spends to read one frame's envelope and check the whole of it is\n");
      md.append(
          "well-formed JSON, with the byte scanner (`Frame.read`) and with Jackson's streaming parser.\n");
      md.append(
          "Writing: a request with a `JsonObject` body, by `FrameWriter` and as the stock bridge does\n");
      md.append(
          "(the envelope a `JsonObject`, encoded by Jackson). In this process, best of five rounds.\n\n");
      md.append("| frame | bytes | ours ns | Jackson ns |\n|---|---:|---:|---:|\n");
      for (FrameReadBench.Row r : frameReads) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %,d | %,.0f | %,.0f |%n",
                r.frame(),
                r.bytes(),
                r.oursNanos(),
                r.jacksonNanos()));
      }
    }
    if (scale != null) {
      md.append("\n## Idle agents on one hub\n\n").append(scale.markdown()).append('\n');
    }
    md.append("\n## Targets\n\n```\n");
    for (String line : targets()) {
      md.append(line).append('\n');
    }
    md.append("```\n");
    Files.createDirectories(path.toAbsolutePath().getParent());
    md.append(Sections.kept(path));
    Files.writeString(path, md.toString());
  }

  private static long heapMib() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }

  static long rssMib() {
    return Machine.rssKib(ProcessHandle.current().pid()) >> 10;
  }
}
