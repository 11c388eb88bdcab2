package io.dialback.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command: the demo launcher with (copies of) the repository's conf files, as a
 * separate process, then the shell's one-shot mode as separate processes, as a user runs them.
 */
class DemoLauncherTest {
  private static final Path REPO_CONF = Path.of("..", "conf");

  @TempDir Path tmp;

  @Test
  void theDemoRunsAHubAndTwoAgentsThatTheShellListsAndCopiesBetween() throws Exception {
    int port = Ports.free();
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    Path alpha = Files.createDirectories(tmp.resolve("alpha"));
    Path beta = Files.createDirectories(tmp.resolve("beta"));
    int adminPort = Ports.free();
    JsonObject hub = read("hub.json").put("port", port);
    hub.getJsonObject("http").put("port", Ports.free());
    hub.getJsonObject("admin").put("port", adminPort);
    Files.writeString(conf.resolve("hub.json"), hub.encodePrettily());
    Files.writeString(
        conf.resolve("agent.json"), agentConf("agent.json", port, alpha).encodePrettily());
    Files.writeString(
        conf.resolve("agent-beta.json"), agentConf("agent-beta.json", port, beta).encodePrettily());
    Path data = TestFiles.random(alpha.resolve("data.bin"), 2 * 1024 * 1024 + 5, 11);
    String token = clientToken(hub);

    try (JavaProcess demo =
        JavaProcess.start(
            "demo",
            "io.dialback.demo.DemoMain",
            List.of("-Xmx256m", "-XX:+UseSerialGC"),
            List.of("--conf-dir", conf.toString()),
            Map.of(),
            tmp.resolve("logs"))) {
      demo.awaitLog("dialback demo: hub on 127.0.0.1:" + port, Duration.ofSeconds(60));
      // The admin endpoints are printed last: read the text once they are (a look right after
      // the first line of the banner could come before the rest was written).
      demo.awaitLog("127.0.0.1:" + adminPort + "/metrics", Duration.ofSeconds(10));
      assertThat(demo.logText())
          .contains("shell --hub 127.0.0.1:" + port + " --token " + token + " list")
          .contains("http://127.0.0.1:" + adminPort + "/metrics");
      JavaProcess.Result hubs = shell(port, token, "hubs");
      assertThat(hubs.exitCode()).as(hubs.err()).isZero();
      assertThat(hubs.out()).contains("127.0.0.1:" + port + " *");

      JavaProcess.Result list = shell(port, token, "list");
      assertThat(list.exitCode()).as(list.err()).isZero();
      assertThat(list.out().lines().filter(l -> l.startsWith("alpha") || l.startsWith("beta")))
          .hasSize(2);

      Path fetched = tmp.resolve("fetched.bin");
      JavaProcess.Result get = shell(port, token, "get", "alpha:data.bin", fetched.toString());
      assertThat(get.exitCode()).as(get.err()).isZero();
      JavaProcess.Result put = shell(port, token, "put", fetched.toString(), "beta:copied.bin");
      assertThat(put.exitCode()).as(put.err()).isZero();
      assertThat(TestFiles.sha256(beta.resolve("copied.bin"))).isEqualTo(TestFiles.sha256(data));

      JavaProcess.Result refused = shell(port, token, "put", fetched.toString(), "alpha:nope.bin");
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err())
          .isEqualTo("dialback: put: access_denied: agent alpha is read-only\n");

      demo.stop(Duration.ofSeconds(20));
      assertThat(demo.logText()).contains("agent alpha stopped", "agent beta stopped");
    }
  }

  @Test
  void aBusyPortIsOneLineAndExitCodeOneAndVersionAnswers() throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("conf"));
    Files.copy(REPO_CONF.resolve("hub.json"), conf.resolve("hub.json"));
    Files.writeString(
        conf.resolve("agent.json"),
        agentConf("agent.json", 7000, Files.createDirectories(tmp.resolve("alpha")))
            .encodePrettily());
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      JavaProcess.Result busy =
          JavaProcess.exec(
              "io.dialback.demo.DemoMain",
              List.of("--conf-dir", conf.toString()),
              Map.of("DIALBACK_HUB_PORT", String.valueOf(port)),
              Duration.ofSeconds(60));
      assertThat(busy.exitCode()).isEqualTo(1);
      assertThat(busy.err())
          .isEqualTo(
              "dialback-demo: port "
                  + port
                  + " is in use (another demo or hub running?): stop it, or start the demo on"
                  + " another port, e.g. DIALBACK_HUB_PORT=7100 java -jar"
                  + " demo/target/dialback-demo.jar\n");
      assertThat(busy.out()).isEmpty();
    }
    JavaProcess.Result version =
        JavaProcess.exec(
            "io.dialback.demo.DemoMain", List.of("--version"), Map.of(), Duration.ofSeconds(30));
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("dialback-demo ");
  }

  private static JavaProcess.Result shell(int port, String token, String... command)
      throws Exception {
    List<String> args =
        new ArrayList<>(List.of("shell", "--hub", "127.0.0.1:" + port, "--token", token));
    args.addAll(List.of(command));
    return JavaProcess.exec(
        "io.dialback.agent.cli.AgentMain", args, Map.of(), Duration.ofSeconds(60));
  }

  private static JsonObject read(String file) throws Exception {
    return new JsonObject(Files.readString(REPO_CONF.resolve(file)));
  }

  private static JsonObject agentConf(String file, int port, Path root) throws Exception {
    return read(file)
        .put("hubs", new JsonArray().add("127.0.0.1:" + port))
        .put("root", root.toString());
  }

  private static String clientToken(JsonObject hub) {
    for (Object o : hub.getJsonObject("auth").getJsonArray("tokens")) {
      JsonObject t = (JsonObject) o;
      if ("client".equals(t.getString("role"))) {
        return t.getString("token");
      }
    }
    throw new AssertionError("conf/hub.json has no client token");
  }
}
