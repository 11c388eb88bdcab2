package io.dialback.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.agent.AgentVerticle;
import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.HubConf;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shell command against a real hub and three real agents (alpha read-only, beta and gamma
 * writable), in process: its output and its exit code.
 */
class ShellTest {
  @TempDir static Path tmp;
  private static TestHub hub;
  private static Vertx agents;
  private static Vertx vertx;
  private static BridgeClient client;
  private static Path alphaRoot;
  private static Path betaRoot;
  private static Path gammaRoot;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Shell shell;

  @BeforeAll
  static void startHubAndAgents() throws Exception {
    int port = Ports.free();
    hub =
        TestHub.start(
            Target.DIALBACK,
            HubConf.standard().agent("gamma-token-0001", "gamma").port(port).json());
    alphaRoot = Files.createDirectories(tmp.resolve("alpha"));
    betaRoot = Files.createDirectories(tmp.resolve("beta"));
    gammaRoot = Files.createDirectories(tmp.resolve("gamma"));
    Files.createDirectories(alphaRoot.resolve("docs/deeper"));
    Files.writeString(alphaRoot.resolve("docs/notes.txt"), "line one\nline two\n");
    Files.writeString(alphaRoot.resolve("docs/deeper/leaf.txt"), "leaf");
    Files.createDirectories(alphaRoot.resolve("logs"));
    Files.writeString(alphaRoot.resolve("logs/a.txt"), "a");
    Files.writeString(alphaRoot.resolve("logs/b.txt"), "bb");
    Files.writeString(alphaRoot.resolve("logs/c.log"), "ccc");
    TestFiles.random(alphaRoot.resolve("big.bin"), 3 * 1024 * 1024 + 17, 3);
    agents = Vertx.vertx();
    deploy("alpha", TestHub.ALPHA_TOKEN, alphaRoot, false, port);
    deploy("beta", TestHub.BETA_TOKEN, betaRoot, true, port);
    deploy("gamma", "gamma-token-0001", gammaRoot, true, port);
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

  private void reset() {
    out.reset();
    err.reset();
  }

  @Test
  void hubsShowsTheHubWithItsCounts() {
    assertThat(run("list", "--json")).isZero();
    int agents = new JsonObject(out()).getJsonArray("agents").size();
    reset();
    assertThat(run("hubs")).isZero();
    List<String> lines = out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("HUB").contains("ADDRESS", "CONNECTIONS", "AGENTS");
    // Every agent and this shell (one client) are connected; no call is pending but maybe this.
    assertThat(lines.get(1))
        .contains(" *")
        .matches(
            ".*127\\.0\\.0\\.1:\\d+\\s+" + (agents + 1) + "\\s+" + agents + "\\s+1\\s+[01] .*");
    reset();
    assertThat(run("hubs", "--json")).isZero();
    assertThat(new JsonObject(out()).getJsonArray("hubs")).hasSize(1);
  }

  @Test
  void listShowsEveryAgentWithItsAccessAsATableOrJson() {
    assertThat(run("list")).isZero();
    List<String> lines = out().lines().toList();
    assertThat(lines.get(0)).startsWith("NAME").contains("HUB", "ACCESS");
    assertThat(lines.get(1)).startsWith("alpha").contains("read-only");
    assertThat(lines.get(2)).startsWith("beta").contains("read-write");
    reset();
    assertThat(run("list", "--json")).isZero();
    JsonObject doc = new JsonObject(out());
    JsonObject alpha = doc.getJsonArray("agents").getJsonObject(0);
    assertThat(alpha.fieldNames())
        .containsExactly("name", "hub", "writable", "connectedAt", "meta");
    assertThat(alpha.getString("name")).isEqualTo("alpha");
    assertThat(alpha.getBoolean("writable")).isFalse();
  }

  @Test
  void lsListsNamesLongWithHumanSizesJsonAndGlobs() {
    assertThat(run("ls", "alpha:docs")).isZero();
    assertThat(out()).isEqualTo("deeper/\nnotes.txt\n");
    reset();
    assertThat(run("ls", "-l", "alpha:")).isZero();
    List<String> lines = out().lines().toList();
    assertThat(lines)
        .anyMatch(l -> l.startsWith("-") && l.contains("3.0 MiB") && l.endsWith("big.bin"));
    assertThat(lines).anyMatch(l -> l.startsWith("d") && l.endsWith("docs/"));
    reset();
    assertThat(run("ls", "--json", "alpha:docs")).isZero();
    JsonObject doc = new JsonObject(out());
    assertThat(doc.fieldNames()).containsExactly("agent", "path", "entries");
    assertThat(doc.getJsonArray("entries").getJsonObject(1).getLong("size")).isEqualTo(18);
    reset();
    assertThat(run("ls", "alpha:logs/*.txt")).isZero();
    assertThat(out()).isEqualTo("a.txt\nb.txt\n");
    reset();
    assertThat(run("ls", "-l", "alpha:docs/notes.txt")).isZero();
    assertThat(out()).startsWith("-").contains("18 B").endsWith("notes.txt\n");
  }

  @Test
  void statShowsTheDetailsAsTextOrJson() {
    assertThat(run("stat", "alpha:/docs/notes.txt")).isZero();
    assertThat(out()).contains("type:        file", "size:        18 (18 B)", "writable:    false");
    reset();
    assertThat(run("stat", "--json", "alpha:docs/notes.txt")).isZero();
    JsonObject doc = new JsonObject(out());
    assertThat(doc.fieldNames())
        .containsExactly(
            "agent", "path", "type", "size", "modified", "created", "writable", "permissions");
    assertThat(doc.getLong("size")).isEqualTo(18);
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
  void getDownloadsFilesGlobsFoldersAndToStdout() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("downloads"));
    assertThat(run("get", "--verify", "alpha:big.bin", dir.toString())).as(err()).isZero();
    assertThat(TestFiles.sha256(dir.resolve("big.bin")))
        .isEqualTo(TestFiles.sha256(alphaRoot.resolve("big.bin")));
    assertThat(run("get", "alpha:docs/notes.txt", dir.resolve("renamed.txt").toString())).isZero();
    assertThat(Files.readString(dir.resolve("renamed.txt"))).isEqualTo("line one\nline two\n");
    assertThat(out()).as("quiet when not on a terminal").isEmpty();

    Path globbed = Files.createDirectories(tmp.resolve("globbed"));
    assertThat(run("get", "alpha:logs/*.txt", globbed.toString())).as(err()).isZero();
    assertThat(names(globbed)).containsExactly("a.txt", "b.txt");

    Path tree = tmp.resolve("tree");
    assertThat(run("get", "-r", "alpha:docs", tree.toString())).as(err()).isZero();
    assertThat(Files.readString(tree.resolve("deeper/leaf.txt"))).isEqualTo("leaf");
    assertThat(Files.readString(tree.resolve("notes.txt"))).isEqualTo("line one\nline two\n");

    reset();
    assertThat(run("get", "alpha:docs/notes.txt", "-")).isZero();
    assertThat(out()).isEqualTo("line one\nline two\n");
  }

