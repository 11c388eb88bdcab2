package io.dialback.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.testkit.Await;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples as users run them: separate JVMs for the hubs, the agent and the example program,
 * over loopback, mirroring a real folder; the copy must be byte-identical.
 */
class ExamplesTest {
  private static final List<String> SMALL_JVM = List.of("-Xmx128m", "-XX:+UseSerialGC");
  private static final String CLIENT_TOKEN = "examples-client-token";
  private static final String AGENT_TOKEN = "examples-agent-token";

  @TempDir Path tmp;
  private final Path logs = Path.of("target", "process-logs", "ExamplesTest");
  private final List<JavaProcess> processes = new CopyOnWriteArrayList<>();
  private Path root;

  @BeforeEach
  void aFolderToMirror() throws IOException {
    root = Files.createDirectories(tmp.resolve("alpha"));
    Files.writeString(root.resolve("a.txt"), "alpha\n");
    Files.createDirectories(root.resolve("docs/deep"));
    Files.createDirectories(root.resolve("empty"));
    Files.writeString(root.resolve("docs/readme.md"), "# read me\n");
    TestFiles.random(root.resolve("docs/deep/data.bin"), 2 * 1024 * 1024 + 3, 11);
  }

  @AfterEach
  void stopAll() throws Exception {
    for (JavaProcess p : processes) {
      p.close();
    }
  }

  @Test
  void theBridgeMirrorCopiesTheFolderAndThenOnlyWhatChanged() throws Exception {
    int port = Ports.free();
    startHub("hub", port, null);
    startAgent(port);
    Path copy = tmp.resolve("copy");
    List<String> args =
        List.of("--hub", "127.0.0.1:" + port, "--agent", "alpha", "--to", copy.toString());

    JavaProcess.Result first = bridgeMirror(args, Map.of("DIALBACK_TOKEN", CLIENT_TOKEN));

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("agents: [alpha]", "3 copied");
    assertThat(tree(copy)).isEqualTo(tree(root));

    Files.writeString(root.resolve("a.txt"), "alpha, changed\n");
    JavaProcess.Result second = bridgeMirror(args, Map.of("DIALBACK_TOKEN", CLIENT_TOKEN));

    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("1 copied", "2 unchanged");
    assertThat(tree(copy)).isEqualTo(tree(root));
  }

  @Test
  void aWrongTokenIsReportedWithItsExitCode() throws Exception {
    int port = Ports.free();
    startHub("hub", port, null);

    JavaProcess.Result refused =
        bridgeMirror(
            List.of(
                "--hub",
                "127.0.0.1:" + port,
                "--token",
                "wrong-token-123",
                "--agent",
                "alpha",
                "--to",
                tmp.resolve("x").toString()),
            Map.of());

    assertThat(refused.exitCode()).isEqualTo(MirrorCommand.UNREACHABLE);
    assertThat(refused.err()).contains("cannot reach the hubs: not_logged_in: unknown token");
  }

  /**
   * A clustered Vert.x process — not a hub, no bridge connection — joins a two-hub cluster by one
   * hub's address, reads the folder of an agent connected to the other hub, then follows the
   * agent's file-change events as they cross the cluster.
   */
  @Test
  void theClusteredMirrorReadsAnAgentOnAnotherHubAndFollowsItsChanges() throws Exception {
    int[] bridge = {Ports.free(), Ports.free()};
    int[] cluster = {Ports.free(), Ports.free()};
    JsonArray hubs = new JsonArray().add("127.0.0.1:" + cluster[0]).add("127.0.0.1:" + cluster[1]);
    startHub("hub1", bridge[0], clusterSection(cluster[0], hubs));
    startHub("hub2", bridge[1], clusterSection(cluster[1], hubs));
    startAgent(bridge[1]);
    Path member =
        Files.writeString(
            tmp.resolve("member.json"),
            new JsonObject()
                .put(
                    "cluster",
                    clusterSection(Ports.free(), new JsonArray().add("127.0.0.1:" + cluster[0])))
                .encodePrettily());
    Path copy = tmp.resolve("copy");

    JavaProcess mirror =
        start(
            "mirror",
            "io.dialback.examples.ClusteredMirror",
            List.of(
                "--conf",
                member.toString(),
                "--agent",
                "alpha",
                "--to",
                copy.toString(),
                "--follow"));
    mirror.awaitLog("following changes of alpha", Duration.ofSeconds(90));

    assertThat(mirror.logText()).contains("agents: [alpha]", "3 copied");
    assertThat(tree(copy)).isEqualTo(tree(root));

    TestFiles.random(root.resolve("docs/new.bin"), 300_000, 12);
    Files.delete(root.resolve("a.txt"));
    Await.until(
        "the mirror to follow the agent's changes",
        Duration.ofSeconds(30),
        () -> tree(copy).equals(tree(root)));

    int exit = mirror.stop(Duration.ofSeconds(30));
    assertThat(exit).isIn(0, 143); // SIGTERM: stopped following, left the cluster
    assertThat(mirror.logText()).contains("updated docs/new.bin", "removed a.txt");
  }

  // ---- processes ----

  /** Runs the bridge mirror to its end, as a script would. */
  private static JavaProcess.Result bridgeMirror(List<String> args, Map<String, String> env)
      throws Exception {
    return JavaProcess.exec("io.dialback.examples.BridgeMirror", args, env, Duration.ofSeconds(60));
  }

  private JavaProcess start(String name, String main, List<String> args) throws IOException {
    JavaProcess p = JavaProcess.start(name, main, SMALL_JVM, args, Map.of(), logs);
    processes.add(p);
    return p;
  }

  private void startHub(String name, int port, JsonObject cluster) throws Exception {
    JsonObject conf =
        HubConf.bare()
            .client(CLIENT_TOKEN, "client")
            .agent(AGENT_TOKEN, "alpha")
            .port(port)
            .put("name", name)
            .put("instances", 1)
            .json();
    if (cluster != null) {
      conf.put("cluster", cluster.copy().put("enabled", true));
    }
    Path file = Files.writeString(tmp.resolve(name + ".json"), conf.encodePrettily());
    start(name, "io.dialback.hub.HubMain", List.of("-conf", file.toString()))
        .awaitLog("ready: listening on", Duration.ofSeconds(90));
  }

  private void startAgent(int hubPort) throws Exception {
    JsonObject conf =
        new JsonObject()
            .put("name", "alpha")
            .put("hubs", new JsonArray().add("127.0.0.1:" + hubPort))
            .put("token", AGENT_TOKEN)
            .put("root", root.toString())
            .put("fs", new JsonObject().put("watch", true));
    Path file = Files.writeString(tmp.resolve("alpha.json"), conf.encodePrettily());
    start("alpha", "io.dialback.agent.cli.AgentMain", List.of("-conf", file.toString()))
        .awaitLog("connected to", Duration.ofSeconds(60));
  }

  private static JsonObject clusterSection(int port, JsonArray members) {
    return new JsonObject()
        .put("host", "127.0.0.1")
        .put("port", port)
        .put("members", members)
        .put("name", "examples-" + ProcessHandle.current().pid());
  }

  /** Every folder and file below {@code dir} with its SHA-256 ("dir" for folders). */
  private static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> tree = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return tree;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(p -> !p.equals(dir)).toList()) {
        String key = dir.relativize(p).toString();
        tree.put(key, Files.isDirectory(p) ? "dir" : TestFiles.sha256(p));
      }
    }
    return tree;
  }
}
