package io.dialback.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dialback.agent.AgentVerticle;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.DelayProxy;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive shell in a real terminal (a tmux pane): keys typed, Tab completion of commands,
 * agent names and remote paths, history, Ctrl-C during a transfer and at the prompt, and the screen
 * read back. Skipped only where tmux is not installed.
 */
class InteractiveShellTest {
  @TempDir Path tmp;
  private final String session = "dialback-test-" + ProcessHandle.current().pid();
  private TestHub hub;
  private Vertx agents;

  @AfterEach
  void tearDown() throws Exception {
    tmux("kill-session", "-t", session);
    if (agents != null) {
      agents.close().await(10, TimeUnit.SECONDS);
    }
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void completesCommandsAgentsAndPathsAndRemembersHistory() throws Exception {
    assumeTrue(tmux("-V") == 0, "tmux is not installed");
    int port = Ports.free();
    hub = TestHub.start(Target.DIALBACK, TestHub.conf().put("port", port));
    Path root = Files.createDirectories(tmp.resolve("share/reports"));
    Files.writeString(root.resolve("quarterly.txt"), "numbers go up");
    agents = Vertx.vertx();
    AgentVerticle agent = new AgentVerticle(Map.of());
    agents
        .deployVerticle(
            agent,
            new DeploymentOptions()
                .setConfig(
                    new JsonObject()
                        .put("name", "alpha")
                        .put("hubs", new JsonArray().add("127.0.0.1:" + port))
                        .put("token", TestHub.ALPHA_TOKEN)
                        .put("root", tmp.resolve("share").toString())))
        .await(10, TimeUnit.SECONDS);
    agent.connected().await(10, TimeUnit.SECONDS);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command =
        String.join(
            " ",
            java,
            "-Duser.home=" + tmp,
            "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "io.dialback.agent.cli.AgentMain shell --hub 127.0.0.1:"
                + port
                + " --token "
                + TestHub.CLIENT_TOKEN);
    // If the shell ends early, keep its last words on the screen for the failure message.
    String kept = command + "; echo \"shell exited with $?\"; sleep 30";
    assertThat(tmux("new-session", "-d", "-s", session, "-x", "150", "-y", "40", kept)).isZero();
    awaitScreen("dialback>");

    keys("li", "Tab", "Enter");
    awaitScreen("read-only");
    keys("ls al", "Tab");
    awaitScreen("ls alpha:");
    keys("Enter");
    awaitScreen("reports/");
    keys("cat alpha:rep", "Tab");
    awaitScreen("cat alpha:reports/");
    keys("qu", "Tab", "Enter");
    awaitScreen("numbers go up");
    keys("Up");
    awaitScreen("dialback> cat alpha:reports/quarterly.txt");
    keys("C-u", "quit", "Enter");
    awaitScreen("shell exited with 0");
    assertThat(Files.readString(tmp.resolve(".dialback_history")))
        .contains("cat alpha:reports/quarterly.txt");
  }

  @Test
  void ctrlCCancelsATransferKeepsWhatItHasAndReturnsToThePromptAndTwiceLeaves() throws Exception {
    assumeTrue(tmux("-V") == 0, "tmux is not installed");
    int port = Ports.free();
    hub = TestHub.start(Target.DIALBACK, TestHub.conf().put("port", port));
    Path root = Files.createDirectories(tmp.resolve("share"));
    Path big = TestFiles.random(root.resolve("big.bin"), 24L * 1024 * 1024, 4);
    agents = Vertx.vertx();
    AgentVerticle agent = new AgentVerticle(Map.of());
    agents
        .deployVerticle(
            agent,
            new DeploymentOptions()
                .setConfig(
                    new JsonObject()
                        .put("name", "alpha")
                        .put("hubs", new JsonArray().add("127.0.0.1:" + port))
                        .put("token", TestHub.ALPHA_TOKEN)
                        .put("root", root.toString())))
        .await(10, TimeUnit.SECONDS);
    agent.connected().await(10, TimeUnit.SECONDS);
    // A slow link, so that the transfer is still running when Ctrl-C comes.
    DelayProxy slow = DelayProxy.start(agents, port, 1, 4L * 1024 * 1024);
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command =
        String.join(
            " ",
            "cd",
            dest.toString(),
            "&&",
            java,
            "-Duser.home=" + tmp,
            "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "io.dialback.agent.cli.AgentMain shell --hub 127.0.0.1:"
                + slow.port()
                + " --token "
                + TestHub.CLIENT_TOKEN);
    String kept = command + "; echo \"shell exited with $?\"; sleep 30";
    assertThat(tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "40", kept)).isZero();
    awaitScreen("dialback>");

    keys("get alpha:big.bin .", "Enter");
    Path note = dest.resolve("big.bin.part.resume");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(note) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(note).as("the transfer got going").exists();
    keys("C-c");
    awaitScreen("cancelled at byte");
    awaitScreen(".part kept (get it again to resume)");
    assertThat(lastLine()).isEqualTo("dialback>");
    assertThat(dest.resolve("big.bin.part")).exists();
    assertThat(dest.resolve("big.bin")).doesNotExist();

    keys("C-c");
    awaitScreen("shell exited with 0");
    slow.close();
    assertThat(Files.size(dest.resolve("big.bin.part"))).isLessThan(Files.size(big));
  }

  private String lastLine() throws Exception {
    Process capture = new ProcessBuilder("tmux", "capture-pane", "-p", "-t", session).start();
    String screen = new String(capture.getInputStream().readAllBytes());
    capture.waitFor();
    List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
    return lines.get(lines.size() - 1).trim();
  }

  private void keys(String... keys) throws Exception {
    List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
    args.addAll(List.of(keys));
    tmux(args.toArray(String[]::new));
  }

  private void awaitScreen(String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String screen = "";
    while (System.nanoTime() < deadline) {
      Process capture = new ProcessBuilder("tmux", "capture-pane", "-p", "-t", session).start();
      screen = new String(capture.getInputStream().readAllBytes());
      capture.waitFor();
      if (screen.contains(text)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("\"" + text + "\" never appeared; the screen was:\n" + screen);
  }

  private static int tmux(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tmux"));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor();
    } catch (java.io.IOException e) {
      return -1; // not installed
    }
  }
}