  @Test
  void putUploadsFilesAndFoldersToAWritableAgentOnly() throws Exception {
    Path local = Files.writeString(tmp.resolve("upload.txt"), "uploaded by the shell");
    assertThat(run("put", local.toString(), "beta:")).isZero();
    assertThat(Files.readString(betaRoot.resolve("upload.txt"))).isEqualTo("uploaded by the shell");
    assertThat(run("put", "--verify", local.toString(), "beta:renamed.txt")).as(err()).isZero();
    assertThat(Files.readString(betaRoot.resolve("renamed.txt")))
        .isEqualTo("uploaded by the shell");

    Path folder = Files.createDirectories(tmp.resolve("outbox/inner"));
    Files.writeString(folder.resolve("deep.txt"), "deep");
    Files.writeString(folder.getParent().resolve("top.txt"), "top");
    assertThat(run("put", "-r", folder.getParent().toString(), "beta:")).as(err()).isZero();
    assertThat(Files.readString(betaRoot.resolve("outbox/inner/deep.txt"))).isEqualTo("deep");
    assertThat(Files.readString(betaRoot.resolve("outbox/top.txt"))).isEqualTo("top");

    assertThat(run("put", local.toString(), "alpha:x.txt")).isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: put: access_denied: agent alpha is read-only\n");
  }

