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
  private record Call(
      String label, String key, int inFlight, Load.Result result, long heapMib, long rssMib) {}

  private record FileRow(
      String label, String key, long bytes, double seconds, long heapMib, long rssMib) {
    double mibPerSecond() {
      return bytes / 1048576.0 / seconds;
    }
  }

  private final List<Call> calls = new ArrayList<>();
  private final List<FileRow> files = new ArrayList<>();
  private ScaleBench.Result scale;
  private boolean quick;
  private String command;

  void started(boolean quick, String command) {
    this.quick = quick;
    this.command = command;
  }

  void call(String label, String key, int inFlight, Load.Result result) {
    Call c = new Call(label, key, inFlight, result, heapMib(), rssMib());
    calls.add(c);
    System.out.printf(
        Locale.ROOT,
        "%-58s %3d in flight: %,10.0f/s  p50 %6.0f µs  p99 %6.0f µs%s%n",
        label,
        inFlight,
        result.perSecond(),
        result.p50Micros(),
        result.p99Micros(),
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

  /** One line per target: the figure, the goal, met or missed. */
  private List<String> targets() {
    List<String> lines = new ArrayList<>();
    target(
        lines,
        "hub → agent, 64 in flight, vs raw TCP",
        perSecond("dialback.hub-agent", 64) / perSecond("raw", 64),
        0.6);
    target(
        lines,
        "client → hub → agent, 64 in flight, vs raw TCP",
        perSecond("dialback.client-agent", 64) / perSecond("raw", 64),
        0.5);
    target(
        lines,
        "client → hub → agent, 64 in flight, vs the stock bridge",
        perSecond("dialback.client-agent", 64) / perSecond("stock.client-agent", 64),
        2.0);
    target(
        lines,
        "two-hub cluster vs one hub (client → agent, 64 in flight)",
        perSecond("cluster.client-agent", 64) / perSecond("dialback.client-agent", 64),
        0.6);
    target(
        lines,
        "file transfer, binary extension, vs raw TCP copy",
        mibPerSecond("dialback.binary") / mibPerSecond("raw"),
        0.4);
    target(
        lines,
        "file transfer, base64 JSON, vs the stock bridge",
        mibPerSecond("dialback.base64") / mibPerSecond("stock.base64"),
        2.0);
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
        "Everything runs in one JVM, each side with its own Vert.x instance, over loopback; the caller keeps\n");
    md.append(
        "1 or 64 requests in flight for the measured time (after a warm-up) with a ~100-byte JSON body. The\n");
    md.append(
        "hub runs with its per-identity rate limit off (the load is one identity). The hub-side caller runs\n");
    md.append(
        "on the agent connection's event loop, whichever bridge, so that one-in-flight latency compares the\n");
    md.append(
        "bridges rather than where Vert.x happened to place the caller. Heap and RSS are the benchmark\n");
    md.append("process's after each row. Why the figures are what they are, and what would move\n");
    md.append("them: [performance.md](performance.md).\n\n");
    md.append("## Request-reply\n\n");
    md.append(
        "| path | in flight | calls/s | p50 µs | p99 µs | vs raw TCP | heap MiB | RSS MiB |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Call c : calls) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %,.0f | %.0f | %.0f | %.2f | %d | %d |%n",
              c.label,
              c.inFlight,
              c.result.perSecond(),
              c.result.p50Micros(),
              c.result.p99Micros(),
              c.result.perSecond() / perSecond("raw", c.inFlight),
              c.heapMib,
              c.rssMib));
    }
    md.append("\n## File transfer\n\n");
    md.append(
        "One file through each path to a file on disk, checked by SHA-256 afterwards. Each transfer runs\n");
    md.append(
        "three times (once with `--quick`) and the fastest counts: disk write-back makes single runs vary\n");
    md.append("by half on this machine.\n\n");
    md.append(
        "| path | MiB/s | vs raw TCP copy | heap MiB | RSS MiB |\n|---|---:|---:|---:|---:|\n");
    for (FileRow f : files) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s (%d MiB) | %.1f | %.2f | %d | %d |%n",
              f.label,
              f.bytes >> 20,
              f.mibPerSecond(),
              f.mibPerSecond() / mibPerSecond("raw"),
              f.heapMib,
              f.rssMib));
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
    md.append(ShellBench.kept(path).isEmpty() ? "" : "\n" + ShellBench.kept(path));
    Files.writeString(path, md.toString());
  }

  private static long heapMib() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }

  static long rssMib() {
    return Machine.rssKib(ProcessHandle.current().pid()) >> 10;
  }
}
