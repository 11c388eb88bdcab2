package io.dialback.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A separate JVM running one of our main classes with the test class path: a real hub or agent
 * process for end-to-end tests. Its output goes to a log file the test can wait on.
 */
public final class JavaProcess implements AutoCloseable {
  private static final java.util.concurrent.atomic.AtomicInteger STARTS =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Children still running when the test JVM ends (killed, say) are ended with it. */
  private static final java.util.Set<Process> LIVE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "end-children"));
  }

  private final Process process;
  private final Path log;
  private final String name;

  private JavaProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code mainClass} with {@code jvmArgs} (heap size, GC) and {@code args}, logging to
   * {@code logDir/<name>-<n>.log}.
   */
  public static JavaProcess start(
      String name,
      String mainClass,
      List<String> jvmArgs,
      List<String> args,
      Map<String, String> env,
      Path logDir)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-Dhazelcast.phone.home.enabled=false");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    Files.createDirectories(logDir);
    // One log per process instance: a restarted process must not find its predecessor's lines.
    Path log = logDir.resolve(name + "-" + STARTS.incrementAndGet() + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.to(log.toFile())); // a fresh log per process
    builder.environment().keySet().removeIf(JavaProcess::ours);
    builder.environment().putAll(env);
    Process process = builder.start();
    LIVE.add(process);
    return new JavaProcess(name, process, log);
  }

  /**
   * Variables a child must not inherit from the test's environment: our own settings, and the proxy
   * variables agents and the shell obey (a test that wants them passes them in {@code env}).
   */
  private static boolean ours(String name) {
    return name.startsWith("DIALBACK_")
        || name.equalsIgnoreCase("HTTPS_PROXY")
        || name.equalsIgnoreCase("NO_PROXY");
  }

  /** What a finished command printed, and its exit code. */
  public record Result(int exitCode, String out, String err) {}

  /**
   * Runs {@code mainClass args} to completion in a child JVM, as a script would run it: stdout and
   * stderr apart, stdin empty (not a terminal).
   */
  public static Result exec(
      String mainClass, List<String> args, Map<String, String> env, Duration wait)
      throws IOException, InterruptedException {
    return exec(
        List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        mainClass,
        args,
        env,
        null,
        wait);
  }

  /**
   * Runs {@code mainClass args} to completion in a child JVM with {@code jvmArgs}, its stdin from
   * {@code stdin} (null: empty), stdout and stderr apart.
   */
  public static Result exec(
      List<String> jvmArgs,
      String mainClass,
      List<String> args,
      Map<String, String> env,
      Path stdin,
      Duration wait)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    Path out = Files.createTempFile("dialback-out", ".txt");
    Path err = Files.createTempFile("dialback-err", ".txt");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(
                  ProcessBuilder.Redirect.from(
                      stdin == null ? new java.io.File("/dev/null") : stdin.toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().keySet().removeIf(JavaProcess::ours);
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(mainClass + " " + args + " still running after " + wait);
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Waits until the log has a line matching {@code regex}; fails with the log if it does not. */
  public JavaProcess awaitLog(String regex, Duration wait)
      throws IOException, InterruptedException {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (logText().lines().anyMatch(l -> pattern.matcher(l).find())) {
        return this;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + ":\n" + logText());
      }
      Thread.sleep(25);
    }
    throw new IllegalStateException(
        name + ": no line matching " + regex + " within " + wait + ":\n" + logText());
  }

  /** Waits until 127.0.0.1:{@code port} accepts connections (for a process that logs little). */
  public JavaProcess awaitPort(int port, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
        return this;
      } catch (IOException e) {
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited with " + process.exitValue());
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException(name + ": port " + port + " not open within " + wait);
  }

  /**
   * The process's used heap in bytes, as {@code jcmd GC.heap_info} reports it (after a full GC if
   * {@code collectFirst}).
   */
  public long heapUsed(boolean collectFirst) throws IOException, InterruptedException {
    if (collectFirst) {
      jcmd("GC.run");
    }
    String out = jcmd("GC.heap_info");
    java.util.regex.Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
    long used = 0;
    while (m.find()) {
      used += Long.parseLong(m.group(2)) * 1024;
    }
    if (used == 0) {
      throw new IOException("no heap figures from jcmd: " + out);
    }
    return used;
  }

  /**
   * Writes the stacks of every thread of a live process next to its log ({@code <log>.threads}),
   * for reading after a test failed on a call that hung; returns that file.
   */
  public Path dumpThreads() throws IOException, InterruptedException {
    Path dump = log.resolveSibling(log.getFileName() + ".threads");
    Files.writeString(dump, isAlive() ? jcmd("Thread.print") : "process ended\n");
    return dump;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p =
        new ProcessBuilder(jcmd, String.valueOf(pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  /** Resident memory of the process in bytes (Linux). */
  public long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
      if (line.startsWith("VmRSS")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return 0;
  }

  /** Number of log lines matching {@code regex} so far. */
  public long countLog(String regex) throws IOException {
    Pattern pattern = Pattern.compile(regex);
    return logText().lines().filter(l -> pattern.matcher(l).find()).count();
  }

  public String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@code kill -9}: the process dies without a word to anyone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** {@code kill -STOP} / {@code kill -CONT}: freezes or thaws the process (a long GC, say). */
  public void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** {@code kill} (SIGTERM), then waits for the exit. */
  public int stop(Duration wait) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  /** Waits for the process to end by itself. */
  public int waitFor(Duration wait) throws InterruptedException {
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still running after " + wait);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
