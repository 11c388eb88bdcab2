package io.dialback.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.agent.AgentVerticle;
import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.Await;
import io.dialback.testkit.TestFiles;
import io.dialback.transport.Subscription;
import io.dialback.wire.FailureCode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The typed API against a real hub and real agents on loopback, over each transport: a bridge
 * client that asked for binary frames, one that did not (base64 JSON, like stock clients), and the
 * hub's own event bus (what a clustered member uses; the clustered case runs in the examples).
 */
class DialbackApiTest {
  enum Over {
    BRIDGE_BINARY,
    BRIDGE_JSON,
    EVENT_BUS
  }

  private static final String CODES_TOKEN = "codes-token-0001";

  @TempDir Path tmp;
  private TestHub hub;
  private Path alphaRoot;
  private Path betaRoot;
  private Vertx agents;
  private Vertx callers;
  private byte[] big;

  @BeforeEach
  void setUp() throws Exception {
    JsonObject conf = TestHub.conf();
    conf.getJsonObject("auth")
        .getJsonArray("tokens")
        .add(
            new JsonObject()
                .put("token", CODES_TOKEN)
                .put("role", "agent")
                .put("names", new JsonArray().add("codes")));
    hub = TestHub.start(Target.DIALBACK, conf);
    alphaRoot = Files.createDirectories(tmp.resolve("alpha"));
    betaRoot = Files.createDirectories(tmp.resolve("beta"));
    Files.createDirectories(alphaRoot.resolve("docs/deeper"));
    Files.writeString(alphaRoot.resolve("docs/readme.txt"), "alpha's readme");
    TestFiles.random(alphaRoot.resolve("big.bin"), 3 * 1024 * 1024 + 17, 5);
    big = Files.readAllBytes(alphaRoot.resolve("big.bin"));
    agents = Vertx.vertx();
    callers = Vertx.vertx();
    deployAgent("alpha", TestHub.ALPHA_TOKEN, alphaRoot, false, true);
    deployAgent("beta", TestHub.BETA_TOKEN, betaRoot, true, false);
  }

  @AfterEach
  void tearDown() throws Exception {
    callers.close().await(10, TimeUnit.SECONDS);
    agents.close().await(10, TimeUnit.SECONDS);
    hub.close();
  }

  private void deployAgent(String name, String token, Path root, boolean writable, boolean watch)
      throws Exception {
    JsonObject conf =
        new JsonObject()
            .put("name", name)
            .put("hubs", new JsonArray().add("127.0.0.1:" + hub.port))
            .put("token", token)
            .put("root", root.toString())
            .put("writable", writable)
            .put("fs", new JsonObject().put("watch", watch));
    AgentVerticle agent = new AgentVerticle(Map.of());
    agents
        .deployVerticle(agent, new DeploymentOptions().setConfig(conf))
        .await(10, TimeUnit.SECONDS);
    agent.connected().await(10, TimeUnit.SECONDS);
  }

  private Dialback dialback(Over over) throws Exception {
    if (over == Over.EVENT_BUS) {
      return Dialback.over(hub.vertx, "api-test");
    }
    BridgeClient client =
        BridgeClient.create(
            callers,
            ClientOptions.builder()
                .hub("127.0.0.1", hub.port)
                .token(TestHub.CLIENT_TOKEN)
                .binary(over == Over.BRIDGE_BINARY)
                .build());
    client.connect().await(10, TimeUnit.SECONDS);
    assertThat(client.binary()).isEqualTo(over == Over.BRIDGE_BINARY);
    return Dialback.over(client);
  }

  @ParameterizedTest
  @EnumSource(Over.class)
  void findsAgentsAndUsesTheirFiles(Over over) throws Exception {
    Dialback dialback = dialback(over);

    List<AgentInfo> found = dialback.agents().await(10, TimeUnit.SECONDS);
    assertThat(found).extracting(AgentInfo::name).containsExactlyInAnyOrder("alpha", "beta");
    assertThat(found)
        .filteredOn(a -> a.name().equals("beta"))
        .singleElement()
        .satisfies(a -> assertThat(a.writable()).isTrue());

    RemoteAgent alpha = dialback.agent("alpha");
    assertThat(alpha.list("docs").await(10, TimeUnit.SECONDS))
        .extracting(FileEntry::name, FileEntry::type)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("deeper", "dir"),
            org.assertj.core.groups.Tuple.tuple("readme.txt", "file"));
    FileStat stat = alpha.stat("big.bin").await(10, TimeUnit.SECONDS);
    assertThat(stat.isFile()).isTrue();
    assertThat(stat.size()).isEqualTo(big.length);

