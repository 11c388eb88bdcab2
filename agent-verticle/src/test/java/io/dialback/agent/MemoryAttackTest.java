package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.hub.TestHub;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory invariant against real processes: a hub with {@code -Xmx128m} and a writable agent
 * take each memory attack of the second attack run — a registration flood, long addresses, a
 * fan-out to readers that never read, slot-hogging uploads — while a legitimate client logs in and
 * calls the agent within 5 s during and after it; the hub's log never shows an {@code
 * OutOfMemoryError}.
 */
class MemoryAttackTest {
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration LEGIT = Duration.ofSeconds(5);
  private static final String LEGIT_TOKEN = "legit-client-0001";
  private static final List<String> HUB_HEAP = List.of("-Xmx128m", "-XX:+UseSerialGC");

  @TempDir Path tmp;

  private final List<JavaProcess> processes = new ArrayList<>();
  private final ExecutorService attackers = Executors.newFixedThreadPool(4);
  private int port;
  private JavaProcess hub;

  @BeforeEach
  void start() throws Exception {
    port = Ports.free();
    JsonObject conf = TestHub.conf().put("port", port).put("instances", 2);
    conf.getJsonObject("auth")
        .getJsonArray("tokens")
        .add(new JsonObject().put("token", LEGIT_TOKEN).put("role", "client").put("id", "legit"));
    Path hubConf = Files.writeString(tmp.resolve("hub.json"), conf.encodePrettily());
    hub =
        JavaProcess.start(
            "hub",
            "io.dialback.hub.HubMain",
            HUB_HEAP,
            List.of("-conf", hubConf.toString()),
            Map.of(),
            tmp.resolve("logs"));
    processes.add(hub);
    hub.awaitLog("listening on", START);
    Path root = Files.createDirectories(tmp.resolve("alpha"));
    Files.writeString(root.resolve("hello.txt"), "hello");
    Path agentConf =
        Files.writeString(
            tmp.resolve("alpha.json"),
            new JsonObject()
                .put("name", "alpha")
                .put("hubs", new JsonArray().add("127.0.0.1:" + port))
                .put("token", TestHub.ALPHA_TOKEN)
                .put("root", root.toString())
                .put("writable", true)
                .encodePrettily());
    JavaProcess agent =
        JavaProcess.start(
            "alpha",
            "io.dialback.agent.cli.AgentMain",
            List.of("-Xmx128m", "-XX:+UseSerialGC"),
            List.of("-conf", agentConf.toString()),
            Map.of(),
            tmp.resolve("logs"));
    processes.add(agent);
    agent.awaitLog("connected to", START);
  }

  @AfterEach
  void stop() throws Exception {
    attackers.shutdownNow();
    attackers.awaitTermination(10, TimeUnit.SECONDS);
    assertThat(hub.logText()).doesNotContain("OutOfMemoryError");
    for (JavaProcess p : processes) {
      p.close();
    }
  }

  @Test
  void aRegistrationFloodFromOneTokenLeavesTheHubServing() throws Exception {
    underAttack(
        "registration flood",
        () -> {
          String padding = "r".repeat(200);
          List<RawBridgeSocket> open = new ArrayList<>();
          try {
            for (int c = 0; c < 300; c++) {
              RawBridgeSocket s = RawBridgeSocket.login(port, TestHub.CLIENT_TOKEN, null);
              open.add(s);
              s.sendRaw(registerFrames(c, padding, 1024)); // and held open, never reading
            }
          } finally {
            for (RawBridgeSocket s : open) {
              s.close();
            }
          }
        });
  }

  @Test
  void longAddressesAreRefusedWithoutHarm() throws Exception {
    underAttack(
        "1 MB addresses",
        () -> {
          String huge = "test." + "x".repeat(1024 * 1024);
          try (RawBridgeSocket s = RawBridgeSocket.login(port, TestHub.CLIENT_TOKEN, null)) {
            for (int i = 0; i < 300; i++) {
              s.send(new JsonObject().put("type", "register").put("address", huge + i));
              assertThat(s.read().getInteger("failureCode")).isEqualTo(400);
            }
            s.barrier();
          }
        });
  }

