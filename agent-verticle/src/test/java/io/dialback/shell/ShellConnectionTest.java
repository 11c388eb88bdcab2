package io.dialback.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the shell cannot connect, its one line says why, in the hub's words when the hub gave some,
 * with a hint when TLS is the problem, and never later than the connect timeout.
 */
class ShellConnectionTest {
  @TempDir Path tmp;

  private static JavaProcess.Result shell(Map<String, String> env, String... args)
      throws Exception {
    List<String> all = new ArrayList<>(List.of("shell"));
    all.addAll(List.of(args));
    return JavaProcess.exec("io.dialback.agent.cli.AgentMain", all, env, Duration.ofSeconds(60));
  }

  private static JavaProcess.Result shell(String... args) throws Exception {
    return shell(Map.of(), args);
  }

  @Test
  void aRefusedTokenAClosedPortAndAMissingHubSaySo() throws Exception {
    try (TestHub hub = TestHub.start(Target.DIALBACK)) {
      JavaProcess.Result wrong =
          shell("--hub", "127.0.0.1:" + hub.port, "--token", "not-a-known-token", "list");
      assertThat(wrong.exitCode()).isEqualTo(3);
      assertThat(wrong.err())
          .isEqualTo(
              "dialback: cannot connect to 127.0.0.1:"
                  + hub.port
                  + ": not_logged_in: unknown token\n");
      JavaProcess.Result fromEnv =
          shell(
              Map.of(
                  "DIALBACK_HUB", "127.0.0.1:" + hub.port, "DIALBACK_TOKEN", TestHub.CLIENT_TOKEN),
              "list");
      assertThat(fromEnv.exitCode()).as(fromEnv.err()).isZero();
    }
    int closed = Ports.free();
    JavaProcess.Result refused =
        shell("--hub", "127.0.0.1:" + closed, "--token", "t-12345678", "list");
    assertThat(refused.exitCode()).isEqualTo(3);
    assertThat(refused.err())
        .startsWith(
            "dialback: cannot connect to 127.0.0.1:" + closed + ": unavailable: cannot reach")
        .contains("Connection refused", "(gave up after 3 attempts)");
    JavaProcess.Result none = shell("--token", "t-12345678", "list");
    assertThat(none.exitCode()).isEqualTo(3);
    assertThat(none.err())
        .isEqualTo("dialback: give the hub with --hub HOST:PORT, or set DIALBACK_HUB\n");
  }

  @Test
  void theHubsOwnReasonLeadsTheLine() throws Exception {
    JsonObject conf =
        HubConf.standard().limits(new JsonObject().put("maxConnectionsPerIdentity", 1)).json();
    try (TestHub hub = TestHub.start(Target.DIALBACK, conf)) {
      Vertx vertx = Vertx.vertx();
      BridgeClient holder =
          BridgeClient.create(
              vertx,
              ClientOptions.builder()
                  .hub("127.0.0.1", hub.port)
                  .token(TestHub.CLIENT_TOKEN)
                  .build());
      holder.connect().await(10, TimeUnit.SECONDS);
      try {
        JavaProcess.Result busy =
            shell("--hub", "127.0.0.1:" + hub.port, "--token", TestHub.CLIENT_TOKEN, "list");
        assertThat(busy.exitCode()).isEqualTo(3);
        assertThat(busy.err())
            .startsWith(
                "dialback: cannot connect to 127.0.0.1:"
                    + hub.port
                    + ": busy: tester has 1 connections open, its most (")
            .contains("gave up after 3 attempts");
      } finally {
        holder.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aHubThatNeverAnswersFailsWithinTheConnectTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread accepter =
          new Thread(
              () -> {
                List<Socket> held = new ArrayList<>();
                try {
                  while (true) {
                    held.add(silent.accept()); // accepted, never read from, never answered
                  }
                } catch (Exception e) {
                  // closed
                }
              });
      accepter.setDaemon(true);
      accepter.start();
      long start = System.nanoTime();
      JavaProcess.Result silentHub =
          shell(
              "--hub",
              "127.0.0.1:" + silent.getLocalPort(),
              "--token",
              "t-12345678",
              "--connect-timeout",
              "2",
              "list");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(silentHub.exitCode()).isEqualTo(3);
      assertThat(silentHub.err())
          .startsWith(
              "dialback: cannot connect to 127.0.0.1:"
                  + silent.getLocalPort()
                  + ": no answer within 2 s (the connect timeout; --connect-timeout changes it)."
                  + " Hint: is it a dialback hub?");
      assertThat(took).as("the timeout, plus a JVM's start").isLessThan(Duration.ofSeconds(8));
    }
  }

  @Test
  void tlsMistakesGetAHintWithTheCertificateTheHubPresents() throws Exception {
    JsonObject conf =
        HubConf.standard()
            .put("tls", new JsonObject().put("enabled", true).put("dir", tmp.toString()))
            .json();
    try (TestHub hub = TestHub.start(Target.DIALBACK, conf)) {
      String where = "127.0.0.1:" + hub.port;
      JavaProcess.Result plain = shell("--hub", where, "--token", TestHub.CLIENT_TOKEN, "list");
      assertThat(plain.exitCode()).isEqualTo(3);
      assertThat(plain.err())
          .contains(
              "Hint: the hub closed the connection without answering the login: if it speaks TLS,"
                  + " add --tls");
      JavaProcess.Result untrusted =
          shell("--hub", where, "--token", TestHub.CLIENT_TOKEN, "--tls", "list");
      assertThat(untrusted.exitCode()).isEqualTo(3);
      assertThat(untrusted.err())
          .containsPattern(
              "Hint: the hub's certificate is not trusted here; if SHA-256 ([0-9A-F:]{95}) is your"
                  + " hub's \\(it prints it when it starts\\), give --pin \\1, or --trust");
      String pin = untrusted.err().replaceAll("(?s).*give --pin ([0-9A-F:]{95}).*", "$1").trim();
      JavaProcess.Result pinned =
          shell("--hub", where, "--token", TestHub.CLIENT_TOKEN, "--tls", "--pin", pin, "list");
      assertThat(pinned.exitCode()).as(pinned.err()).isZero();
      Path cert = tmp.resolve("hub-cert.pem");
      assertThat(cert).exists();
      JavaProcess.Result trusted =
          shell(
              "--hub",
              where,
              "--token",
              TestHub.CLIENT_TOKEN,
              "--tls",
              "--trust",
              cert.toString(),
              "list");
      assertThat(trusted.exitCode()).as(trusted.err()).isZero();
      assertThat(Files.exists(cert)).isTrue();
    }
  }
}
