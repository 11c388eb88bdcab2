package io.dialback.bench;

import io.dialback.testkit.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

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

  /**
   * CPU time of the JIT compiler threads of {@code pids} together so far, in seconds; a process
   * that has ended counts nothing.
   */
  static double compilerSeconds(List<Long> pids) throws IOException {
    long ticks = 0;
    for (long pid : pids) {
      try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path thread : (Iterable<Path>) threads::iterator) {
          String stat;
          try {
            stat = Files.readString(thread.resolve("stat"));
          } catch (IOException gone) {
            continue;
          }
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            ticks += ticks(stat);
          }
        }
      } catch (NoSuchFileException gone) {
        // ended
      }
    }
    return ticks / 100.0;
  }

  /** User and system CPU time of process {@code pid} so far, in seconds. */
  static double seconds(long pid) throws IOException {
    return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) / 100.0;
  }

  /**
   * utime + stime of a process's or thread's {@code stat} line, in ticks (CLK_TCK 100 on Linux).
   */
  private static long ticks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command: state is field 3; utime and stime are fields 14 and 15 (1-based).
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