  @Test
  void aFanOutToReadersThatNeverReadIsCutOffNotBuffered() throws Exception {
    List<RawBridgeSocket> deaf = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        RawBridgeSocket s = RawBridgeSocket.login(port, TestHub.CLIENT_TOKEN, null);
        s.socket().setReceiveBufferSize(4096);
        s.send(new JsonObject().put("type", "register").put("address", "test.fan"));
        s.barrier();
        deaf.add(s); // never read again
      }
      underAttack(
          "3 publishes of 7 MiB to 40 deaf subscribers",
          () -> {
            try (RawBridgeSocket p = RawBridgeSocket.login(port, TestHub.CLIENT_TOKEN, null)) {
              String big = "\"" + "p".repeat(7 * 1024 * 1024) + "\"";
              byte[] frame =
                  ("{\"type\":\"publish\",\"address\":\"test.fan\",\"body\":" + big + "}")
                      .getBytes(StandardCharsets.UTF_8);
              for (int i = 0; i < 3; i++) {
                p.sendBytes(frame);
              }
              p.barrier();
            }
          });
    } finally {
      for (RawBridgeSocket s : deaf) {
        s.close();
      }
    }
    assertThat(hub.countLog("cut off")).as("deaf subscribers were cut off").isPositive();
  }

  @Test
  void slotHoggingUploadsDoNotKeepOthersFromUploading() throws Exception {
    List<RawBridgeSocket> hogs = new ArrayList<>();
    try {
      underAttack(
          "256 uploads kept alive by 1-byte chunks",
          () -> {
            RawBridgeSocket hog = RawBridgeSocket.login(port, TestHub.CLIENT_TOKEN, null);
            hogs.add(hog);
            for (int i = 0; i < 256; i++) {
              hog.send(write("hog-" + i + ".bin", 0, "x", false, hog.nextReplyAddress()));
            }
            int refused = 0;
            for (int i = 0; i < 256; i++) {
              if ("err".equals(hog.read().getString("type"))) {
                refused++;
              }
            }
            assertThat(refused).as("the hog got only its share of slots").isGreaterThan(240);
          });
      // And another identity can still upload.
      try (RawBridgeSocket legit = RawBridgeSocket.login(port, LEGIT_TOKEN, null)) {
        legit.send(write("legit.txt", 0, "all of it", true, legit.nextReplyAddress()));
        JsonObject reply = legit.read(LEGIT);
        assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("message");
      }
    } finally {
      for (RawBridgeSocket s : hogs) {
        s.close();
      }
    }
  }

  // ---- helpers ----

  interface Attack {
    void run() throws Exception;
  }

  /** Runs {@code attack} while a legitimate client keeps calling the agent, then once after. */
  private void underAttack(String what, Attack attack) throws Exception {
    Future<?> running =
        attackers.submit(
            () -> {
              attack.run();
              return null;
            });
    List<Long> during = new ArrayList<>();
    while (!running.isDone()) {
      during.add(legitimateCall());
    }
    running.get(120, TimeUnit.SECONDS);
    long after = legitimateCall();
    System.out.printf(
        "%s: %d legitimate calls during, slowest %d ms; after: %d ms; hub heap used %d MiB%n",
        what,
        during.size(),
        during.stream().mapToLong(Long::longValue).max().orElse(0),
        after,
        hub.heapUsed(false) / (1024 * 1024));
  }

  /** Logs in with another identity and stats a file on the agent; returns the ms it took. */
  private long legitimateCall() throws IOException {
    long start = System.nanoTime();
    try (RawBridgeSocket s = RawBridgeSocket.connect(port)) {
      JsonObject login = s.loginReply(LEGIT_TOKEN, null);
      assertThat(login.getString("type")).as(login.encode()).isEqualTo("message");
      String reply = s.nextReplyAddress();
      s.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "agent.alpha.fs.stat")
              .put("replyAddress", reply)
              .put("body", new JsonObject().put("path", "hello.txt")));
      JsonObject stat = s.read(LEGIT);
      assertThat(stat.getString("type")).as(stat.encode()).isEqualTo("message");
      assertThat(stat.getJsonObject("body").getLong("size")).isEqualTo(5);
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(ms).as("a legitimate login and call").isLessThan(LEGIT.toMillis());
    return ms;
  }

  private static byte[] registerFrames(int connection, String padding, int count) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < count; i++) {
      byte[] payload =
          new JsonObject()
              .put("type", "register")
              .put("address", "flood." + connection + "." + i + "." + padding)
              .encode()
              .getBytes(StandardCharsets.UTF_8);
      out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(payload.length).array());
      out.writeBytes(payload);
    }
    return out.toByteArray();
  }

  private static JsonObject write(
      String path, long offset, String data, boolean last, String reply) {
    return new JsonObject()
        .put("type", "send")
        .put("address", "agent.alpha.fs.write")
        .put("replyAddress", reply)
        .put(
            "body",
            new JsonObject()
                .put("path", path)
                .put("offset", offset)
                .put(
                    "data",
                    Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)))
                .put("last", last));
  }
}
