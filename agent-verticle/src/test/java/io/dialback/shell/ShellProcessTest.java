package io.dialback.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.agent.Fleet;
import io.dialback.hub.TestHub;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.TestFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shell command in one-shot mode, as a script runs it: a shell process against a hub process
 * and agent processes (alpha read-only, beta and gamma writable), with its output and exit code.
 */
class ShellProcessTest {
  @TempDir static Path tmp;
  private static Fleet fleet;
  private static Path alpha;
  private static Path beta;
  private static Path gamma;

  @BeforeAll
  static void start() throws Exception {
    fleet =
        Fleet.start(
            tmp, HubConf.standard().agent("gamma-token-0001", "gamma").put("instances", 1).json());
    alpha = fleet.agent("alpha", TestHub.ALPHA_TOKEN, false);
    beta = fleet.agent("beta", TestHub.BETA_TOKEN, true);
    gamma = fleet.agent("gamma", "gamma-token-0001", true);
    Files.createDirectories(alpha.resolve("docs/deeper"));
    Files.writeString(alpha.resolve("docs/notes.txt"), "line one\nline two\n");
    Files.writeString(alpha.resolve("docs/deeper/leaf.txt"), "leaf");
    Files.createDirectories(alpha.resolve("logs"));
    Files.writeString(alpha.resolve("logs/a.txt"), "a");
    Files.writeString(alpha.resolve("logs/b.txt"), "b");
    Files.writeString(alpha.resolve("logs/c.log"), "c");
    TestFiles.random(alpha.resolve("big.bin"), 3 * 1024 * 1024 + 1, 8);
  }

  @AfterAll
  static void stop() throws Exception {
    fleet.close();
  }

  private static JavaProcess.Result ok(String... args) throws Exception {
    JavaProcess.Result r = fleet.shell(args);
    assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isZero();
    return r;
  }

  private static JavaProcess.Result fails(int code, String... args) throws Exception {
    JavaProcess.Result r = fleet.shell(args);
    assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(code);
    return r;
  }

  @Test
  void readingCommands() throws Exception {
    assertThat(ok("list").out()).contains("alpha", "read-only", "beta", "read-write");
    JsonObject agents = new JsonObject(ok("list", "--json").out());
    assertThat(agents.getJsonArray("agents")).hasSize(3);
    assertThat(ok("ls", "alpha:docs").out()).isEqualTo("deeper/\nnotes.txt\n");
    assertThat(ok("ls", "-l", "alpha:").out()).contains("3.0 MiB", "big.bin", "docs/");
    assertThat(new JsonObject(ok("ls", "--json", "alpha:logs/*.txt").out()).getJsonArray("entries"))
        .hasSize(2);
    assertThat(new JsonObject(ok("stat", "--json", "alpha:docs/notes.txt").out()).getLong("size"))
        .isEqualTo(18);
    assertThat(ok("stat", "alpha:docs").out()).contains("type:        dir");
    assertThat(ok("cat", "alpha:docs/notes.txt").out()).isEqualTo("line one\nline two\n");
    assertThat(ok("get", "alpha:docs/notes.txt", "-").out()).isEqualTo("line one\nline two\n");
    assertThat(ok("--version").out()).startsWith("dialback shell ");
    assertThat(ok("completion").out()).contains("complete -F", "get", "mkdir");
    for (String command : List.of("list", "ls", "stat", "cat", "get", "put", "cp", "mv", "rm")) {
      assertThat(ok(command, "--help").out()).startsWith("Usage: dialback-agent shell " + command);
    }
  }

  @Test
  void transferCommands() throws Exception {
    Path here = Files.createDirectories(tmp.resolve("here"));
    ok("get", "alpha:docs/notes.txt", here.toString());
    assertThat(Files.readString(here.resolve("notes.txt"))).isEqualTo("line one\nline two\n");
    ok("get", "-r", "--verify", "alpha:docs", here.resolve("docs").toString());
    assertThat(Files.readString(here.resolve("docs/deeper/leaf.txt"))).isEqualTo("leaf");
    Path logs = Files.createDirectories(tmp.resolve("globbed"));
    ok("get", "alpha:logs/*.txt", logs.toString());
    assertThat(names(logs)).containsExactly("a.txt", "b.txt");

    ok("put", here.resolve("notes.txt").toString(), "beta:");
    assertThat(Files.readString(beta.resolve("notes.txt"))).isEqualTo("line one\nline two\n");
    ok("put", "-r", "--verify", here.resolve("docs").toString(), "beta:");
    assertThat(Files.readString(beta.resolve("docs/deeper/leaf.txt"))).isEqualTo("leaf");
    Path stdin = Files.writeString(tmp.resolve("stdin.txt"), "from a pipe\n");
    JavaProcess.Result piped =
        fleet.shell(List.of("-Xmx64m", "-XX:+UseSerialGC"), stdin, "put", "-", "beta:piped.txt");
    assertThat(piped.exitCode()).as(piped.err()).isZero();
    assertThat(Files.readString(beta.resolve("piped.txt"))).isEqualTo("from a pipe\n");

    ok("cp", "--verify", "alpha:big.bin", "gamma:");
    assertThat(TestFiles.sha256(gamma.resolve("big.bin")))
        .isEqualTo(TestFiles.sha256(alpha.resolve("big.bin")));
    ok("cp", "-r", "alpha:docs", "gamma:copied");
    assertThat(Files.readString(gamma.resolve("copied/deeper/leaf.txt"))).isEqualTo("leaf");
  }

  @Test
  void changingCommands() throws Exception {
    ok("mkdir", "-p", "beta:made/deep/er");
    assertThat(beta.resolve("made/deep/er")).isDirectory();
    ok("mkdir", "beta:made/two");
    Files.writeString(beta.resolve("made/file.txt"), "f");
    ok("mv", "beta:made/file.txt", "beta:made/two");
    assertThat(beta.resolve("made/two/file.txt")).exists();
    ok("mv", "beta:made/two", "beta:moved");
    assertThat(beta.resolve("moved/file.txt")).exists();
    ok("rm", "beta:moved/file.txt");
    assertThat(beta.resolve("moved/file.txt")).doesNotExist();
    ok("rm", "-r", "beta:moved", "beta:made");
    assertThat(beta.resolve("made")).doesNotExist();
  }

  @Test
  void mistakesGetTheirCodeAndOneLine() throws Exception {
    assertThat(fails(1, "rm", "alpha:docs/notes.txt").err())
        .isEqualTo("dialback: rm: access_denied: agent alpha is read-only\n");
    assertThat(fails(1, "get", "alpha:nothing.txt", tmp.toString()).err())
        .isEqualTo("dialback: get: not_found: no such file or directory: nothing.txt\n");
    assertThat(fails(1, "get", "alpha:docs", tmp.toString()).err())
        .isEqualTo("dialback: get: alpha:docs is a folder: get -r fetches folders\n");
    assertThat(fails(2, "rm", "beta:").err()).isEqualTo("dialback: rm: give a path: beta:PATH\n");
    assertThat(fails(2, "ls", "-x", "alpha:").err())
        .isEqualTo("dialback: ls: Unknown option: '-x'\nusage: ls ... (see ls --help)\n");
    assertThat(fails(2, "frobnicate").err())
        .isEqualTo("dialback: unknown command \"frobnicate\"; try help\n");
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
