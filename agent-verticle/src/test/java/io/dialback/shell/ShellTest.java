package io.dialback.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.agent.AgentVerticle;
import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every shell command against a real hub and two real agents, with its output and exit code. */
class ShellTest {
  @TempDir static Path tmp;
  private static TestHub hub;
  private static Vertx agents;
  private static Vertx vertx;
  private static BridgeClient client;
  private static Path alphaRoot;
  private static Path betaRoot;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Shell shell;

  @BeforeAll
  static void startHubAndAgents() throws Exception {
    int port = Ports.free();
    hub = TestHub.start(Target.DIALBACK, TestHub.conf().put("port", port));
    alphaRoot = Files.createDirectories(tmp.resolve("alpha"));
    betaRoot = Files.createDirectories(tmp.resolve("beta"));
    Files.createDirectories(alphaRoot.resolve("docs/deeper"));
    Files.writeString(alphaRoot.resolve("docs/notes.txt"), "line one\nline two\n");
    TestFiles.random(alphaRoot.resolve("big.bin"), 3 * 1024 * 1024 + 17, 3);
    agents = Vertx.vertx();
    deploy("alpha", TestHub.ALPHA_TOKEN, alphaRoot, false, port);
    deploy("beta", TestHub.BETA_TOKEN, betaRoot, true, port);
    vertx = Vertx.vertx();
    client =
        BridgeClient.create(
            vertx,
            ClientOptions.builder().hub("127.0.0.1", port).token(TestHub.CLIENT_TOKEN).build());
    client.connect().await(10, TimeUnit.SECONDS);
  }

  private static void deploy(String name, String token, Path root, boolean writable, int port)
      throws Exception {
    JsonObject conf =
        new JsonObject()
            .put("name", name)
            .put("hubs", new JsonArray().add("127.0.0.1:" + port))
            .put("token", token)
            .put("root", root.toString())
            .put("writable", writable);
    AgentVerticle agent = new AgentVerticle(Map.of());
    agents
        .deployVerticle(agent, new DeploymentOptions().setConfig(conf))
        .await(10, TimeUnit.SECONDS);
    agent.connected().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    agents.close().await(10, TimeUnit.SECONDS);
    hub.close();
  }

  @BeforeEach
  void newShell() {
    shell =
        new Shell(
            vertx,
            client,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Shell.Progress.NONE);
  }

  private int run(String... words) {
    return shell.run(List.of(words));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void listShowsEveryAgentWithItsAccess() {
    assertThat(run("list")).isZero();
    List<String> lines = out().lines().toList();
    assertThat(lines.get(0)).startsWith("NAME").contains("HUB", "ACCESS");
    assertThat(lines.get(1)).startsWith("alpha").contains("read-only");
    assertThat(lines.get(2)).startsWith("beta").contains("read-write");
  }

  @Test
  void hubsShowsTheHubWithItsCounts() {
    assertThat(run("hubs")).isZero();
    List<String> lines = out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("HUB").contains("ADDRESS", "CONNECTIONS", "AGENTS");
    assertThat(lines.get(1))
        .contains(" *")
        .matches(".*127\\.0\\.0\\.1:\\d+\\s+3\\s+2\\s+1\\s+[01] .*");
  }

  @Test
  void lsListsAFolderWithTypesAndSizes() {
    assertThat(run("ls", "alpha:docs")).isZero();
    List<String> lines = out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("d").endsWith("deeper/");
    assertThat(lines.get(1)).startsWith("-").contains("18").endsWith("notes.txt");
    out.reset();
    assertThat(run("ls", "alpha")).isZero();
    assertThat(out()).contains("big.bin", "docs/");
  }

  @Test
  void statShowsTheDetails() {
    assertThat(run("stat", "alpha:/docs/notes.txt")).isZero();
    assertThat(out()).contains("type:        file", "size:        18", "writable:    false");
  }

  @Test
  void catPrintsTheBytesOfEvenALargeFileInOrder() throws Exception {
    assertThat(run("cat", "alpha:docs/notes.txt")).isZero();
    assertThat(out()).isEqualTo("line one\nline two\n");
    out.reset();
    assertThat(run("cat", "alpha:big.bin")).isZero();
    assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(alphaRoot.resolve("big.bin")));
  }

