package io.dialback.hub.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where our hub departs from the stock bridge on purpose: each test sends one kind of hostile or
 * broken input, checks the hub's answer, and then checks that a well-behaved client on another
 * connection is still served. Over TCP here, and the same bodies over WebSocket in {@link
 * HostileInputOverWebSocketTest}.
 */
class HostileInputTest {
  private static final Duration QUICK = Duration.ofSeconds(5);

  private TestHub hub;

  /** The transport every connection of this class uses (its subclass runs it over WebSocket). */
  Target target() {
    return Target.DIALBACK;
  }

  @BeforeEach
  void startHub() {
    hub = TestHub.start(target());
    hub.vertx.eventBus().consumer("test.echo", msg -> msg.reply(msg.body()));
  }

  @AfterEach
  void stopHub() throws Exception {
    hub.close();
  }

  private RawBridgeSocket client() throws Exception {
    return RawBridgeSocket.login(hub.endpoint(), TestHub.CLIENT_TOKEN, null);
  }

  private static JsonObject request(String address, String replyAddress, Object body) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", replyAddress)
        .put("body", body);
  }

  /** A fresh, well-behaved connection still gets its echo. */
  private void assertHubStillServes() throws Exception {
    try (RawBridgeSocket s = client()) {
      assertEchoes(s);
    }
  }

  private static void assertEchoes(RawBridgeSocket s) throws Exception {
    String reply = s.nextReplyAddress();
    s.send(request("test.echo", reply, "still here"));
    JsonObject frame = s.read();
    assertThat(frame.getString("type")).isEqualTo("message");
    assertThat(frame.getString("address")).isEqualTo(reply);
    assertThat(frame.getString("body")).isEqualTo("still here");
  }

  private static JsonObject assertErr(JsonObject frame, int code) {
    assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("err");
    assertThat(frame.getInteger("failureCode")).as(frame.encode()).isEqualTo(code);
    assertThat(frame.getString("message")).isNotBlank();
    return frame;
  }

  // ---- malformed frames after login: err, and the same connection keeps working ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"bogus\",\"address\":\"x\"}",
        "{\"address\":\"test.echo\"}",
        "{\"type\":7}",
        "[1,2,3]",
        "\"just a string\"",
        "42",
        "null",
        "{not json",
        "",
        "{\"type\":\"send\"}",
        "{\"type\":\"send\",\"address\":5}",
        "{\"type\":\"send\",\"address\":\"test.echo\",\"headers\":[1]}",
        "{\"type\":\"send\",\"address\":\"test.echo\",\"body\":123456789012345678901234567890}"
      })
  void malformedFrameGetsErrAndConnectionKeepsWorking(String payload) throws Exception {
    try (RawBridgeSocket s = client()) {
      s.sendBytes(payload.getBytes(StandardCharsets.UTF_8));

      JsonObject err = assertErr(s.read(), 400);
      assertThat(err.getString("message")).startsWith("bad_request");
      assertEchoes(s);
    }
    assertHubStillServes();
  }

  @Test
  void unknownTypeIsNamedInTheErr() throws Exception {
    try (RawBridgeSocket s = client()) {
      s.send(new JsonObject().put("type", "subscribe").put("address", "a"));
      assertThat(assertErr(s.read(), 400).getString("message"))
          .contains("unknown type \"subscribe\"");
      s.barrier();
    }
  }

  @Test
  void deeplyNestedJsonIsRefusedWithoutHarm() throws Exception {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    try (RawBridgeSocket s = client()) {
      s.sendBytes(deep.getBytes(StandardCharsets.UTF_8));
      assertErr(s.read(), 400);
      assertEchoes(s);
    }
  }

  @Test
  void frameSplitIntoSingleBytesIsReassembled() throws Exception {
    try (RawBridgeSocket s = client()) {
      byte[] payload =
          request("test.echo", "r-split", "pieces").encode().getBytes(StandardCharsets.UTF_8);
      byte[] frame =
          ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
      for (byte b : frame) {
        s.sendRaw(new byte[] {b});
      }
      assertThat(s.read().getString("body")).isEqualTo("pieces");
    }
  }

  // ---- lengths: refused before buffering, then closed ----

  @ParameterizedTest
  @ValueSource(ints = {-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 16 * 1024 * 1024 + 1})
  void outOfRangeLengthGetsErrAndClose(int declared) throws Exception {
    try (RawBridgeSocket s = client()) {
      s.sendRaw(ByteBuffer.allocate(4).putInt(declared).array());

      List<JsonObject> frames = s.readUntilClosed(QUICK);
      assertThat(frames).hasSize(1);
      assertThat(assertErr(frames.get(0), 413).getString("message"))
          .contains(String.valueOf(declared));
    }
    assertHubStillServes();
  }

  @Test
  void largeFrameBeforeLoginIsRefused() throws Exception {
    try (RawBridgeSocket s = RawBridgeSocket.connect(hub.endpoint())) {
      s.sendRaw(ByteBuffer.allocate(4).putInt(1024 * 1024).array());
      assertErr(s.readUntilClosed(QUICK).get(0), 413);
    }
    assertHubStillServes();
  }

  @Test
  void truncatedFrameThenCloseLeavesNothingBehind() throws Exception {
    int before = hub.hub().liveConnections();
    try (RawBridgeSocket s = client()) {
      s.sendRaw(
          ByteBuffer.allocate(14)
              .putInt(100)
              .put("{\"type\":".getBytes(StandardCharsets.UTF_8))
              .array());
    }
    awaitLiveConnections(before);
    assertHubStillServes();
  }

  // ---- login first ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"register\",\"address\":\"agent.alpha.fs.read\"}",
        "{\"type\":\"publish\",\"address\":\"hub.agents.events\",\"body\":{}}",
        "{\"type\":\"send\",\"address\":\"test.echo\",\"replyAddress\":\"r\",\"body\":1}",
        "{\"type\":\"unregister\",\"address\":\"x\"}",
        "{not json"
      })
  void frameBeforeLoginGetsErrAndClose(String payload) throws Exception {
    try (RawBridgeSocket s = RawBridgeSocket.connect(hub.endpoint())) {
      s.sendBytes(payload.getBytes(StandardCharsets.UTF_8));
      List<JsonObject> frames = s.readUntilClosed(QUICK);
      assertThat(frames).hasSize(1);
      assertThat(frames.get(0).getString("type")).isEqualTo("err");
    }
    assertHubStillServes();
  }

  @Test
  void pingBeforeLoginIsAnswered() throws Exception {
    // The official Node.js and Python clients ping as soon as the socket opens.
    try (RawBridgeSocket s = RawBridgeSocket.connect(hub.endpoint())) {
      s.barrier();
      assertThat(s.loginReply(TestHub.CLIENT_TOKEN, null).getString("type")).isEqualTo("message");
      assertEchoes(s);
    }
  }

  @Test
  void loginReplySaysWhoAndWhere() throws Exception {
    try (RawBridgeSocket s = RawBridgeSocket.connect(hub.endpoint())) {
      JsonObject reply = s.loginReply(TestHub.ALPHA_TOKEN, "alpha");
      assertThat(reply.getString("address")).isEqualTo("test.reply.1");
      assertThat(reply.getJsonObject("body"))
          .isEqualTo(
              new JsonObject()
                  .put("identity", "alpha")
                  .put("role", "agent")
                  .put("hub", "127.0.0.1:" + hub.port)
                  .put("binary", false)
                  .put("maxPendingRequests", Limits.DEFAULTS.maxPendingRequests()));
    }
  }

  @Test
  void framesPipelinedAfterLoginAreServedInOrder() throws Exception {
    try (RawBridgeSocket s = RawBridgeSocket.connect(hub.endpoint())) {
      JsonObject login =
          new JsonObject()
              .put("type", "send")
              .put("address", "hub.login")
              .put("replyAddress", "login")
              .put("body", new JsonObject().put("token", TestHub.CLIENT_TOKEN));
      s.send(login).send(request("test.echo", "after", "pipelined"));
      assertThat(s.read().getString("address")).isEqualTo("login");
      assertThat(s.read().getString("body")).isEqualTo("pipelined");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrong-token-123", ""})
  void badTokenGetsErrToReplyAddressAndClose(String token) throws Exception {
    try (RawBridgeSocket s = RawBridgeSocket.connect(hub.endpoint())) {
      JsonObject err = s.loginReply(token, null);
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("address")).isEqualTo("test.reply.1");
      assertThat(err.getString("failureType")).isEqualTo("RECIPIENT_FAILURE");
      assertThat(err.getInteger("failureCode")).isIn(400, 401);
      assertThat(err.getString("message")).doesNotContain(token.isEmpty() ? "\u0000" : token);
      assertThat(s.isClosedByPeer(QUICK)).isTrue();
    }
    assertHubStillServes();
  }

  @Test
  void tokenMayBindOnlyItsNames() throws Exception {
    try (RawBridgeSocket s = RawBridgeSocket.connect(hub.endpoint())) {
      JsonObject err = s.loginReply(TestHub.ALPHA_TOKEN, "beta");
      assertThat(err.getInteger("failureCode")).isEqualTo(403);
      assertThat(s.isClosedByPeer(QUICK)).isTrue();
    }
    try (RawBridgeSocket s = RawBridgeSocket.connect(hub.endpoint())) {
      assertThat(s.loginReply(TestHub.CLIENT_TOKEN, "alpha").getInteger("failureCode"))
          .isEqualTo(403);
    }
  }

  @Test
  void nameBoundByLiveConnectionCannotBeBoundAgain() throws Exception {
    try (RawBridgeSocket first =
        RawBridgeSocket.login(hub.endpoint(), TestHub.ALPHA_TOKEN, "alpha")) {
      try (RawBridgeSocket second = RawBridgeSocket.connect(hub.endpoint())) {
        JsonObject err = second.loginReply(TestHub.ALPHA_TOKEN, "alpha");
        assertThat(err.getInteger("failureCode")).isEqualTo(409);
        assertThat(second.isClosedByPeer(QUICK)).isTrue();
      }
      first.barrier();
    }
    // Once the first connection is gone, the name is free again.
    awaitLiveConnections(0);
    try (RawBridgeSocket again =
        RawBridgeSocket.login(hub.endpoint(), TestHub.ALPHA_TOKEN, "alpha")) {
      again.barrier();
    }
  }

  @Test
  void connectionThatNeverLogsInIsClosed() throws Exception {
    hub.close();
    JsonObject conf = TestHub.conf();
    conf.getJsonObject("limits").put("loginTimeoutMs", 300);
    hub = TestHub.start(Target.DIALBACK, conf);
    hub.vertx.eventBus().consumer("test.echo", msg -> msg.reply(msg.body()));
    try (RawBridgeSocket s = RawBridgeSocket.connect(hub.endpoint())) {
      List<JsonObject> frames = s.readUntilClosed(QUICK);
      assertThat(assertErr(frames.get(0), 401).getString("message")).contains("no login");
    }
    assertHubStillServes();
  }

  // ---- ownership of addresses and replies ----

  @Test
  void agentCannotRegisterAnotherAgentsAddress() throws Exception {
    try (RawBridgeSocket alpha =
            RawBridgeSocket.login(hub.endpoint(), TestHub.ALPHA_TOKEN, "alpha");
        RawBridgeSocket beta = RawBridgeSocket.login(hub.endpoint(), TestHub.BETA_TOKEN, "beta");
        RawBridgeSocket caller = client()) {
      beta.send(new JsonObject().put("type", "register").put("address", "agent.beta.fs.read"));
      beta.barrier();

      alpha.send(new JsonObject().put("type", "register").put("address", "agent.beta.fs.read"));
      JsonObject err = assertErr(alpha.read(), 403);
      assertThat(err.getString("address")).isEqualTo("agent.beta.fs.read");
      alpha.barrier();

      // Every call still reaches beta, none reaches alpha.
      for (int i = 0; i < 6; i++) {
        caller.send(request("agent.beta.fs.read", "r" + i, i));
        JsonObject delivered = beta.read();
        assertThat(delivered.getInteger("body")).isEqualTo(i);
        beta.send(
            new JsonObject()
                .put("type", "send")
                .put("address", delivered.getString("replyAddress"))
                .put("body", "ok"));
        assertThat(caller.read().getString("body")).isEqualTo("ok");
      }
      assertThat(alpha.poll(Duration.ofMillis(200))).isNull();
    }
  }

  @Test
  void clientCannotRegisterAgentOrHubAddresses() throws Exception {
    try (RawBridgeSocket s = client()) {
      for (String address :
          List.of("agent.alpha.fs.list", "hub.login", "hub.agents.list", "__vertx.reply.1")) {
        s.send(new JsonObject().put("type", "register").put("address", address));
        assertThat(assertErr(s.read(), 403).getString("address")).isEqualTo(address);
      }
      // Listening to presence and to an agent's events is allowed.
      s.send(new JsonObject().put("type", "register").put("address", "hub.agents.events"));
      s.send(new JsonObject().put("type", "register").put("address", "agent.alpha.events.changed"));
      s.barrier();
    }
  }

  @Test
  void onlyHubsPublishPresenceAndOnlyAnAgentItsEvents() throws Exception {
    try (RawBridgeSocket s = client();
        RawBridgeSocket alpha =
            RawBridgeSocket.login(hub.endpoint(), TestHub.ALPHA_TOKEN, "alpha")) {
      s.send(
          new JsonObject()
              .put("type", "publish")
              .put("address", "hub.agents.events")
              .put("body", new JsonObject()));
      assertErr(s.read(), 403);
      s.send(
          new JsonObject()
              .put("type", "publish")
              .put("address", "agent.alpha.events.x")
              .put("body", 1));
      assertErr(s.read(), 403);
      alpha.send(
          new JsonObject()
              .put("type", "publish")
              .put("address", "agent.alpha.events.x")
              .put("body", 1));
      alpha.barrier();
    }
  }

  @Test
  void forgedReplyIsRefusedAndTheRealReplyStillArrives() throws Exception {
    try (RawBridgeSocket alpha =
            RawBridgeSocket.login(hub.endpoint(), TestHub.ALPHA_TOKEN, "alpha");
        RawBridgeSocket caller = client();
        RawBridgeSocket forger = client()) {
      alpha.send(new JsonObject().put("type", "register").put("address", "agent.alpha.svc"));
      alpha.barrier();
      caller.send(request("agent.alpha.svc", "mine", "question"));
      String replyAddress = alpha.read().getString("replyAddress");

      forger.send(
          new JsonObject().put("type", "send").put("address", replyAddress).put("body", "forged"));
      assertThat(assertErr(forger.read(), 403).getString("message"))
          .contains("not a reply address");
      forger.send(request(replyAddress, "f2", "forged again"));
      assertErr(forger.read(), 403);

      alpha.send(
          new JsonObject().put("type", "send").put("address", replyAddress).put("body", "genuine"));
      JsonObject reply = caller.read();
      assertThat(reply.getString("address")).isEqualTo("mine");
      assertThat(reply.getString("body")).isEqualTo("genuine");

      // A reply address answers once: the replier cannot answer twice.
      alpha.send(
          new JsonObject().put("type", "send").put("address", replyAddress).put("body", "twice"));
      assertErr(alpha.read(), 403);
      assertThat(caller.poll(Duration.ofMillis(200))).isNull();
    }
  }

  @Test
  void hubOwnedDeliveryOptionsAreIgnoredOrClamped() throws Exception {
    hub.close();
    JsonObject conf = TestHub.conf();
    conf.getJsonObject("limits").put("maxTimeoutMs", 400).put("defaultTimeoutMs", 400);
    hub = TestHub.start(Target.DIALBACK, conf);
    hub.vertx.eventBus().consumer("test.echo", msg -> msg.reply(msg.body()));
    hub.vertx.eventBus().consumer("test.silent", msg -> {});
    try (RawBridgeSocket s = client()) {
      // A codec name the stock bridge would pass on (and fail on) is ignored.
      s.send(
          request("test.echo", "r1", "plain")
              .put(
                  "headers",
                  new JsonObject().put("codecName", "nonexistent").put("localOnly", true)));
      assertThat(s.read().getString("body")).isEqualTo("plain");

      long start = System.nanoTime();
      s.send(
          request("test.silent", "r2", "x")
              .put("headers", new JsonObject().put("timeout", 3_600_000)));
      JsonObject err = s.read();
      assertThat(err.getString("failureType")).isEqualTo("TIMEOUT");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  // ---- bounds ----

  @Test
  void requestsBeyondThePendingBoundGetBusy() throws Exception {
    hub.close();
    JsonObject conf = TestHub.conf();
    conf.getJsonObject("limits").put("maxPendingRequests", 4);
    hub = TestHub.start(Target.DIALBACK, conf);
    hub.vertx.eventBus().consumer("test.echo", msg -> msg.reply(msg.body()));
    hub.vertx.eventBus().consumer("test.silent", msg -> {});
    try (RawBridgeSocket s = client()) {
      for (int i = 0; i < 5; i++) {
        s.send(request("test.silent", "r" + i, i));
      }
      JsonObject err = assertErr(s.read(), 429);
      assertThat(err.getString("address")).isEqualTo("r4");
      assertThat(err.getString("message")).startsWith("busy");
    }
    assertHubStillServes();
  }

  @Test
  void pendingRequestFailsWithinASecondOfItsReplierDisconnecting() throws Exception {
    try (RawBridgeSocket caller = client()) {
      RawBridgeSocket alpha = RawBridgeSocket.login(hub.endpoint(), TestHub.ALPHA_TOKEN, "alpha");
      alpha.send(new JsonObject().put("type", "register").put("address", "agent.alpha.slow"));
      alpha.barrier();
      caller.send(
          request("agent.alpha.slow", "r1", "q")
              .put("headers", new JsonObject().put("timeout", 60_000)));
      alpha.read(); // delivered, never answered

      long start = System.nanoTime();
      alpha.close();
      JsonObject err = assertErr(caller.read(), 503);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(err.getString("address")).isEqualTo("r1");
      assertThat(err.getString("failureType")).isEqualTo("RECIPIENT_FAILURE");
      assertThat(err.getString("message")).contains("alpha").contains("disconnected");
    }
  }

  @Test
  void registeringTwiceKeepsOneConsumer() throws Exception {
    try (RawBridgeSocket s = client();
        RawBridgeSocket caller = client()) {
      JsonObject register = new JsonObject().put("type", "register").put("address", "test.twice");
      s.send(register).send(register);
      s.barrier();

      caller.send(
          new JsonObject().put("type", "publish").put("address", "test.twice").put("body", 1));
      caller.barrier();
      assertThat(s.read().getInteger("body")).isEqualTo(1);
      assertThat(s.poll(Duration.ofMillis(200))).as("one delivery, not two").isNull();

      s.send(new JsonObject().put("type", "unregister").put("address", "test.twice"));
      s.barrier();
      caller.send(request("test.twice", "r", "x"));
      assertThat(caller.read().getString("failureType")).isEqualTo("NO_HANDLERS");
    }
  }

  @Test
  void peerThatNeverReadsIsCutOff() throws Exception {
    hub.close();
    JsonObject conf = TestHub.conf();
    conf.getJsonObject("limits").put("maxQueuedWriteBytes", 1024 * 1024);
    hub = TestHub.start(Target.DIALBACK, conf);
    hub.vertx.eventBus().consumer("test.echo", msg -> msg.reply(msg.body()));
    try (RawBridgeSocket sleeper = client()) {
      sleeper.socket().setReceiveBufferSize(64 * 1024);
      sleeper.send(new JsonObject().put("type", "register").put("address", "test.flood"));
      sleeper.barrier();
      int before = hub.hub().liveConnections();
      String chunk = "x".repeat(64 * 1024);
      // Far more than the bound plus what the kernel buffers on both sides.
      for (int i = 0; i < 2_000 && hub.hub().liveConnections() == before; i++) {
        hub.vertx.eventBus().publish("test.flood", chunk);
        if (i % 50 == 0) {
          Thread.sleep(5);
        }
      }
      awaitLiveConnections(before - 1);
      assertHubStillServes();
    }
  }

  @Test
  void heapStaysBoundedUnderRepeatedHostileConnections() throws Exception {
    // Warm up once so that class loading does not count as growth.
    hostileRound();
    long before = io.dialback.testkit.Heap.usedAfterGc();
    for (int i = 0; i < 300; i++) {
      hostileRound();
    }
    awaitLiveConnections(0);
    long growth = io.dialback.testkit.Heap.usedAfterGc() - before;
    assertThat(growth)
        .as("heap growth after 300 rounds of hostile connections")
        .isLessThan(16L * 1024 * 1024);
    assertHubStillServes();
  }

  private void hostileRound() throws Exception {
    try (RawBridgeSocket huge = client()) {
      huge.sendRaw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
      huge.readUntilClosed(QUICK);
    }
    try (RawBridgeSocket garbage = client()) {
      garbage.sendBytes("{\"type\":\"nope\"}".getBytes(StandardCharsets.UTF_8));
      garbage.send(
          new JsonObject().put("type", "register").put("address", "test.r" + System.nanoTime()));
      garbage.send(request("test.echo", "r", new JsonArray().add("x")));
      garbage.read();
      garbage.read();
    }
    try (RawBridgeSocket early = RawBridgeSocket.connect(hub.endpoint())) {
      early.sendBytes("{\"type\":\"register\",\"address\":\"x\"}".getBytes(StandardCharsets.UTF_8));
      early.readUntilClosed(QUICK);
    }
  }

  private void awaitLiveConnections(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hub.hub().liveConnections() != expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(hub.hub().liveConnections()).isEqualTo(expected);
  }
}
