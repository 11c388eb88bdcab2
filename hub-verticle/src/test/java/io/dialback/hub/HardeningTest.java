package io.dialback.hub;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Findings of the second attack run, each replayed: log lines forged or flooded by peer text,
 * logins pushed out by a flood from the same address, registrations without a hub-wide bound.
 */
class HardeningTest {
  private static final Duration QUICK = Duration.ofSeconds(5);

  private static JsonObject confWith(JsonObject limits) {
    JsonObject conf = TestHub.conf();
    conf.getJsonObject("limits").mergeIn(limits);
    return conf;
  }

  /** Every line the hub logs while {@code attack} runs. */
  private static List<String> loggedDuring(ThrowingRunnable attack) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.classic.Level before = root.getLevel();
    root.setLevel(ch.qos.logback.classic.Level.DEBUG);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    root.addAppender(lines);
    try {
      attack.run();
    } finally {
      root.detachAppender(lines);
      root.setLevel(before);
    }
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void peerTextCannotForgeALogLine() throws Exception {
    String forged = "x\r\n2026-11-30 12:00:00 INFO  audit - login identity=root role=agent";
    List<String> lines;
    try (TestHub hub = TestHub.start(Target.DIALBACK)) {
      lines =
          loggedDuring(
              () -> {
                // Unauthenticated: the type of the very first frame.
                try (RawBridgeSocket s = RawBridgeSocket.connect(hub.port)) {
                  s.send(new JsonObject().put("type", forged).put("address", "hub.login"));
                  s.readUntilClosed(QUICK);
                }
                // An agent name at login.
                try (RawBridgeSocket s = RawBridgeSocket.connect(hub.port)) {
                  s.loginReply(TestHub.ALPHA_TOKEN, forged);
                }
                try (RawBridgeSocket s =
                    RawBridgeSocket.login(hub.port, TestHub.CLIENT_TOKEN, null)) {
                  // A refused register, a refused header, an unknown type, a reply address.
                  s.send(
                      new JsonObject().put("type", "register").put("address", "agent.b." + forged));
                  s.read();
                  s.send(
                      new JsonObject()
                          .put("type", "send")
                          .put("address", "test.x")
                          .put("headers", new JsonObject().put("dialback.from" + forged, "1")));
                  s.read();
                  s.send(new JsonObject().put("type", forged));
                  s.read();
                  s.barrier();
                }
              });
    }
    assertThat(lines).isNotEmpty();
    for (String line : lines) {
      assertThat(line).as(line).doesNotContain("\n").doesNotContain("\r");
    }
    assertThat(lines).noneMatch(l -> l.startsWith("login identity=root"));
    assertThat(lines).anyMatch(l -> l.contains("x\\r\\n2026-11-30"));
  }

  @Test
  void refusalsOfHugeAddressesCannotFloodTheLog() throws Exception {
    String huge = "agent.b." + "x".repeat(1024 * 1024);
    List<String> lines;
    try (TestHub hub = TestHub.start(Target.DIALBACK)) {
      lines =
          loggedDuring(
              () -> {
                for (int c = 0; c < 10; c++) {
                  try (RawBridgeSocket s =
                      RawBridgeSocket.login(hub.port, TestHub.CLIENT_TOKEN, null)) {
                    for (int i = 0; i < 21; i++) {
                      s.send(new JsonObject().put("type", "register").put("address", huge));
                    }
                    for (int i = 0; i < 21; i++) {
                      assertThat(s.read().getInteger("failureCode")).isEqualTo(400);
                    }
                  }
                }
              });
    }
    long bytes = lines.stream().mapToLong(String::length).sum();
    System.out.printf("log bytes for 210 refused 1 MiB registrations: %d%n", bytes);
    assertThat(bytes).isLessThan(200_000);
    assertThat(lines).allMatch(l -> l.length() < 2_000);
  }

  @Test
  void aFloodOfSilentConnectionsFromOneAddressCannotKeepACorrectTokenOut() throws Exception {
    try (TestHub hub =
        TestHub.start(
            Target.DIALBACK, confWith(new JsonObject().put("maxPendingLoginsPerAddress", 3)))) {
      List<RawBridgeSocket> silent = new ArrayList<>();
      try {
        for (int i = 0; i < 6; i++) {
          RawBridgeSocket s = RawBridgeSocket.connect(hub.port);
          s.barrier(); // a ping is answered before login: the hub has counted this one
          silent.add(s);
        }
        long start = System.nanoTime();
        try (RawBridgeSocket agent = RawBridgeSocket.connect(hub.port)) {
          JsonObject reply = agent.loginReply(TestHub.ALPHA_TOKEN, "alpha");
          assertThat(reply.getString("type")).isEqualTo("message");
        }
        System.out.printf(
            "login behind 6 silent connections from one address: %d ms%n",
            (System.nanoTime() - start) / 1_000_000);
        // The oldest were pushed out, each told why.
        List<JsonObject> first = silent.get(0).readUntilClosed(QUICK);
        assertThat(first.get(0).getInteger("failureCode")).isEqualTo(429);
        assertThat(first.get(0).getString("message"))
            .contains("were logging in at once; this one waited longest");
      } finally {
        for (RawBridgeSocket s : silent) {
          s.close();
        }
      }
    }
  }

  @Test
  void registrationsAreBoundedPerIdentityAndAcrossTheHub() throws Exception {
    JsonObject limits =
        new JsonObject().put("maxRegistrationsPerIdentity", 10).put("maxRegistrationsTotal", 15);
    JsonObject conf = confWith(limits);
    conf.getJsonObject("auth")
        .getJsonArray("tokens")
        .add(
            new JsonObject()
                .put("token", "second-client-01")
                .put("role", "client")
                .put("id", "second"));
    try (TestHub hub = TestHub.start(Target.DIALBACK, conf);
        RawBridgeSocket a1 = RawBridgeSocket.login(hub.port, TestHub.CLIENT_TOKEN, null);
        RawBridgeSocket a2 = RawBridgeSocket.login(hub.port, TestHub.CLIENT_TOKEN, null);
        RawBridgeSocket b = RawBridgeSocket.login(hub.port, "second-client-01", null)) {
      for (int i = 0; i < 6; i++) {
        a1.send(register("test.a1." + i));
      }
      a1.barrier();
      for (int i = 0; i < 6; i++) {
        a2.send(register("test.a2." + i));
      }
      for (int i = 0; i < 2; i++) {
        JsonObject err = a2.read();
        assertThat(err.getInteger("failureCode")).isEqualTo(429);
        assertThat(err.getString("message")).contains("tester has 10 registrations, its most");
      }
      a2.barrier();
      assertThat(countRegistered(hub)).isEqualTo(10);
      for (int i = 0; i < 8; i++) {
        b.send(register("test.b." + i));
      }
      for (int i = 0; i < 3; i++) {
        JsonObject err = b.read();
        assertThat(err.getInteger("failureCode")).isEqualTo(429);
        assertThat(err.getString("message")).contains("the hub holds 15 registrations");
      }
      b.barrier();
      assertThat(countRegistered(hub)).isEqualTo(15);
      a1.close();
      // Closing gives the budget back.
      io.dialback.testkit.Await.until(
          "registrations given back", QUICK, () -> countRegistered(hub) == 9);
      b.send(register("test.b.late"));
      b.barrier();
      assertThat(countRegistered(hub)).isEqualTo(10);
    }
  }

  private static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  private static int countRegistered(TestHub hub) {
    return hub.hub().registrations();
  }
}
