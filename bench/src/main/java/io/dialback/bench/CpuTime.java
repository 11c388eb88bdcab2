package io.dialback.bench;

import io.dialback.testkit.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** CPU time of the benchmark's processes, from {@code /proc/<pid>/stat} (Linux). */
final class CpuTime {
  private CpuTime() {}

  /** Cores that {@code processes} kept busy together over {@code look}. */
  static double cores(List<JavaProcess> processes, Duration look) throws Exception {
    double before = seconds(processes);
    Thread.sleep(look.toMillis());
    return (seconds(processes) - before) / (look.toMillis() / 1000.0);
  }

  /** User and system CPU time of {@code processes} together so far, in seconds. */
  static double seconds(List<JavaProcess> processes) throws IOException {
    double sum = 0;
    for (JavaProcess p : processes) {
      sum += seconds(p.pid());
    }
    return sum;
  }

  /** User and system CPU time of process {@code pid} so far, in seconds. */
  static double seconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command: state is field 3; utime and stime are fields 14 and 15 (1-based).
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks / 100.0; // CLK_TCK is 100 on Linux
  }
}