  @Test
  void mkdirRmAndMvChangeAWritableAgent() throws Exception {
    assertThat(run("mkdir", "beta:made")).as(err()).isZero();
    assertThat(betaRoot.resolve("made")).isDirectory();
    assertThat(run("mkdir", "-p", "beta:made/a/b")).as(err()).isZero();
    assertThat(betaRoot.resolve("made/a/b")).isDirectory();
    assertThat(run("mkdir", "beta:made")).isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: mkdir: conflict: made already exists\n");

    Files.writeString(betaRoot.resolve("made/file.txt"), "x");
    reset();
    assertThat(run("mv", "beta:made/file.txt", "beta:made/a")).as(err()).isZero();
    assertThat(betaRoot.resolve("made/a/file.txt")).exists();
    Files.writeString(betaRoot.resolve("made/other.txt"), "y");
    assertThat(run("mv", "beta:made/other.txt", "beta:made/a/file.txt")).isEqualTo(Shell.FAILED);
    assertThat(err()).contains("conflict: made/a/file.txt already exists");
    assertThat(run("mv", "-f", "beta:made/other.txt", "beta:made/a/file.txt")).isZero();
    assertThat(Files.readString(betaRoot.resolve("made/a/file.txt"))).isEqualTo("y");
    reset();
    assertThat(run("mv", "beta:made", "gamma:made")).isEqualTo(Shell.USAGE);
    assertThat(err())
        .isEqualTo("dialback: mv: mv moves within one agent; between agents, cp then rm\n");

    reset();
    assertThat(run("rm", "beta:made")).isEqualTo(Shell.FAILED);
    assertThat(err())
        .isEqualTo(
            "dialback: rm: bad_request: made is a directory; delete it with recursive: true\n");
    assertThat(run("rm", "-r", "beta:made")).isZero();
    assertThat(betaRoot.resolve("made")).doesNotExist();
    reset();
    assertThat(run("rm", "alpha:docs/notes.txt")).isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: rm: access_denied: agent alpha is read-only\n");
  }

  @Test
  void cpCopiesBetweenAgentsFilesGlobsAndFolders() throws Exception {
    assertThat(run("cp", "--verify", "alpha:big.bin", "gamma:copy.bin")).as(err()).isZero();
    assertThat(TestFiles.sha256(gammaRoot.resolve("copy.bin")))
        .isEqualTo(TestFiles.sha256(alphaRoot.resolve("big.bin")));
    assertThat(run("mkdir", "gamma:logs")).isZero();
    assertThat(run("cp", "alpha:logs/*.txt", "gamma:logs")).as(err()).isZero();
    assertThat(names(gammaRoot.resolve("logs"))).containsExactly("a.txt", "b.txt");
    assertThat(run("cp", "-r", "alpha:docs", "gamma:")).as(err()).isZero();
    assertThat(Files.readString(gammaRoot.resolve("docs/deeper/leaf.txt"))).isEqualTo("leaf");
    reset();
    assertThat(run("cp", "alpha:docs", "gamma:x")).isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: cp: alpha:docs is a folder: cp -r copies folders\n");
  }

