package io.dialback.agent;

import io.dialback.hub.TestHub;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hub and agents as separate JVM processes with small heaps, on a free loopback port, and the
 * shell run against them as a script runs it: the processes of the end-to-end tests.
 */
public final class Fleet implements AutoCloseable {
  public static final List<String> SMALL_HEAP =
      List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xss512k", "-XX:TieredStopAtLevel=1");
  private static final Duration START = Duration.ofSeconds(30);

  public final Path dir;
  public final int port;
  private final List<JavaProcess> processes = new CopyOnWriteArrayList<>();
  private JavaProcess hub;

  private Fleet(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** A hub with {@code hubConf} (its port set here) running in {@code dir}. */
  public static Fleet start(Path dir, JsonObject hubConf) throws Exception {
    Fleet fleet = new Fleet(dir, Ports.free());
    Path conf =
        Files.writeString(
            dir.resolve("hub.json"), hubConf.copy().put("port", fleet.port).encodePrettily());
    fleet.hub =
        fleet.track(
            JavaProcess.start(
                "hub",
                "io.dialback.hub.HubMain",
                SMALL_HEAP,
                List.of("-conf", conf.toString()),
                Map.of(),
                dir.resolve("logs")));
    fleet.hub.awaitLog("listening on", START);
    return fleet;
  }

  /** The standard test hub: client "tester", agents alpha and beta. */
  public static Fleet start(Path dir) throws Exception {
    return start(dir, TestHub.conf().put("instances", 1));
  }

  public JavaProcess hub() {
    return hub;
  }

  /** Starts agent {@code name} sharing a fresh folder; returns that folder. */
  public Path agent(String name, String token, boolean writable) throws Exception {
    Path root = Files.createDirectories(dir.resolve("roots").resolve(name));
    JsonObject conf =
        new JsonObject()
            .put("name", name)
            .put("hubs", new JsonArray().add("127.0.0.1:" + port))
            .put("token", token)
            .put("root", root.toString())
            .put("writable", writable)
            .put("reconnect", new JsonObject().put("initialDelayMs", 50).put("maxDelayMs", 500));
    Path file = Files.writeString(dir.resolve(name + ".json"), conf.encodePrettily());
    track(
            JavaProcess.start(
                name,
                "io.dialback.agent.cli.AgentMain",
                SMALL_HEAP,
                List.of("-conf", file.toString()),
                Map.of(),
                dir.resolve("logs")))
        .awaitLog("connected to", START);
    return root;
  }

  /** {@code shell --hub ... --token <client> ARGS}, run to its end as a script would. */
  public JavaProcess.Result shell(String... args) throws Exception {
    return shell(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), null, args);
  }

  /** The same with other JVM options and stdin (null: empty). */
  public JavaProcess.Result shell(List<String> jvm, Path stdin, String... args) throws Exception {
    return JavaProcess.exec(
        jvm,
        "io.dialback.agent.cli.AgentMain",
        shellArgs(args),
        Map.of(),
        stdin,
        Duration.ofSeconds(120));
  }

  /** The shell's command line for {@code args}. */
  public List<String> shellArgs(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("shell", "--hub", "127.0.0.1:" + port, "--token", TestHub.CLIENT_TOKEN));
    all.addAll(List.of(args));
    return all;
  }

  public JavaProcess track(JavaProcess process) {
    processes.add(process);
    return process;
  }

  @Override
  public void close() throws Exception {
    for (JavaProcess p : processes) {
      p.close();
    }
  }
}
