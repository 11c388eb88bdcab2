package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.client.BridgeClient;
import io.dialback.client.BridgeMessage;
import io.dialback.client.ClientOptions;
import io.dialback.files.Download;
import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import io.dialback.hub.TestHub;
import io.dialback.testkit.Await;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub and the agent as separate JVM processes with small fixed heaps, over loopback: a large
 * file crosses byte-identical without either heap growing with it; an agent killed with -9 is
 * announced and its pending calls fail at once; a restarted hub gets its agents back by itself.
 */
class ProcessEndToEndTest {
  private static final long BIG = 200L * 1024 * 1024;
  private static final List<String> SMALL_HEAP = List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xss512k");
  private static final Duration START = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private final List<JavaProcess> processes = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private BridgeClient client;
  private int port;
  private Path hubConf;
  private Path alphaConf;
  private Path alphaRoot;

  @BeforeEach
  void setUp() throws Exception {
    port = Ports.free();
    hubConf =
        Files.writeString(
            tmp.resolve("hub.json"),
            TestHub.conf().put("port", port).put("instances", 1).encodePrettily());
    alphaRoot = Files.createDirectories(tmp.resolve("alpha"));
    alphaConf =
        Files.writeString(
            tmp.resolve("alpha.json"),
            new JsonObject()
                .put("name", "alpha")
                .put("hubs", new JsonArray().add("127.0.0.1:" + port))
                .put("token", TestHub.ALPHA_TOKEN)
                .put("root", alphaRoot.toString())
                .put("reconnect", new JsonObject().put("initialDelayMs", 50).put("maxDelayMs", 500))
                .encodePrettily());
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    for (JavaProcess p : processes) {
      p.close();
    }
  }

  private JavaProcess startHub() throws Exception {
    JavaProcess hub =
        JavaProcess.start(
            "hub",
            "io.dialback.hub.HubMain",
            SMALL_HEAP,
            List.of("-conf", hubConf.toString()),
            Map.of(),
            tmp.resolve("logs"));
    processes.add(hub);
    return hub.awaitLog("listening on", START);
  }

  private JavaProcess startAlpha() throws Exception {
    return launchAlpha("alpha").awaitLog("connected to", START);
  }

  /** The agent alpha as a process of its own, logging under {@code logName}. */
  private JavaProcess launchAlpha(String logName) throws Exception {
    JavaProcess alpha =
        JavaProcess.start(
            logName,
            "io.dialback.agent.cli.AgentMain",
            SMALL_HEAP,
            List.of("-conf", alphaConf.toString()),
            Map.of(),
            tmp.resolve("logs"));
    processes.add(alpha);
    return alpha;
  }