  @Test
  void getDownloadsToAFileOrIntoAFolder() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("downloads"));
    assertThat(run("get", "alpha:big.bin", dir.toString())).isZero();
    assertThat(TestFiles.sha256(dir.resolve("big.bin")))
        .isEqualTo(TestFiles.sha256(alphaRoot.resolve("big.bin")));
    assertThat(run("get", "alpha:docs/notes.txt", dir.resolve("renamed.txt").toString())).isZero();
    assertThat(Files.readString(dir.resolve("renamed.txt"))).isEqualTo("line one\nline two\n");
    assertThat(out()).as("quiet when not on a terminal").isEmpty();
  }

  @Test
  void putUploadsToAWritableAgentOnly() throws Exception {
    Path local = Files.writeString(tmp.resolve("upload.txt"), "uploaded by the shell");
    assertThat(run("put", local.toString(), "beta:")).isZero();
    assertThat(Files.readString(betaRoot.resolve("upload.txt"))).isEqualTo("uploaded by the shell");
    assertThat(run("put", local.toString(), "beta:renamed.txt")).isZero();
    assertThat(Files.readString(betaRoot.resolve("renamed.txt")))
        .isEqualTo("uploaded by the shell");

    assertThat(run("put", local.toString(), "alpha:x.txt")).isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: put: access_denied: agent alpha is read-only\n");
  }

  @Test
  void failuresAreOneLineWithExitCodeOne() {
    assertThat(run("cat", "alpha:missing.txt")).isEqualTo(Shell.FAILED);
    assertThat(err())
        .isEqualTo("dialback: cat: not_found: no such file or directory: missing.txt\n");
    err.reset();
    assertThat(run("ls", "alpha:../..")).isEqualTo(Shell.FAILED);
    assertThat(err()).startsWith("dialback: ls: access_denied:").endsWith("\n").hasLineCount(1);
    err.reset();
    assertThat(run("ls", "nobody:")).isEqualTo(Shell.FAILED);
    assertThat(err()).startsWith("dialback: ls: no such agent or service");
    err.reset();
    assertThat(run("get", "alpha:docs")).isEqualTo(Shell.FAILED);
    assertThat(err()).contains("is not a file (dir)");
    err.reset();
    Path folder = tmp.resolve("not-yet");
    assertThat(run("get", "alpha:big.bin", folder + "/")).isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: get: no such folder: " + folder + "/\n");
    err.reset();
    assertThat(run("get", "alpha:big.bin", folder.resolve("big.bin").toString()))
        .isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: get: no such folder: " + folder + "\n");
    assertThat(folder).as("nothing made under a name meant as a folder").doesNotExist();
  }

  @Test
  void usageMistakesGetExitCodeTwo() {
    assertThat(run("frobnicate")).isEqualTo(Shell.USAGE);
    assertThat(err()).contains("unknown command \"frobnicate\"");
    err.reset();
    assertThat(run("cat")).isEqualTo(Shell.USAGE);
    assertThat(err()).startsWith("dialback: usage: cat AGENT:PATH");
    err.reset();
    assertThat(run("cat", "alpha")).isEqualTo(Shell.USAGE);
    assertThat(err()).contains("give a path");
    err.reset();
    assertThat(run("ls", "not an agent")).isEqualTo(Shell.USAGE);
    assertThat(run("put", "/no/such/file", "beta:")).isEqualTo(Shell.USAGE);
  }

  @Test
  void helpListsEveryCommand() {
    assertThat(run("help")).isZero();
    assertThat(out().lines()).hasSize(Shell.COMMANDS.size());
  }
}