    // A range across chunk boundaries (the agent's chunks are 512 KiB), and one past the end.
    Buffer range = alpha.read("big.bin", 100_000, 1_200_000).await(10, TimeUnit.SECONDS);
    assertThat(range.getBytes()).isEqualTo(Arrays.copyOfRange(big, 100_000, 1_300_000));
    Buffer tail = alpha.read("big.bin", big.length - 10, 1_000).await(10, TimeUnit.SECONDS);
    assertThat(tail.getBytes()).isEqualTo(Arrays.copyOfRange(big, big.length - 10, big.length));

    List<Long> progress = new CopyOnWriteArrayList<>();
    TransferResult got =
        alpha
            .download(
                "big.bin",
                tmp.resolve("copy.bin"),
                TransferOptions.defaults().withProgress((done, total) -> progress.add(done)))
            .await(30, TimeUnit.SECONDS);
    assertThat(got.bytes()).isEqualTo(big.length);
    assertThat(Files.readAllBytes(tmp.resolve("copy.bin"))).isEqualTo(big);
    assertThat(progress).isNotEmpty().isSorted().last().isEqualTo((long) big.length);

    TransferResult put =
        dialback
            .agent("beta")
            .upload(tmp.resolve("copy.bin"), "up-" + over + ".bin", TransferOptions.defaults())
            .await(30, TimeUnit.SECONDS);
    assertThat(put.bytes()).isEqualTo(big.length);
    assertThat(Files.readAllBytes(betaRoot.resolve("up-" + over + ".bin"))).isEqualTo(big);
  }

  @ParameterizedTest
  @EnumSource(Over.class)
  void theBlockingVariantsWaitAndThrowTyped(Over over) throws Exception {
    BlockingDialback blocking = dialback(over).blocking();

    assertThat(blocking.agents()).extracting(AgentInfo::name).contains("alpha", "beta");
    BlockingAgent alpha = blocking.agent("alpha");
    assertThat(alpha.stat("docs/readme.txt").size()).isEqualTo("alpha's readme".length());
    assertThat(alpha.read("docs/readme.txt", 8, 6).toString()).isEqualTo("readme");
    assertThat(alpha.list("")).extracting(FileEntry::name).contains("docs", "big.bin");
    alpha.download("docs/readme.txt", tmp.resolve("r.txt"), TransferOptions.defaults());
    assertThat(Files.readString(tmp.resolve("r.txt"))).isEqualTo("alpha's readme");

    assertThatThrownBy(() -> alpha.stat("nope.txt"))
        .isInstanceOfSatisfying(
            DialbackException.class,
            e -> {
              assertThat(e.code()).isEqualTo(FailureCode.NOT_FOUND);
              assertThat(e.getMessage()).contains("nope.txt");
            });
  }

  /** What the file service answers, as the typed API surfaces it, over every transport. */
  @ParameterizedTest
  @EnumSource(Over.class)
  void fileServiceFailuresArriveTyped(Over over) throws Exception {
    Dialback dialback = dialback(over);
    RemoteAgent alpha = dialback.agent("alpha");
    RemoteAgent beta = dialback.agent("beta");
    Files.writeString(tmp.resolve("small.txt"), "small");

    assertCode(alpha.stat("missing.txt"), FailureCode.NOT_FOUND);
    assertCode(alpha.list("../outside"), FailureCode.DENIED);
    assertCode(alpha.list("big.bin"), FailureCode.BAD_REQUEST);
    assertCode(alpha.read("big.bin", big.length + 10, 5), FailureCode.BAD_REQUEST);
    assertCode(
        alpha.upload(tmp.resolve("small.txt"), "small.txt", TransferOptions.defaults()),
        FailureCode.DENIED);
    assertCode(
        beta.upload(
            tmp.resolve("small.txt"), "no/such/folder/small.txt", TransferOptions.defaults()),
        FailureCode.NOT_FOUND);
    // Chunks larger than the agent takes (its chunkBytes is 512 KiB).
    TestFiles.random(tmp.resolve("mib.bin"), 1024 * 1024, 3);
    assertCode(
        beta.upload(
            tmp.resolve("mib.bin"),
            "mib.bin",
            new TransferOptions(
                1, 1024 * 1024, Duration.ofSeconds(30), 0, Duration.ofSeconds(1), null)),
        FailureCode.TOO_LARGE);

    DialbackException ghost =
        assertCode(dialback.agent("ghost").stat("x"), FailureCode.UNAVAILABLE);
    assertThat(ghost.noSuchAddress()).isTrue();
    assertThat(ghost.address()).isEqualTo("agent.ghost.fs.stat");
  }

  /**
   * Every failure code a service can answer reaches the caller as that code, over every transport:
   * a real agent (a bridge client bound to name "codes") fails each call with the code it names.
   */
  @ParameterizedTest
  @EnumSource(Over.class)
  void everyFailureCodeArrivesAsItsTypedError(Over over) throws Exception {
    BridgeClient codes = connectCodesAgent();
    codes
        .consumer(
            "agent.codes.fail.with",
            m -> {
              int code = m.bodyAsJsonObject().getInteger("code");
              m.fail(code, FailureCode.of(code).message("as asked"));
            })
        .await(10, TimeUnit.SECONDS);
    codes.consumer("agent.codes.fail.never", m -> {}).await(10, TimeUnit.SECONDS);
    Dialback dialback = dialback(over);

    for (FailureCode code : FailureCode.values()) {
      DialbackException e =
          assertCode(
              dialback.call("agent.codes.fail.with", new JsonObject().put("code", code.code())),
              code);
      assertThat(e.getMessage()).isEqualTo(code.label() + ": as asked");
      assertThat(e.rawCode()).isEqualTo(code.code());
      assertThat(e.timedOut()).isFalse();
    }

    DialbackException late =
        assertCode(
            dialback
                .withTimeout(Duration.ofMillis(300))
                .call("agent.codes.fail.never", new JsonObject()),
            FailureCode.UNAVAILABLE);
    assertThat(late.timedOut()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Over.class)
  void subscribersSeeFileChangesPublishedByTheAgent(Over over) throws Exception {
    Dialback dialback = dialback(over);
    List<FileEvent> seen = new CopyOnWriteArrayList<>();
    Subscription subscription =
        dialback.agent("alpha").onFileEvents(seen::add).await(10, TimeUnit.SECONDS);
    Thread.sleep(300); // let the watcher settle after the set-up's own writes

    Files.writeString(alphaRoot.resolve("docs/new.txt"), "fresh content");
    Await.until(
        "the created event",
        Duration.ofSeconds(10),
        () -> seen.stream().anyMatch(e -> e.path().equals("docs/new.txt")));
    FileEvent created =
        seen.stream().filter(e -> e.path().equals("docs/new.txt")).findFirst().orElseThrow();
    assertThat(created.agent()).isEqualTo("alpha");
    assertThat(created.kind()).isEqualTo(FileEvent.Kind.CREATED);
    assertThat(created.type()).isEqualTo("file");
    assertThat(created.size()).isEqualTo("fresh content".length());

    Files.delete(alphaRoot.resolve("docs/new.txt"));
    Await.until(
        "the deleted event",
        Duration.ofSeconds(10),
        () ->
            seen.stream()
                .anyMatch(
                    e -> e.path().equals("docs/new.txt") && e.kind() == FileEvent.Kind.DELETED));

    subscription.cancel().await(10, TimeUnit.SECONDS);
    int before = seen.size();
    Files.writeString(alphaRoot.resolve("after-cancel.txt"), "x");
    Thread.sleep(1_000);
    assertThat(seen).hasSize(before);
  }

  @Test
  void presenceEventsFollowAgentsComingAndGoing() throws Exception {
    Dialback dialback = dialback(Over.BRIDGE_JSON);
    List<PresenceEvent> seen = new CopyOnWriteArrayList<>();
    dialback.onPresence(seen::add).await(10, TimeUnit.SECONDS);

    BridgeClient codes = connectCodesAgent();
    Await.until("the joined event", Duration.ofSeconds(10), () -> !seen.isEmpty());
    codes.close().await(10, TimeUnit.SECONDS);
    Await.until("the left event", Duration.ofSeconds(10), () -> seen.size() >= 2);

    assertThat(seen)
        .extracting(PresenceEvent::kind, PresenceEvent::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(PresenceEvent.Kind.JOINED, "codes"),
            org.assertj.core.groups.Tuple.tuple(PresenceEvent.Kind.LEFT, "codes"));
  }

  /** A bare agent bound to name "codes": a bridge client of our own, on real sockets. */
  private BridgeClient connectCodesAgent() throws Exception {
    BridgeClient codes =
        BridgeClient.create(
            agents,
            ClientOptions.builder()
                .hub("127.0.0.1", hub.port)
                .token(CODES_TOKEN)
                .name("codes")
                .build());
    codes.connect().await(10, TimeUnit.SECONDS);
    return codes;
  }

  /** Waits for {@code call} to fail and checks its typed code. */
  private static DialbackException assertCode(io.vertx.core.Future<?> call, FailureCode code) {
    Throwable failure = null;
    try {
      call.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      failure = e;
    }
    assertThat(failure).as("a failure with code %s", code).isInstanceOf(DialbackException.class);
    DialbackException e = (DialbackException) failure;
    assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
    return e;
  }
}
