package io.dialback.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.Await;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Credentials and the limits that protect the hub: each refusal with its input. */
class SecurityTest {
  private static final Duration QUICK = Duration.ofSeconds(5);

  @TempDir Path tmp;

  private static JsonObject confWith(JsonObject limits, JsonObject... extraTokens) {
    JsonObject conf = TestHub.conf();
    conf.getJsonObject("limits").mergeIn(limits);
    for (JsonObject token : extraTokens) {
      conf.getJsonObject("auth").getJsonArray("tokens").add(token);
    }
    return conf;
  }

  private static JsonObject request(String address, String replyAddress) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", replyAddress)
        .put("body", "x");
  }

  private static JsonObject loginReply(int port, String token) throws Exception {
    try (RawBridgeSocket s = RawBridgeSocket.connect(port)) {
      return s.loginReply(token, null);
    }
  }

  @Test
  void hashedTokensWorkAndExpiredTokensAreRefused() throws Exception {
    JsonObject hashed =
        new JsonObject()
            .put(
                "tokenHash",
                "sha256:" + io.dialback.hub.gate.Tokens.sha256Hex("only-the-hash-is-stored"))
            .put("role", "client")
            .put("id", "hashed");
    JsonObject expired =
        new JsonObject()
            .put("token", "expired-token-0001")
            .put("role", "client")
            .put("id", "old")
            .put("expires", "2020-01-01T00:00:00Z");
    try (TestHub hub =
        TestHub.start(Target.DIALBACK, confWith(new JsonObject(), hashed, expired))) {
      assertThat(
              loginReply(hub.port, "only-the-hash-is-stored")
                  .getJsonObject("body")
                  .getString("identity"))
          .isEqualTo("hashed");
      JsonObject refused = loginReply(hub.port, "expired-token-0001");
      assertThat(refused.getInteger("failureCode")).isEqualTo(401);
      assertThat(refused.getString("message")).contains("expired");
    }
  }

  @Test
  void theTokenCommandMakesAWorkingHashedEntry() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code =
          new CommandLine(new HubMain())
              .execute("token", "--role", "client", "--id", "made", "--json");
    } finally {
      System.setOut(stdout);
    }
    assertThat(code).isZero();
    JsonObject made = new JsonObject(out.toString(StandardCharsets.UTF_8).trim());
    String token = made.getString("token");
    JsonObject entry = made.getJsonObject("entry");
    assertThat(entry.encode()).doesNotContain(token).contains("sha256:");
    try (TestHub hub = TestHub.start(Target.DIALBACK, confWith(new JsonObject(), entry))) {
      assertThat(loginReply(hub.port, token).getJsonObject("body").getString("identity"))
          .isEqualTo("made");
    }
  }

  @Test
  void failedLoginsAreSlowAndSlowerInAFloodButACorrectTokenAlwaysGetsIn() throws Exception {
    JsonObject limits =
        new JsonObject()
            .put("maxLoginFailuresPerMinute", 3)
            .put("loginFailureDelayMs", 300)
            .put("maxLoginFailureDelayMs", 1500);
    try (TestHub hub = TestHub.start(Target.DIALBACK, confWith(limits))) {
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        assertThat(loginReply(hub.port, "guess-number-" + i).getInteger("failureCode"))
            .isEqualTo(401);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isBetween(Duration.ofMillis(300), Duration.ofMillis(1400));
      }
      long start = System.nanoTime();
      assertThat(loginReply(hub.port, "guess-number-4").getInteger("failureCode")).isEqualTo(401);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("an address that fails often waits longer")
          .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
      // Agents behind one NAT share the guesser's address: a correct token is never held back.
      start = System.nanoTime();
      assertThat(loginReply(hub.port, TestHub.CLIENT_TOKEN).getString("type")).isEqualTo("message");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(300));
    }
  }

  @Test
  void aTokenReachesOnlyTheAddressesItAllows() throws Exception {
    JsonObject scoped =
        new JsonObject()
            .put("token", "scoped-token-0001")
            .put("role", "client")
            .put("id", "scoped")
            .put("allow", new JsonArray().add("test\\..*"));
    try (TestHub hub = TestHub.start(Target.DIALBACK, confWith(new JsonObject(), scoped));
        RawBridgeSocket s = RawBridgeSocket.login(hub.port, "scoped-token-0001", null)) {
      hub.vertx.eventBus().consumer("test.echo", m -> m.reply(m.body()));
      s.send(request("test.echo", "ok"));
      assertThat(s.read().getString("type")).isEqualTo("message");
      s.send(request("agent.alpha.fs.read", "no"));
      JsonObject err = s.read();
      assertThat(err.getInteger("failureCode")).isEqualTo(403);
      assertThat(err.getString("message")).contains("outside the addresses token scoped allows");
      s.send(new JsonObject().put("type", "register").put("address", "other.inbox"));
      assertThat(s.read().getInteger("failureCode")).isEqualTo(403);
      s.send(request("hub.agents.list", "list"));
      assertThat(s.read().getString("type"))
          .as("the hub's own addresses stay open")
          .isEqualTo("message");
    }
  }

  @Test
  void aRequestFloodGetsBusyAndOtherIdentitiesAreUnaffected() throws Exception {
    try (TestHub hub =
            TestHub.start(
                Target.DIALBACK, confWith(new JsonObject().put("maxRequestsPerSecond", 50)));
        RawBridgeSocket flooder = RawBridgeSocket.login(hub.port, TestHub.CLIENT_TOKEN, null);
        RawBridgeSocket other = RawBridgeSocket.login(hub.port, TestHub.ALPHA_TOKEN, "alpha")) {
      hub.vertx.eventBus().consumer("test.echo", m -> m.reply(m.body()));
      for (int i = 0; i < 200; i++) {
        flooder.send(request("test.echo", "r" + i));
      }
      int busy = 0;
      for (int i = 0; i < 200; i++) {
        JsonObject frame = flooder.read();
        if ("err".equals(frame.getString("type"))) {
          assertThat(frame.getInteger("failureCode")).isEqualTo(429);
          assertThat(frame.getString("message")).contains("messages a second");
          busy++;
        }
      }
      assertThat(busy).isBetween(100, 160);
      other.send(request("test.echo", "calm"));
      assertThat(other.read().getString("type")).isEqualTo("message");
    }
  }

  @Test
  void connectionsPerAddressAreBounded() throws Exception {
    try (TestHub hub =
        TestHub.start(
            Target.DIALBACK, confWith(new JsonObject().put("maxConnectionsPerAddress", 3)))) {
      List<RawBridgeSocket> open = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        open.add(RawBridgeSocket.login(hub.port, TestHub.CLIENT_TOKEN, null));
      }
      try (RawBridgeSocket fourth = RawBridgeSocket.connect(hub.port)) {
        List<JsonObject> frames = fourth.readUntilClosed(QUICK);
        assertThat(frames.get(0).getInteger("failureCode")).isEqualTo(429);
        assertThat(frames.get(0).getString("message")).contains("more than 3 connections");
      }
      open.remove(0).close();
      Await.until("a place free again", QUICK, () -> hub.hub().liveConnections() == 2);
      try (RawBridgeSocket again = RawBridgeSocket.login(hub.port, TestHub.CLIENT_TOKEN, null)) {
        again.barrier();
      }
      for (RawBridgeSocket s : open) {
        s.close();
      }
    }
  }

  @Test
  void tokensRotateWithoutARestartAndRevokedConnectionsClose() throws Exception {
    JsonObject conf = TestHub.conf().put("reloadSeconds", 1);
    Path file = Files.writeString(tmp.resolve("hub.json"), conf.encodePrettily());
    Vertx vertx = Vertx.vertx();
    try {
      HubVerticle hub = new HubVerticle(Map.of(), () -> null, file);
      vertx
          .deployVerticle(hub, new DeploymentOptions().setConfig(conf))
          .await(30, TimeUnit.SECONDS);
      try (RawBridgeSocket old =
          RawBridgeSocket.login(hub.actualPort(), TestHub.CLIENT_TOKEN, null)) {
        JsonArray tokens = conf.getJsonObject("auth").getJsonArray("tokens");
        tokens.remove(0); // the client token
        tokens.add(
            new JsonObject()
                .put("token", "rotated-token-0001")
                .put("role", "client")
                .put("id", "new"));
        Files.writeString(file, conf.encodePrettily());

        List<JsonObject> last = old.readUntilClosed(Duration.ofSeconds(10));
        assertThat(last).hasSize(1);
        assertThat(last.get(0).getString("message")).contains("revoked");
      }
      assertThat(loginReply(hub.actualPort(), "rotated-token-0001").getString("type"))
          .isEqualTo("message");
      assertThat(loginReply(hub.actualPort(), TestHub.CLIENT_TOKEN).getInteger("failureCode"))
          .isEqualTo(401);

      Files.writeString(file, "{ this is not json");
      Thread.sleep(2_500);
      assertThat(loginReply(hub.actualPort(), "rotated-token-0001").getString("type"))
          .as("a broken edit is ignored; the last good tokens stay")
          .isEqualTo("message");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theAuditTrailRecordsLoginsAndRefusalsWithoutSecrets() throws Exception {
    Logger audit = (Logger) LoggerFactory.getLogger("dialback.audit");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    audit.addAppender(lines);
    try (TestHub hub = TestHub.start(Target.DIALBACK)) {
      try (RawBridgeSocket s = RawBridgeSocket.login(hub.port, TestHub.CLIENT_TOKEN, null)) {
        s.send(new JsonObject().put("type", "register").put("address", "agent.alpha.fs.read"));
        s.read();
        for (int i = 0; i < 30; i++) {
          s.send(new JsonObject().put("type", "register").put("address", "agent.alpha.x" + i));
        }
        for (int i = 0; i < 30; i++) {
          assertThat(s.read().getInteger("failureCode")).isEqualTo(403);
        }
        s.barrier();
      }
      loginReply(hub.port, "wrong-secret-0001");
    } finally {
      audit.detachAppender(lines);
    }
    List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(messages)
        .anyMatch(
            m -> m.startsWith("login identity=tester role=client token=tester from=127.0.0.1:"));
    assertThat(messages)
        .anyMatch(
            m ->
                m.startsWith("refused identity=tester")
                    && m.contains("address=agent.alpha.fs.read code=403"));
    assertThat(messages)
        .anyMatch(m -> m.contains("further refusals of this connection are not logged"));
    assertThat(
            messages.stream().filter(m -> m.startsWith("refused identity=tester frame=")).count())
        .isLessThanOrEqualTo(20);
    assertThat(messages).anyMatch(m -> m.startsWith("login-refused code=401"));
    assertThat(String.join("\n", messages))
        .doesNotContain(TestHub.CLIENT_TOKEN)
        .doesNotContain("wrong-secret-0001");
  }
}
