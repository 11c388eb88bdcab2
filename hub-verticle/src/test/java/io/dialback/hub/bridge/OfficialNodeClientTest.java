package io.dialback.hub.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official Vert.x TCP event-bus client for Node.js, installed from npm as a new user would,
 * against our hub. Skipped only where {@code node} and {@code npm} are not installed.
 */
class OfficialNodeClientTest {
  private static final String PACKAGE = "vertx3-tcp-eventbus-client@1.0.0-SNAPSHOT";
  private static final Path WORK = Path.of("target", "node-interop");

  @Test
  void officialNodeClientWorksUnchangedApartFromLogin() throws Exception {
    assumeTrue(onPath("node") && onPath("npm"), "node and npm are not installed");
    installClient();
    try (TestHub hub = TestHub.start(Target.DIALBACK)) {
      hub.vertx.eventBus().consumer("test.echo", m -> m.reply(m.body()));
      hub.vertx
          .eventBus()
          .consumer(
              "test.callme",
              m ->
                  hub.vertx
                      .eventBus()
                      .request("test.node.double", new JsonObject().put("n", 21))
                      .onComplete(
                          ar -> {
                            m.reply(ar.succeeded() ? ar.result().body() : ar.cause().getMessage());
                            hub.vertx
                                .eventBus()
                                .publish("test.node.news", new JsonObject().put("headline", "hi"));
                          }));

      ProcessBuilder builder =
          new ProcessBuilder(
                  "node",
                  Path.of("src/test/node/official-client.js").toAbsolutePath().toString(),
                  String.valueOf(hub.port),
                  TestHub.CLIENT_TOKEN)
              .directory(WORK.toFile())
              .redirectError(WORK.resolve("stderr.txt").toFile());
      // require() resolves next to the script, so point it at the installed modules.
      builder
          .environment()
          .put("NODE_PATH", WORK.resolve("node_modules").toAbsolutePath().toString());
      Process node = builder.start();
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).as("node finished").isTrue();
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertThat(node.exitValue())
          .as(out + "\n" + Files.readString(WORK.resolve("stderr.txt")))
          .isZero();
      JsonObject results = new JsonObject(out.substring(out.lastIndexOf('\n') + 1));

      assertThat(results.getJsonObject("login").getString("role")).isEqualTo("client");
      assertThat(results.getJsonObject("echo")).isEqualTo(new JsonObject().put("hello", "node"));
      assertThat(results.getJsonObject("called")).isEqualTo(new JsonObject().put("doubled", 42));
      assertThat(results.getJsonObject("news")).isEqualTo(new JsonObject().put("headline", "hi"));
      assertThat(results.getJsonObject("noHandlers").getString("failureType"))
          .isEqualTo("NO_HANDLERS");
      assertThat(results.getJsonObject("denied").getInteger("failureCode")).isEqualTo(403);
      assertThat(results.getJsonArray("errors")).isEmpty();
    }
  }

  private static void installClient() throws IOException, InterruptedException {
    if (Files.isDirectory(WORK.resolve("node_modules/vertx3-tcp-eventbus-client"))) {
      return;
    }
    Files.createDirectories(WORK);
    Files.writeString(WORK.resolve("package.json"), "{\"name\":\"interop\",\"private\":true}");
    // --ignore-scripts: nothing from the registry runs at install time.
    Process npm =
        new ProcessBuilder(
                List.of(
                    "npm",
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--ignore-scripts",
                    "--loglevel=error",
                    PACKAGE))
            .directory(WORK.toFile())
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
