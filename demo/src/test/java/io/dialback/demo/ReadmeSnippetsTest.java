package io.dialback.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Node.js and Java snippets, cut out of README.md and run exactly as printed against
 * the demo (started as the README says, moved to a free port with DIALBACK_HUB_PORT, which its
 * agents follow): each must print the demo file and exit 0. Nothing around them catches anything.
 */
class ReadmeSnippetsTest {
  private static final Path REPO = Path.of("..");
  private static final String NODE_CLIENT = "vertx3-tcp-eventbus-client@1.0.0-SNAPSHOT";
  private static final Path NODE_WORK = Path.of("target", "node-interop");

  @TempDir static Path tmp;
  private static JavaProcess demo;
  private static int port;
  private static String readme;

  @BeforeAll
  static void startTheDemo() throws Exception {
    port = Ports.free();
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    Files.copy(REPO.resolve("conf/hub.json"), conf.resolve("hub.json"));
    for (String agent : List.of("agent.json", "agent-beta.json")) {
      JsonObject json = new JsonObject(Files.readString(REPO.resolve("conf").resolve(agent)));
      Path root = REPO.resolve(json.getString("root")).toAbsolutePath().normalize();
      // As shipped, but with absolute roots: the demo runs in another folder here.
      Files.writeString(conf.resolve(agent), json.put("root", root.toString()).encodePrettily());
      assertThat(json.getJsonArray("hubs")).isEqualTo(new JsonArray().add("127.0.0.1:7000"));
    }
    demo =
        JavaProcess.start(
            "demo",
            "io.dialback.demo.DemoMain",
            List.of("-Xmx256m", "-XX:+UseSerialGC"),
            List.of("--conf-dir", conf.toString()),
            Map.of("DIALBACK_HUB_PORT", String.valueOf(port)),
            tmp.resolve("logs"));
    demo.awaitLog(
        "dialback demo: hub on 127.0.0.1:" + port + "; agents alpha", Duration.ofSeconds(60));
    readme = Files.readString(REPO.resolve("samples/alpha/README.txt"));
  }

  @AfterAll
  static void stopTheDemo() throws Exception {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  void theNodeSnippetPrintsTheFileAndExitsZero() throws Exception {
    assumeTrue(onPath("node") && onPath("npm"), "node and npm are not installed");
    installNodeClient();
    Path script = Files.writeString(tmp.resolve("snippet.js"), block("js", "require('vertx3"));
    ProcessBuilder node = new ProcessBuilder("node", script.toString()).directory(tmp.toFile());
    node.environment().put("DIALBACK_HUB", "127.0.0.1:" + port);
    node.environment()
        .put("NODE_PATH", NODE_WORK.resolve("node_modules").toAbsolutePath().toString());
    Result result = run(node);
    assertThat(result.code).as(result.err).isZero();
    assertThat(result.out).isEqualTo(readme);
  }

  @Test
  void theJavaSnippetCompilesRunsAndExitsZero() throws Exception {
    Path jar = REPO.resolve("agent-verticle/target/dialback-agent.jar");
    assumeTrue(Files.isRegularFile(jar), "the agent jar is built in the package phase");
    Path dir = Files.createDirectories(tmp.resolve("java"));
    Path source = Files.writeString(dir.resolve("ReadAlpha.java"), block("java", "public class"));
    ProcessBuilder java =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                jar.toAbsolutePath().toString(),
                source.getFileName().toString())
            .directory(dir.toFile());
    java.environment().put("DIALBACK_HUB", "127.0.0.1:" + port);
    Result result = run(java);
    assertThat(result.code).as(result.err).isZero();
    assertThat(result.out).startsWith("alpha\nbeta\nREADME.txt ").endsWith(readme);
    assertThat(Files.readString(dir.resolve("README.copy.txt"))).isEqualTo(readme);
  }

  /** The README's code block of {@code language} that contains {@code marker}. */
  private static String block(String language, String marker) throws Exception {
    String text = Files.readString(REPO.resolve("README.md"));
    String open = "```" + language + "\n";
    for (int at = text.indexOf(open); at >= 0; at = text.indexOf(open, at + 1)) {
      int start = at + open.length();
      String code = text.substring(start, text.indexOf("```", start));
      if (code.contains(marker)) {
        return code;
      }
    }
    throw new AssertionError("README.md has no ```" + language + " block with " + marker);
  }

  private record Result(int code, String out, String err) {}

  private static Result run(ProcessBuilder builder) throws Exception {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished within a minute").isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static void installNodeClient() throws Exception {
    if (Files.isDirectory(NODE_WORK.resolve("node_modules/vertx3-tcp-eventbus-client"))) {
      return;
    }
    Files.createDirectories(NODE_WORK);
    Files.writeString(NODE_WORK.resolve("package.json"), "{\"name\":\"readme\",\"private\":true}");
    // --ignore-scripts: nothing from the registry runs at install time.
    Process npm =
        new ProcessBuilder(
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--loglevel=error",
                NODE_CLIENT)
            .directory(NODE_WORK.toFile())
            .redirectErrorStream(true)
            .start();
    String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(npm.waitFor(120, TimeUnit.SECONDS)).as("npm install finished").isTrue();
    assertThat(npm.exitValue()).as("npm install: " + log).isZero();
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
