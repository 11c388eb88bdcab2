package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.files.Download;
import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import io.dialback.files.Upload;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.Await;
import io.dialback.testkit.Ports;
import io.dialback.testkit.RawBridgeSocket;
import io.dialback.testkit.TestFiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real hub and two real agents over loopback, each in its own Vert.x (as in separate processes),
 * sharing real temporary folders: alpha read-only, beta writable.
 */
class AgentEndToEndTest {
  @TempDir Path tmp;
  private int port;
  private TestHub hub;
  private Path alphaRoot;
  private Path betaRoot;
  private Vertx alphaVertx;
  private Vertx betaVertx;
  private AgentVerticle alpha;
  private AgentVerticle beta;

  @BeforeEach
  void setUp() throws Exception {
    port = Ports.free();
    hub = TestHub.start(Target.DIALBACK, TestHub.conf().put("port", port));
    alphaRoot = Files.createDirectories(tmp.resolve("alpha"));
    betaRoot = Files.createDirectories(tmp.resolve("beta"));
    Files.createDirectories(alphaRoot.resolve("docs"));
    Files.writeString(alphaRoot.resolve("docs/readme.txt"), "alpha's readme");
    Files.writeString(betaRoot.resolve("notes.txt"), "beta's notes");
    alphaVertx = Vertx.vertx();
    betaVertx = Vertx.vertx();
    alpha = deployAgent(alphaVertx, "alpha", TestHub.ALPHA_TOKEN, alphaRoot, false);
    beta = deployAgent(betaVertx, "beta", TestHub.BETA_TOKEN, betaRoot, true);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Vertx v : new Vertx[] {alphaVertx, betaVertx}) {
      if (v != null) {
        v.close().await(10, TimeUnit.SECONDS);
      }
    }
    hub.close();
  }

  private AgentVerticle deployAgent(
      Vertx vertx, String name, String token, Path root, boolean writable) throws Exception {
    JsonObject conf =
        new JsonObject()
            .put("name", name)
            .put("hubs", new JsonArray().add("127.0.0.1:" + port))
            .put("token", token)
            .put("root", root.toString())
            .put("writable", writable)
            .put("fs", new JsonObject().put("uploadIdleMs", 500))
            .put("reconnect", new JsonObject().put("initialDelayMs", 50).put("maxDelayMs", 300));
    AgentVerticle agent = new AgentVerticle(java.util.Map.of());
    vertx
        .deployVerticle(agent, new DeploymentOptions().setConfig(conf))
        .await(10, TimeUnit.SECONDS);
    agent.connected().await(10, TimeUnit.SECONDS);
    return agent;
  }

  private JsonObject hubCall(String address, JsonObject body) throws Exception {
    Message<Object> reply =
        hub.vertx.eventBus().<Object>request(address, body).await(10, TimeUnit.SECONDS);
    return (JsonObject) reply.body();
  }

  private static String text(JsonObject readReply) {
    return new String(
        Base64.getDecoder().decode(readReply.getString("data")), StandardCharsets.UTF_8);
  }

  @Test
  void theHubListsAndReadsAnAgentsFiles() throws Exception {
    JsonObject listing = hubCall("agent.alpha.fs.list", new JsonObject().put("path", "docs"));
    assertThat(listing.getJsonArray("entries").getJsonObject(0).getString("name"))
        .isEqualTo("readme.txt");
    JsonObject read =
        hubCall("agent.alpha.fs.read", new JsonObject().put("path", "docs/readme.txt"));
    assertThat(text(read)).isEqualTo("alpha's readme");
  }

  @Test
  void anotherAgentReadsAnAgentsFiles() throws Exception {
    BridgeClient betaAsCaller = beta.client();
    JsonObject read =
        betaAsCaller
            .request("agent.alpha.fs.read", new JsonObject().put("path", "docs/readme.txt"))
            .await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject();
    assertThat(text(read)).isEqualTo("alpha's readme");
    JsonObject listing =
        alpha
            .client()
            .request("agent.beta.fs.list", new JsonObject())
            .await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject();
    assertThat(listing.getJsonArray("entries").getJsonObject(0).getString("name"))
        .isEqualTo("notes.txt");
  }

  @Test
  void aPlainBridgeClientReadsAnAgentsFilesWithRawFrames() throws Exception {
    try (RawBridgeSocket s = RawBridgeSocket.login(port, TestHub.CLIENT_TOKEN, null)) {
      s.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "agent.alpha.fs.read")
              .put("replyAddress", "r1")
              .put("body", new JsonObject().put("path", "docs/readme.txt")));
      JsonObject reply = s.read();
      assertThat(reply.getString("type")).isEqualTo("message");
      assertThat(text(reply.getJsonObject("body"))).isEqualTo("alpha's readme");
      assertThat(reply.getJsonObject("body").getBoolean("eof")).isTrue();
    }
  }

  @Test
  void refusalsCarryTheirCodesToTheCaller() throws Exception {
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "secret");
    Files.createSymbolicLink(alphaRoot.resolve("link.txt"), outside);
    Process mkfifo = new ProcessBuilder("mkfifo", alphaRoot.resolve("fifo").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    assertCode("agent.alpha.fs.read", new JsonObject().put("path", "../outside.txt"), 403);
    assertCode("agent.alpha.fs.read", new JsonObject().put("path", outside.toString()), 403);
    assertCode("agent.alpha.fs.read", new JsonObject().put("path", "link.txt"), 403);
    assertCode("agent.alpha.fs.read", new JsonObject().put("path", "fifo"), 403);
    assertCode("agent.alpha.fs.read", new JsonObject().put("path", "missing"), 404);
    assertCode(
        "agent.alpha.fs.write",
        new JsonObject()
            .put("path", "new.txt")
            .put("offset", 0)
            .put("data", "eA==")
            .put("last", true),
        403);
    assertThat(Files.exists(alphaRoot.resolve("new.txt"))).isFalse();
  }

  private void assertCode(String address, JsonObject body, int code) {
    BridgeClient caller = beta.client();
    assertThatThrownBy(() -> caller.request(address, body).await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(code));
  }

  @Test
  void downloadsAndUploadsWholeFilesByteIdentical() throws Exception {
    Path source = TestFiles.random(alphaRoot.resolve("data.bin"), 5 * 1024 * 1024 + 123, 7);
    Path target = tmp.resolve("copy.bin");
    List<Long> progress = new CopyOnWriteArrayList<>();
    TransferResult down =
        Download.toFile(
                betaVertx,
                beta.client(),
                "alpha",
                "data.bin",
                target,
                TransferOptions.defaults().withProgress((done, total) -> progress.add(done)))
            .await(60, TimeUnit.SECONDS);
    assertThat(down.bytes()).isEqualTo(Files.size(source));
    assertThat(TestFiles.sha256(target)).isEqualTo(TestFiles.sha256(source));
    assertThat(progress).isSorted().last().isEqualTo(Files.size(source));
    assertThat(Files.exists(tmp.resolve("copy.bin.part"))).isFalse();

    TransferResult up =
        Upload.fromFile(
                alphaVertx,
                alpha.client(),
                target,
                "beta",
                "uploaded.bin",
                TransferOptions.defaults())
            .await(60, TimeUnit.SECONDS);
    assertThat(up.bytes()).isEqualTo(Files.size(source));
    assertThat(TestFiles.sha256(betaRoot.resolve("uploaded.bin")))
        .isEqualTo(TestFiles.sha256(source));
  }

  @Test
  void anInterruptedUploadLeavesTheOldFileUnchanged() throws Exception {
    try (RawBridgeSocket uploader = RawBridgeSocket.login(port, TestHub.CLIENT_TOKEN, null)) {
      uploader.send(
          new JsonObject()
              .put("type", "send")
              .put("address", "agent.beta.fs.write")
              .put("replyAddress", "w1")
              .put(
                  "body",
                  new JsonObject()
                      .put("path", "notes.txt")
                      .put("offset", 0)
                      .put(
                          "data",
                          Base64.getEncoder()
                              .encodeToString(
                                  "the first half of new no".getBytes(StandardCharsets.UTF_8)))
                      .put("last", false)));
      assertThat(uploader.read().getJsonObject("body").getLong("offset")).isEqualTo(24);
    } // the uploader goes away mid-transfer
    assertThat(Files.readString(betaRoot.resolve("notes.txt"))).isEqualTo("beta's notes");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (hasTempFile(betaRoot) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(hasTempFile(betaRoot)).as("abandoned temp file removed").isFalse();
    assertThat(Files.readString(betaRoot.resolve("notes.txt"))).isEqualTo("beta's notes");
  }

  private static boolean hasTempFile(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().endsWith(".part"));
    }
  }

  @Test
  void theRegistryListsAgentsWithTheirHubAndMeta() throws Exception {
    JsonArray agents = hubCall("hub.agents.list", new JsonObject()).getJsonArray("agents");
    assertThat(agents).hasSize(2);
    JsonObject first = agents.getJsonObject(0);
    assertThat(first.getString("name")).isEqualTo("alpha");
    assertThat(first.getString("hub")).isEqualTo("127.0.0.1:" + port);
    assertThat(first.getLong("connectedAt")).isPositive();
    JsonObject meta = first.getJsonObject("meta");
    assertThat(meta.getString("root")).isEqualTo("alpha");
    assertThat(meta.getBoolean("writable")).isFalse();
    assertThat(meta.getString("host")).isNotBlank();
    assertThat(meta.getString("version")).isNotBlank();
    assertThat(agents.getJsonObject(1).getJsonObject("meta").getBoolean("writable")).isTrue();
  }

  @Test
  void anAgentThatDiesIsAnnouncedLeftAndDropsOutOfTheList() throws Exception {
    BridgeClient watcher =
        BridgeClient.create(
            Vertx.vertx(),
            ClientOptions.builder().hub("127.0.0.1", port).token(TestHub.CLIENT_TOKEN).build());
    watcher.connect().await(10, TimeUnit.SECONDS);
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    watcher
        .consumer("hub.agents.events", m -> events.add(m.bodyAsJsonObject()))
        .await(10, TimeUnit.SECONDS);

    alphaVertx.close().await(10, TimeUnit.SECONDS);
    alphaVertx = null;
    Await.until(
        "a left event for alpha",
        Duration.ofSeconds(10),
        () ->
            events.stream()
                .anyMatch(
                    e ->
                        "left".equals(e.getString("event"))
                            && "alpha".equals(e.getString("name"))));
    JsonArray agents = hubCall("hub.agents.list", new JsonObject()).getJsonArray("agents");
    assertThat(agents).extracting(a -> ((JsonObject) a).getString("name")).containsExactly("beta");

    alphaVertx = Vertx.vertx();
    alpha = deployAgent(alphaVertx, "alpha", TestHub.ALPHA_TOKEN, alphaRoot, false);
    Await.until(
        "a joined event for alpha",
        Duration.ofSeconds(10),
        () ->
            events.stream()
                .anyMatch(
                    e ->
                        "joined".equals(e.getString("event"))
                            && "alpha".equals(e.getString("name"))));
    watcher.close();
  }

  @Test
  void restartingTheHubBringsEveryAgentBack() throws Exception {
    hub.close();
    hub = TestHub.start(Target.DIALBACK, TestHub.conf().put("port", port));
    Await.until(
        "both agents back on the restarted hub",
        Duration.ofSeconds(10),
        () -> {
          JsonArray agents = hubCall("hub.agents.list", new JsonObject()).getJsonArray("agents");
          return agents.size() == 2;
        });
    // Listed at login, an agent registers its addresses right after: wait for those too.
    Await.until(
        "alpha's addresses registered again",
        Duration.ofSeconds(10),
        () ->
            hub.vertx
                .eventBus()
                .request("agent.alpha.fs.stat", new JsonObject().put("path", ""))
                .transform(ar -> io.vertx.core.Future.succeededFuture(ar.succeeded()))
                .await(10, TimeUnit.SECONDS));
    assertThat(
            text(hubCall("agent.alpha.fs.read", new JsonObject().put("path", "docs/readme.txt"))))
        .isEqualTo("alpha's readme");
  }
}