  @Test
  void failuresAreOneLineWithExitCodeOne() {
    assertThat(run("cat", "alpha:missing.txt")).isEqualTo(Shell.FAILED);
    assertThat(err())
        .isEqualTo("dialback: cat: not_found: no such file or directory: missing.txt\n");
    reset();
    assertThat(run("ls", "alpha:../..")).isEqualTo(Shell.FAILED);
    assertThat(err()).startsWith("dialback: ls: access_denied:").endsWith("\n").hasLineCount(1);
    reset();
    assertThat(run("ls", "nobody:")).isEqualTo(Shell.FAILED);
    assertThat(err()).startsWith("dialback: ls: no such agent or service");
    reset();
    assertThat(run("get", "alpha:docs")).isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: get: alpha:docs is a folder: get -r fetches folders\n");
    reset();
    assertThat(run("get", "alpha:logs/*.zip")).isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: get: not_found: no match for alpha:logs/*.zip\n");
    reset();
    Path folder = tmp.resolve("not-yet");
    assertThat(run("get", "alpha:big.bin", folder + "/")).isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: get: no such folder: " + folder + "/\n");
    reset();
    assertThat(run("get", "alpha:big.bin", folder.resolve("big.bin").toString()))
        .isEqualTo(Shell.FAILED);
    assertThat(err()).isEqualTo("dialback: get: no such folder: " + folder + "\n");
    assertThat(folder).as("nothing made under a name meant as a folder").doesNotExist();
  }

  @Test
  void usageMistakesAreOneLineAndAHintWithExitCodeTwo() {
    assertThat(run("frobnicate")).isEqualTo(Shell.USAGE);
    assertThat(err()).isEqualTo("dialback: unknown command \"frobnicate\"; try help\n");
    reset();
    assertThat(run("cat")).isEqualTo(Shell.USAGE);
    assertThat(err())
        .isEqualTo(
            "dialback: cat: Missing required parameter: 'AGENT:PATH'\n"
                + "usage: cat ... (see cat --help)\n");
    reset();
    assertThat(run("ls", "-x", "beta:")).isEqualTo(Shell.USAGE);
    assertThat(err()).startsWith("dialback: ls: Unknown option: '-x'\n").hasLineCount(2);
    reset();
    assertThat(run("cat", "alpha")).isEqualTo(Shell.USAGE);
    assertThat(err()).isEqualTo("dialback: cat: give a path: alpha:PATH\n");
    reset();
    assertThat(run("ls", "not an agent")).isEqualTo(Shell.USAGE);
    assertThat(run("put", "/no/such/file", "beta:")).isEqualTo(Shell.USAGE);
  }

  @Test
  void everyCommandHasItsOwnHelpAndHelpListsThemAll() {
    for (String command : Commands.NAMES) {
      if (command.equals("help") || command.equals("quit")) {
        continue;
      }
      reset();
      assertThat(run(command, "--help")).as(command).isZero();
      assertThat(out()).as(command).startsWith("Usage: dialback " + command);
    }
    reset();
    assertThat(run("help")).isZero();
    for (String command : Commands.NAMES) {
      if (!command.equals("quit")) {
        assertThat(out()).contains("  " + command + " ");
      }
    }
  }

  @Test
  void theCompletionScriptCompletesCommandsAndOptionsInBash() throws Exception {
    assertThat(run("completion")).isZero();
    Path script = Files.writeString(tmp.resolve("completion.sh"), out());
    String probe =
        "source "
            + script
            + " 2>/dev/null; COMP_WORDS=(dialback l); COMP_CWORD=1; _complete_dialback 2>/dev/null;"
            + " echo \"${COMPREPLY[@]}\"; COMP_WORDS=(dialback get --r); COMP_CWORD=2;"
            + " _complete_dialback 2>/dev/null; echo \"${COMPREPLY[@]}\"";
    Process bash = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true).start();
    String completed = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor()).isZero();
    assertThat(completed.lines()).containsExactly("list ls", "--recursive --restart");
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
