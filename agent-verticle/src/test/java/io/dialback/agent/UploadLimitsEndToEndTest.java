package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import io.dialback.files.Upload;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.Await;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real hub and a writable agent over loopback, uploaded to by callers with identities of their
 * own (the hub stamps each call with its sender's): one caller cannot hold the agent's uploads, a
 * crawling upload is ended, an upload past the size bound is refused, and each leaves no temp file.
 */
class UploadLimitsEndToEndTest {
  private static final String MALLORY_TOKEN = "mallory-token-0001";
  private static final String ALICE_TOKEN = "alice-token-0001";
  private static final String WRITE = "agent.beta.fs.write";

  @TempDir Path tmp;
  private int port;
  private TestHub hub;
  private Path root;
  private Vertx agentVertx;
  private Vertx clientVertx;
  private final List<BridgeClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    port = Ports.free();
    JsonObject conf = TestHub.conf().put("port", port);
    conf.getJsonObject("auth")
        .getJsonArray("tokens")
        .add(client(MALLORY_TOKEN, "mallory"))
        .add(client(ALICE_TOKEN, "alice"));
    hub = TestHub.start(Target.DIALBACK, conf);
    root = Files.createDirectories(tmp.resolve("beta"));
    Files.writeString(root.resolve("notes.txt"), "beta's notes");
    agentVertx = Vertx.vertx();
    clientVertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (BridgeClient c : clients) {
      c.close().await(10, TimeUnit.SECONDS);
    }
    clientVertx.close().await(10, TimeUnit.SECONDS);
    agentVertx.close().await(10, TimeUnit.SECONDS);
    hub.close();
  }

  private static JsonObject client(String token, String id) {
    return new JsonObject().put("token", token).put("role", "client").put("id", id);
  }

  /** The agent beta, writable, with these {@code fs} settings (and {@code chunkBytes}). */
  private void startAgent(JsonObject fs, int chunkBytes) throws Exception {
    JsonObject conf =
        new JsonObject()
            .put("name", "beta")
            .put("hubs", new JsonArray().add("127.0.0.1:" + port))
            .put("token", TestHub.BETA_TOKEN)
            .put("root", root.toString())
            .put("writable", true)
            .put("chunkBytes", chunkBytes)
            .put("fs", fs);
    AgentVerticle agent = new AgentVerticle(Map.of());
    agentVertx
        .deployVerticle(agent, new DeploymentOptions().setConfig(conf))
        .await(10, TimeUnit.SECONDS);
    agent.connected().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient connect(String token) throws Exception {
    BridgeClient c =
        BridgeClient.create(
            clientVertx, ClientOptions.builder().hub("127.0.0.1", port).token(token).build());
    clients.add(c);
    c.connect().await(10, TimeUnit.SECONDS);
    return c;
  }

  private static JsonObject chunk(String path, long offset, byte[] data, boolean last) {
    return new JsonObject()
        .put("path", path)
        .put("offset", offset)
        .put("data", Base64.getEncoder().encodeToString(data))
        .put("last", last);
  }

  private static JsonObject write(BridgeClient c, JsonObject chunk) throws Exception {
    return c.request(WRITE, chunk).await(10, TimeUnit.SECONDS).bodyAsJsonObject();
  }

  private static ReplyException refusal(BridgeClient c, JsonObject chunk) {
    try {
      write(c, chunk);
    } catch (ReplyException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("the chunk was accepted: " + chunk.getString("path"));
  }

  private List<Path> tempFiles() throws Exception {
    try (var files = Files.list(root)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
    }
  }

  @Test
  void oneCallerHoldingItsUploadSlotsCannotKeepAnotherCallerFromUploading() throws Exception {
    startAgent(
        new JsonObject()
            .put("maxUploads", 4)
            .put("maxUploadsPerCaller", 2)
            .put("uploadIdleMs", 30_000),
        1024);
    BridgeClient mallory = connect(MALLORY_TOKEN);
    BridgeClient alice = connect(ALICE_TOKEN);
    BridgeClient tester = connect(TestHub.CLIENT_TOKEN);

    // Mallory opens as many uploads as it can and keeps them open.
    int opened = 0;
    ReplyException refused = null;
    for (int i = 0; i < 10; i++) {
      try {
        write(mallory, chunk("m" + i + ".bin", 0, new byte[] {1}, false));
        opened++;
      } catch (ReplyException e) {
        refused = e;
      }
    }
    assertThat(opened).isEqualTo(2);
    assertThat(refused.failureCode()).isEqualTo(429);
    assertThat(refused.getMessage())
        .startsWith("busy: caller mallory has 2 uploads in progress")
        .contains("fs.maxUploadsPerCaller = 2");

    // Alice still uploads, whole.
    write(alice, chunk("alice.txt", 0, "from ".getBytes(), false));
    JsonObject done = write(alice, chunk("alice.txt", 5, "alice".getBytes(), true));
    assertThat(done.getBoolean("done")).isTrue();
    assertThat(Files.readString(root.resolve("alice.txt"))).isEqualTo("from alice");

    // The agent-wide bound still holds, and says so.
    write(tester, chunk("t0.bin", 0, new byte[] {1}, false));
    write(tester, chunk("t1.bin", 0, new byte[] {1}, false));
    ReplyException full = refusal(alice, chunk("alice2.txt", 0, new byte[] {1}, false));
    assertThat(full.failureCode()).isEqualTo(429);
    assertThat(full.getMessage())
        .startsWith("busy: 4 uploads are in progress on this agent")
        .contains("fs.maxUploads = 4");
  }

  @Test
  void anUploadThatDribblesIsAbandonedAfterItsGraceAndItsTempFileRemoved() throws Exception {
    // Idle never strikes here (a chunk every 100 ms): only the pace can end the dribble.
    startAgent(
        new JsonObject()
            .put("uploadIdleMs", 20_000)
            .put("uploadMinBytesPerSecond", 4_000)
            .put("uploadRateWindowMs", 1_000),
        1024);
    BridgeClient mallory = connect(MALLORY_TOKEN);
    BridgeClient alice = connect(ALICE_TOKEN);

    long started = System.nanoTime();
    write(mallory, chunk("notes.txt", 0, new byte[] {'x'}, false));
    write(alice, chunk("steady.bin", 0, new byte[1024], false));
    assertThat(tempFiles()).hasSize(2);
    long malloryAt = 1;
    long aliceAt = 1024;
    ReplyException ended = null;
    while (ended == null && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(6)) {
      Thread.sleep(100);
      try {
        write(mallory, chunk("notes.txt", malloryAt, new byte[] {'x'}, false)); // ~10 B/s
        malloryAt++;
      } catch (ReplyException e) {
        ended = e;
      }
      write(alice, chunk("steady.bin", aliceAt, new byte[1024], false)); // ~10 KiB/s
      aliceAt += 1024;
    }
    long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.printf(
        "dribbling upload (%d bytes sent) ended %d ms after its first chunk%n", malloryAt, afterMs);

    assertThat(ended).as("the dribbling upload was ended").isNotNull();
    assertThat(ended.failureCode()).isEqualTo(409);
    assertThat(ended.getMessage())
        .startsWith("conflict: the upload of notes.txt was abandoned: ")
        .contains("below fs.uploadMinBytesPerSecond (4000 bytes/s)")
        .endsWith("start again at offset 0");
    assertThat(afterMs).as("ended after the grace, not before").isGreaterThanOrEqualTo(1_000);
    Await.until(
        "only alice's temp file is left",
        Duration.ofSeconds(5),
        () ->
            tempFiles().size() == 1
                && tempFiles().get(0).getFileName().toString().contains("steady.bin"));
    assertThat(Files.readString(root.resolve("notes.txt"))).isEqualTo("beta's notes");

    // The steady upload kept its pace through the same windows, and completes.
    JsonObject done = write(alice, chunk("steady.bin", aliceAt, new byte[] {7}, true));
    assertThat(done.getBoolean("done")).isTrue();
    assertThat(Files.size(root.resolve("steady.bin"))).isEqualTo(aliceAt + 1);
    assertThat(tempFiles()).isEmpty();
  }

  @Test
  void anUploadPastTheSizeBoundIsRefusedWith413AndLeavesNoTempFile() throws Exception {
    startAgent(new JsonObject().put("maxUploadBytes", 3_000), 1024);
    BridgeClient mallory = connect(MALLORY_TOKEN);

    write(mallory, chunk("notes.txt", 0, new byte[1024], false));
    write(mallory, chunk("notes.txt", 1024, new byte[1024], false));
    assertThat(tempFiles()).hasSize(1);
    ReplyException tooLarge = refusal(mallory, chunk("notes.txt", 2048, new byte[1024], false));
    assertThat(tooLarge.failureCode()).isEqualTo(413);
    assertThat(tooLarge.getMessage())
        .isEqualTo(
            "too_large: the upload of notes.txt is abandoned: it would reach 3072 bytes, more"
                + " than this agent takes (fs.maxUploadBytes = 3000)");
    Await.until("the temp file is removed", Duration.ofSeconds(5), () -> tempFiles().isEmpty());
    assertThat(Files.readString(root.resolve("notes.txt"))).isEqualTo("beta's notes");

    ReplyException next = refusal(mallory, chunk("notes.txt", 2048, new byte[10], true));
    assertThat(next.failureCode()).isEqualTo(409);
    assertThat(next.getMessage())
        .contains("was abandoned: it would reach 3072 bytes")
        .endsWith("start again at offset 0");

    // Exactly the bound is allowed: the Java client's whole-file upload goes through.
    Path exact = TestFiles.random(tmp.resolve("exact.bin"), 3_000, 5);
    TransferResult up =
        Upload.fromFile(
                clientVertx,
                mallory,
                exact,
                "beta",
                "exact.bin",
                new TransferOptions(
                    1, 1024, Duration.ofSeconds(10), 0, Duration.ofSeconds(5), null))
            .await(30, TimeUnit.SECONDS);
    assertThat(up.bytes()).isEqualTo(3_000);
    assertThat(TestFiles.sha256(root.resolve("exact.bin"))).isEqualTo(TestFiles.sha256(exact));
    // One byte more is refused, through the same client.
    Path over = TestFiles.random(tmp.resolve("over.bin"), 3_001, 6);
    assertThatThrownBy(
            () ->
                Upload.fromFile(
                        clientVertx,
                        mallory,
                        over,
                        "beta",
                        "over.bin",
                        new TransferOptions(
                            1, 1024, Duration.ofSeconds(10), 0, Duration.ofSeconds(5), null))
                    .await(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(413));
    Await.until("no temp file is left", Duration.ofSeconds(5), () -> tempFiles().isEmpty());
    assertThat(Files.exists(root.resolve("over.bin"))).isFalse();
  }
}