  private BridgeClient connectClient() throws Exception {
    client =
        BridgeClient.create(
            vertx,
            ClientOptions.builder()
                .hub("127.0.0.1", port)
                .token(TestHub.CLIENT_TOKEN)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.2)
                .build());
    client.connect().await(10, TimeUnit.SECONDS);
    return client;
  }

  @Test
  void a200MiBFileCrossesByteIdenticalWithinSmallFixedHeaps() throws Exception {
    Path source = TestFiles.random(alphaRoot.resolve("big.bin"), BIG, 42);
    JavaProcess hub = startHub();
    JavaProcess alpha = startAlpha();
    connectClient();

    Path target = tmp.resolve("big.copy");
    TransferResult result =
        Download.toFile(vertx, client, "alpha", "big.bin", target, TransferOptions.defaults())
            .await(180, TimeUnit.SECONDS);

    assertThat(result.bytes()).isEqualTo(BIG);
    assertThat(TestFiles.sha256(target)).isEqualTo(TestFiles.sha256(source));
    System.out.printf(
        "200 MiB through hub and agent processes (-Xmx64m each): %.1f MiB/s%n",
        result.mibPerSecond());
    for (JavaProcess p : List.of(hub, alpha)) {
      assertThat(p.isAlive()).isTrue();
      assertThat(p.logText()).doesNotContain("OutOfMemoryError");
      long used = p.heapUsed(true);
      System.out.printf(
          "%s heap used after the transfer: %d KiB%n", p == hub ? "hub" : "agent", used / 1024);
      assertThat(used).isLessThan(64L * 1024 * 1024);
    }
  }

  @Test
  void aKilledAgentIsAnnouncedItsCallsFailAtOnceAndAHubRestartBringsItBack() throws Exception {
    Files.writeString(alphaRoot.resolve("hello.txt"), "hello from a process");
    JavaProcess hub = startHub();
    JavaProcess alpha = startAlpha();
    connectClient();
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    client
        .consumer("hub.agents.events", m -> events.add(m.bodyAsJsonObject()))
        .await(10, TimeUnit.SECONDS);
    assertThat(agentNames()).containsExactly("alpha");

    // Frozen, the agent cannot answer: the call waits. Killed, the call fails at once.
    alpha.signal("STOP");
    Future<BridgeMessage> pending =
        client.request(
            "agent.alpha.fs.read",
            new JsonObject().put("path", "hello.txt"),
            Duration.ofSeconds(60),
            null);
    Thread.sleep(300);
    assertThat(pending.isComplete()).isFalse();
    long killed = System.nanoTime();
    alpha.kill9();
    assertThatThrownBy(() -> pending.await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(503));
    assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(1));
    Await.until(
        "a left event for alpha",
        Duration.ofSeconds(15),
        () ->
            events.stream()
                .anyMatch(
                    e ->
                        "left".equals(e.getString("event"))
                            && "alpha".equals(e.getString("name"))));
    assertThat(agentNames()).isEmpty();

    startAlpha();
    assertThat(agentNames()).containsExactly("alpha");

    // The hub dies and comes back on the same port: the agent (and our client) return by
    // themselves.
    hub.kill9();
    startHub();
    Await.until(
        "alpha back on the restarted hub",
        Duration.ofSeconds(15),
        () -> agentNames().contains("alpha"));
    JsonObject read =
        client
            .request("agent.alpha.fs.read", new JsonObject().put("path", "hello.txt"))
            .await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject();
    assertThat(new String(java.util.Base64.getDecoder().decode(read.getString("data"))))
        .isEqualTo("hello from a process");
  }

  @Test
  void anAgentWhoseTokenIsRefusedStopsAndNamesTheSetting() throws Exception {
    startHub();
    Path wrong =
        Files.writeString(
            tmp.resolve("wrong.json"),
            new JsonObject(Files.readString(alphaConf))
                .put("token", "not-a-token-of-this-hub")
                .encode());
    JavaProcess agent =
        JavaProcess.start(
            "wrong",
            "io.dialback.agent.cli.AgentMain",
            SMALL_HEAP,
            List.of("-conf", wrong.toString()),
            Map.of(),
            tmp.resolve("logs"));
    processes.add(agent);
    assertThat(agent.waitFor(START)).isEqualTo(2);
    assertThat(agent.logText()).contains("dialback-agent: token: the hub refused the login");
  }

  @Test
  void anAgentWhoseHubIsAwayStopsAtOnceOnSigterm() throws Exception {
    // No hub on the port: the agent keeps dialling, with its registrations waiting for a hub.
    JavaProcess alpha = launchAlpha("alpha-alone");
    alpha.awaitLog("cannot reach 127.0.0.1:" + port, START);
    long stopping = System.nanoTime();
    alpha.stop(Duration.ofSeconds(40));
    Duration took = Duration.ofNanos(System.nanoTime() - stopping);
    System.out.printf("agent with no hub: stopped %d ms after SIGTERM%n", took.toMillis());
    assertThat(alpha.logText()).contains("dialback-agent stopped").doesNotContain("did not stop");
    assertThat(took).as("no wait for a hub that is not there").isLessThan(Duration.ofSeconds(5));
  }

  private List<String> agentNames() throws Exception {
    JsonArray agents =
        client
            .request("hub.agents.list", new JsonObject())
            .await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject()
            .getJsonArray("agents");
    return agents.stream().map(a -> ((JsonObject) a).getString("name")).toList();
  }
}
