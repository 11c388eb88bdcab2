package io.dialback.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.RawBridgeSocket;
import io.dialback.testkit.RawBridgeSocket.Frame;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hub's invariants (docs/security.md), each attacked through every path that reaches it: every
 * name the hub gives meaning to, in generated spellings and look-alikes; every frame type; JSON and
 * binary frames; on one hub and across a two-hub cluster (attacker on one hub, victim agent and
 * Vert.x services on the other). The embedded-agent path is in the agent module's {@code
 * EmbeddedInvariantsTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvariantsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String VICTIM_TOKEN = "victim-token-0001";
  private static final String OTHER_TOKEN = "other-client-0001";
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** Where the attacker and the victim are. */
  enum Setup {
    ONE_HUB,
    CLUSTER
  }

  private TestHub single;
  private TestCluster cluster;

  @BeforeAll
  void start() throws Exception {
    single = TestHub.start(Target.DIALBACK, conf());
    cluster = TestCluster.start(2, conf());
  }

  @AfterAll
  void stop() throws Exception {
    single.close();
    cluster.close();
  }

  static JsonObject conf() {
    JsonObject conf = TestHub.conf();
    JsonArray names = new JsonArray();
    for (int i = 1; i <= 64; i++) {
      names.add("v" + i);
    }
    conf.getJsonObject("auth")
        .getJsonArray("tokens")
        .add(
            new JsonObject()
                .put("token", VICTIM_TOKEN)
                .put("role", "agent")
                .put("id", "victims")
                .put("names", names))
        .add(new JsonObject().put("token", OTHER_TOKEN).put("role", "client").put("id", "other"));
    return conf;
  }

  private int attackerPort(Setup setup) {
    return setup == Setup.ONE_HUB ? single.port : cluster.member(1).port();
  }

  private int victimPort(Setup setup) {
    return setup == Setup.ONE_HUB ? single.port : cluster.member(0).port();
  }

  /** The Vert.x where services (event-bus consumers) live: the victim's hub. */
  private Vertx services(Setup setup) {
    return setup == Setup.ONE_HUB ? single.vertx : cluster.member(0).vertx();
  }

  // ---- generated names ----

  /** Every header name the hub gives meaning to, in many spellings and look-alikes. */
  static List<String> hubOwnedHeaderNames() {
    List<String> names = new ArrayList<>();
    Random random = new Random(42);
    for (String base :
        List.of(
            "dialback.from",
            "dialback.body",
            "dialback.raw-reply",
            "dialback.topic",
            "dialback.anything")) {
      names.addAll(spellings(base, random));
    }
    // Look-alikes: not ASCII, or not visible; never passed on as a header.
    names.add("dialbac\u212A.from"); // KELVIN SIGN folds to k
    names.add("d\u0131alback.from"); // dotless i
    names.add("dialback\uFF0Efrom"); // fullwidth full stop
    names.add("\uFF44ialback.from"); // fullwidth d
    names.add("dialback.\u200Bfrom"); // zero-width space
    names.add("dialback.from\u0000");
    names.add(" dialback.from");
    names.add("dialback.from ");
    names.add("dialback.from\r\nX-Injected: 1");
    return names;
  }

  /** {@code base} in lower, upper, title and alternating case, plus random mixtures. */
  static List<String> spellings(String base, Random random) {
    List<String> out = new ArrayList<>();
    out.add(base);
    out.add(base.toUpperCase(Locale.ROOT));
    StringBuilder title = new StringBuilder();
    StringBuilder alternating = new StringBuilder();
    boolean start = true;
    for (int i = 0; i < base.length(); i++) {
      char c = base.charAt(i);
      title.append(start ? Character.toUpperCase(c) : c);
      start = !Character.isLetter(c);
      alternating.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
    }
    out.add(title.toString());
    out.add(alternating.toString());
    for (int n = 0; n < 3; n++) {
      StringBuilder mixed = new StringBuilder();
      for (char c : base.toCharArray()) {
        mixed.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
      }
      out.add(mixed.toString());
    }
    return out;
  }

  /** Addresses in the owned namespaces, spelled other ways, that no peer may use. */
  static List<String> ownedAddressSpellings(String victim) {
    List<String> out = new ArrayList<>();
    Random random = new Random(7);
    out.addAll(spellings("dialback.local.agent." + victim + ".fs.read", random));
    out.addAll(spellings("dialback.local.agent." + victim + ".events", random));
    out.add("dialbac\u212A.local.agent." + victim + ".fs.read");
    out.add("HUB.agents.list");
    out.add("Hub.login");
    out.add("__VERTX.reply.1");
    out.add("__Vertx.ping");
    out.add("Agent." + victim + ".fs.read");
    out.add("AGENT." + victim + ".events.fs");
    return out;
  }

  // ---- invariants ----

  /** namespaces + identity: no spelling of a hub-owned header gets through, in any frame. */
  @ParameterizedTest
  @EnumSource(Setup.class)
  void hubOwnedHeadersAreRefusedInEverySpellingFrameTypeAndEncoding(Setup setup) throws Exception {
    String victim = "v" + NAMES.incrementAndGet();
    List<Message<Object>> seen = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> sink =
        services(setup).eventBus().consumer("test.sink." + victim, seen::add);
    sink.completion().await(10, TimeUnit.SECONDS);
    try (RawBridgeSocket agent = victim(setup, victim);
        RawBridgeSocket attacker =
            RawBridgeSocket.loginBinary(attackerPort(setup), TestHub.CLIENT_TOKEN, null)) {
      awaitRoute(attacker, agent, "agent." + victim + ".fs.write");
      SoftAssertions soft = new SoftAssertions();
      int cases = 0;
      for (String name : hubOwnedHeaderNames()) {
        JsonObject headers = new JsonObject().put(name, "json");
        for (String target : List.of("agent." + victim + ".fs.write", "test.sink." + victim)) {
          for (Kind kind : Kind.values()) {
            cases++;
            String reply = kind.withReply ? attacker.nextReplyAddress() : null;
            kind.send(attacker, target, reply, headers, "{\"path\":\"x\",\"offset\":0}");
            JsonObject err = attacker.readFrame(WAIT).json();
            soft.assertThat(err.getString("type"))
                .as("%s with header %s to %s", kind, name, target)
                .isEqualTo("err");
            soft.assertThat(err.getInteger("failureCode")).as("%s %s", kind, name).isEqualTo(400);
            if (reply != null) {
              soft.assertThat(err.getString("address")).isEqualTo(reply);
            }
          }
        }
      }
      soft.assertAll();
      assertThat(cases).isGreaterThan(300);
      // Nothing reached the agent or the service: the next thing each sees is the marker.
      String reply = attacker.nextReplyAddress();
      Kind.SEND_REPLY_BINARY.send(
          attacker,
          "agent." + victim + ".fs.write",
          reply,
          new JsonObject().put("X-Marker", "1"),
          "marker");
      Frame first = agent.readFrame(WAIT);
      assertThat(first.json().getJsonObject("headers").getString("X-Marker")).isEqualTo("1");
      assertThat(first.json().getJsonObject("headers").fieldNames())
          .containsExactlyInAnyOrder("X-Marker", "dialback.from");
      assertThat(first.json().getJsonObject("headers").getString("dialback.from"))
          .isEqualTo("tester");
      Kind.PUBLISH_JSON.send(attacker, "test.sink." + victim, null, new JsonObject(), "\"marker\"");
      awaitSize(seen, 1);
      assertThat(seen.get(0).body()).isEqualTo("marker");
    } finally {
      sink.unregister();
    }
  }

  /** identity: a service sees exactly one caller, the logged-in one, whatever headers come. */
  @ParameterizedTest
  @EnumSource(Setup.class)
  void servicesSeeTheLoggedInCallerAndOnlyIt(Setup setup) throws Exception {
    String victim = "v" + NAMES.incrementAndGet();
    List<Message<Object>> seen = new CopyOnWriteArrayList<>();
    MessageConsumer<Object> sink =
        services(setup)
            .eventBus()
            .consumer(
                "test.sink." + victim,
                m -> {
                  seen.add(m);
                  if (m.replyAddress() != null) {
                    m.reply("ok");
                  }
                });
    sink.completion().await(10, TimeUnit.SECONDS);
    try (RawBridgeSocket attacker =
        RawBridgeSocket.loginBinary(attackerPort(setup), TestHub.CLIENT_TOKEN, null)) {
      JsonObject innocentLooking =
          new JsonObject()
              .put("from", "alpha")
              .put("X-Dialback-From", "alpha")
              .put("dialback_from", "alpha")
              .put("Timeout", 5000)
              .put("LOCALONLY", "true")
              .put("CodecName", "bogus");
      int sent = 0;
      for (Kind kind : Kind.values()) {
        String reply = kind.withReply ? attacker.nextReplyAddress() : null;
        kind.send(attacker, "test.sink." + victim, reply, innocentLooking, "\"hello\"");
        sent++;
        if (reply != null) {
          awaitReplyOrRoute(attacker, reply);
        }
      }
      awaitSize(seen, sent);
      for (Message<Object> m : seen) {
        assertThat(m.headers().getAll("dialback.from")).containsExactly("tester");
        assertThat(m.headers().names())
            .as("the hub owns delivery options; they never pass as headers")
            .noneMatch(n -> n.equalsIgnoreCase("localOnly") || n.equalsIgnoreCase("codecName"));
      }
    } finally {
      sink.unregister();
    }
  }

  /** namespaces: hub.*, agent.*, __vertx.* only as themselves; dialback.* never; any frame. */
  @ParameterizedTest
  @EnumSource(Setup.class)
  void ownedNamespacesAreClosedInEverySpellingAndFrameType(Setup setup) throws Exception {
    String victim = "v" + NAMES.incrementAndGet();
    List<Message<Object>> local = new CopyOnWriteArrayList<>();
    // Where an agent embedded in the hub's Vert.x would answer its file service.
    MessageConsumer<Object> embedded =
        services(setup)
            .eventBus()
            .consumer("dialback.local.agent." + victim + ".fs.read", local::add);
    embedded.completion().await(10, TimeUnit.SECONDS);
    try (RawBridgeSocket attacker =
        RawBridgeSocket.loginBinary(attackerPort(setup), TestHub.CLIENT_TOKEN, null)) {
      SoftAssertions soft = new SoftAssertions();
      for (String address : ownedAddressSpellings(victim)) {
        for (Kind kind : Kind.values()) {
          String reply = kind.withReply ? attacker.nextReplyAddress() : null;
          kind.send(attacker, address, reply, new JsonObject(), "\"x\"");
          JsonObject err = attacker.readFrame(WAIT).json();
          soft.assertThat(err.getInteger("failureCode"))
              .as("%s to %s: %s", kind, address, err.encode())
              .isIn(403, 400);
        }
        for (String type : List.of("register", "unregister")) {
          attacker.send(new JsonObject().put("type", type).put("address", address));
          JsonObject err = attacker.readFrame(WAIT).json();
          soft.assertThat(err.getInteger("failureCode"))
              .as("%s %s: %s", type, address, err.encode())
              .isEqualTo(403);
        }
      }
      soft.assertAll();
      attacker.barrier();
      Thread.sleep(200); // a delivery would have arrived by now
      assertThat(local).isEmpty();
    } finally {
      embedded.unregister();
    }
  }

  /** replies: only the connection a request was delivered to answers it, and only once. */
  @ParameterizedTest
  @EnumSource(Setup.class)
  void onlyTheConnectionARequestWasDeliveredToCanAnswerItOnce(Setup setup) throws Exception {
    String victim = "v" + NAMES.incrementAndGet();
    try (RawBridgeSocket agent = victim(setup, victim);
        RawBridgeSocket caller =
            RawBridgeSocket.login(attackerPort(setup), TestHub.CLIENT_TOKEN, null);
        RawBridgeSocket attacker = RawBridgeSocket.login(attackerPort(setup), OTHER_TOKEN, null);
        RawBridgeSocket sameHub = RawBridgeSocket.login(victimPort(setup), OTHER_TOKEN, null)) {
      awaitRoute(caller, agent, "agent." + victim + ".fs.read");
      String callerReply = caller.nextReplyAddress();
      caller.send(request("agent." + victim + ".fs.read", callerReply, new JsonObject()));
      JsonObject delivered = agent.readFrame(WAIT).json();
      String replyAddress = delivered.getString("replyAddress");
      assertThat(replyAddress)
          .as("a reply address carries a secret part")
          .matches("__vertx\\.reply\\.[A-Za-z0-9_-]{16}\\.\\d+");
      // Forgeries: the exact address from other connections, and a spray of guesses.
      List<String> forged = new ArrayList<>(List.of(replyAddress));
      for (int i = 0; i < 200; i++) {
        forged.add("__vertx.reply." + i);
      }
      for (RawBridgeSocket forger : List.of(attacker, sameHub)) {
        for (String address : forged) {
          forger.send(request(address, null, new JsonObject().put("data", "forged")));
        }
        for (int i = 0; i < forged.size(); i++) {
          assertThat(forger.read().getInteger("failureCode")).isEqualTo(403);
        }
      }
      agent.send(request(replyAddress, null, new JsonObject().put("data", "real")));
      JsonObject answer = caller.read();
      assertThat(answer.getString("address")).isEqualTo(callerReply);
      assertThat(answer.getJsonObject("body").getString("data")).isEqualTo("real");
      agent.send(request(replyAddress, null, new JsonObject().put("data", "again")));
      assertThat(agent.read().getInteger("failureCode"))
          .as("a second answer is refused")
          .isEqualTo(403);
      assertThat(caller.poll(Duration.ofMillis(300))).isNull();
    }
  }

  /** memory: addresses and headers are bounded in length and number, in every frame type. */
  @ParameterizedTest
  @EnumSource(Setup.class)
  void addressesAndHeadersHaveBounds(Setup setup) throws Exception {
    try (RawBridgeSocket s =
        RawBridgeSocket.loginBinary(attackerPort(setup), TestHub.CLIENT_TOKEN, null)) {
      String longAddress = "test." + "x".repeat(300);
      for (Kind kind : Kind.values()) {
        kind.send(s, longAddress, null, new JsonObject(), "1");
        assertThat(s.readFrame(WAIT).json().getString("message")).contains("longer than 256");
        kind.send(s, "test.line\nbreak", null, new JsonObject(), "1");
        assertThat(s.readFrame(WAIT).json().getString("message")).contains("control character");
      }
      s.send(new JsonObject().put("type", "register").put("address", longAddress));
      assertThat(s.read().getString("message")).contains("longer than 256");
      JsonObject many = new JsonObject();
      for (int i = 0; i < 65; i++) {
        many.put("h" + i, "v");
      }
      s.send(request("test.echo", null, "x").put("headers", many));
      assertThat(s.read().getString("message")).contains("at most 64 headers");
      s.send(
          request("test.echo", null, "x")
              .put("headers", new JsonObject().put("big", "v".repeat(9000))));
      assertThat(s.read().getString("message")).contains("longer than 8192");
      s.send(request("test.echo", "r.long." + "y".repeat(300), "x"));
      assertThat(s.read().getString("message")).contains("longer than 256");
      s.barrier();
    }
  }

  // ---- helpers ----

  /** Frames an attacker can carry a message in. */
  enum Kind {
    SEND_REPLY_JSON(true, false, "send"),
    SEND_REPLY_BINARY(true, true, "send"),
    SEND_JSON(false, false, "send"),
    PUBLISH_JSON(false, false, "publish"),
    PUBLISH_BINARY(false, true, "publish");

    final boolean withReply;
    final boolean binary;
    final String type;

    Kind(boolean withReply, boolean binary, String type) {
      this.withReply = withReply;
      this.binary = binary;
      this.type = type;
    }

    /** Sends {@code body} (JSON text, or the bytes of a binary frame) to {@code address}. */
    void send(RawBridgeSocket s, String address, String reply, JsonObject headers, String body)
        throws IOException {
      JsonObject frame = new JsonObject().put("type", type).put("address", address);
      if (reply != null) {
        frame.put("replyAddress", reply);
      }
      if (!headers.isEmpty()) {
        frame.put("headers", headers);
      }
      if (binary) {
        s.sendBinary(frame, body.getBytes(StandardCharsets.UTF_8));
      } else {
        String json = frame.encode();
        s.sendBytes(
            (json.substring(0, json.length() - 1) + ",\"body\":" + body + "}")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** An agent (raw socket) bound as {@code name}, with its file addresses registered. */
  private RawBridgeSocket victim(Setup setup, String name) throws IOException {
    RawBridgeSocket agent = RawBridgeSocket.loginBinary(victimPort(setup), VICTIM_TOKEN, name);
    for (String op : List.of("read", "write", "stat")) {
      agent.send(
          new JsonObject().put("type", "register").put("address", "agent." + name + ".fs." + op));
    }
    agent.barrier();
    return agent;
  }

  /**
   * Waits until calls from {@code client} reach {@code agent} at {@code address} (in a cluster,
   * registrations travel to the other hub a little later), answering the probes.
   */
  private static void awaitRoute(RawBridgeSocket client, RawBridgeSocket agent, String address)
      throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String reply = client.nextReplyAddress();
      client.send(request(address, reply, new JsonObject().put("probe", true)));
      Frame delivered = agent.pollFrame(Duration.ofMillis(500));
      // A probe either reached the agent (answer it) or failed with NO_HANDLERS (try again).
      if (delivered != null && delivered.json().getString("replyAddress") != null) {
        agent.send(request(delivered.json().getString("replyAddress"), null, "pong"));
        assertThat(client.read().getString("address")).isEqualTo(reply);
        return;
      }
      client.read();
      Thread.sleep(100);
    }
    throw new AssertionError("no route to " + address);
  }

  private static void awaitReplyOrRoute(RawBridgeSocket s, String reply) throws Exception {
    JsonObject frame = s.read();
    assertThat(frame.getString("address")).isEqualTo(reply);
    assertThat(frame.getString("type")).as(frame.encode()).isEqualTo("message");
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(100); // and nothing more arrives
    assertThat(list).hasSize(size);
  }

  private static JsonObject request(String address, String reply, Object body) {
    JsonObject frame = new JsonObject().put("type", "send").put("address", address);
    if (reply != null) {
      frame.put("replyAddress", reply);
    }
    return frame.put("body", body);
  }
}
