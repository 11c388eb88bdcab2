package io.dialback.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.agent.AgentVerticle;
import io.dialback.api.Dialback;
import io.dialback.api.FileStat;
import io.dialback.api.RemoteAgent;
import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers cut short and taken up again, against a real hub and agents in process: a download
 * keeps its {@code .part} and resumes it while the remote file is unchanged, an upload resumes
 * where the agent holds it, and an agent-to-agent copy streams without a local file.
 */
class TransferResumeTest {
  private static final long SIZE = 8L * 1024 * 1024 + 123;

  @TempDir static Path tmp;
  private static TestHub hub;
  private static Vertx agents;
  private static Vertx vertx;
  private static BridgeClient client;
  private static Dialback dialback;
  private static Path alphaRoot;
  private static Path betaRoot;

  @BeforeAll
  static void start() throws Exception {
    int port = Ports.free();
    hub = TestHub.start(Target.DIALBACK, TestHub.conf().put("port", port));
    alphaRoot = Files.createDirectories(tmp.resolve("alpha"));
    betaRoot = Files.createDirectories(tmp.resolve("beta"));
    TestFiles.random(alphaRoot.resolve("big.bin"), SIZE, 5);
    agents = Vertx.vertx();
    deploy("alpha", TestHub.ALPHA_TOKEN, alphaRoot, port);
    deploy("beta", TestHub.BETA_TOKEN, betaRoot, port);
    vertx = Vertx.vertx();
    client =
        BridgeClient.create(
            vertx,
            ClientOptions.builder().hub("127.0.0.1", port).token(TestHub.CLIENT_TOKEN).build());
    client.connect().await(10, TimeUnit.SECONDS);
    dialback = Dialback.over(client);
  }

  private static void deploy(String name, String token, Path root, int port) throws Exception {
    AgentVerticle agent = new AgentVerticle(Map.of());
    agents
        .deployVerticle(
            agent,
            new DeploymentOptions()
                .setConfig(
                    new JsonObject()
                        .put("name", name)
                        .put("hubs", new JsonArray().add("127.0.0.1:" + port))
                        .put("token", token)
                        .put("root", root.toString())
                        .put("writable", true)))
        .await(10, TimeUnit.SECONDS);
    agent.connected().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    agents.close().await(10, TimeUnit.SECONDS);
    hub.close();
  }

  /** Options that cancel the transfer once half of it has landed. */
  private static TransferOptions cancelledAtHalf() {
    Cancellation cancel = new Cancellation();
    return TransferOptions.defaults()
        .withWindow(2)
        .withCancellation(cancel)
        .withProgress(
            (done, total) -> {
              if (done >= total / 2) {
                cancel.cancel();
              }
            });
  }

  @Test
  void aCancelledDownloadKeepsItsPartAndTheNextOneResumesIt() throws Exception {
    RemoteAgent alpha = dialback.agent("alpha");
    Path target = tmp.resolve("resumed.bin");
    assertThatThrownBy(() -> alpha.download("big.bin", target, cancelledAtHalf()).await())
        .hasRootCauseInstanceOf(TransferCancelled.class);
    assertThat(tmp.resolve("resumed.bin.part")).exists();
    assertThat(tmp.resolve("resumed.bin.part.resume")).exists();
    assertThat(target).doesNotExist();

    TransferResult result =
        alpha.download("big.bin", target, TransferOptions.defaults()).await(30, TimeUnit.SECONDS);
    assertThat(result.resumedFrom()).isBetween(SIZE / 4, SIZE / 2 + 2 * 512 * 1024);
    assertThat(TestFiles.sha256(target)).isEqualTo(TestFiles.sha256(alphaRoot.resolve("big.bin")));
    assertThat(tmp.resolve("resumed.bin.part")).doesNotExist();
    assertThat(tmp.resolve("resumed.bin.part.resume")).doesNotExist();
  }

  @Test
  void aPartOfAFileThatChangedSinceOrARestartStartsFromTheFirstByte() throws Exception {
    Path source = TestFiles.random(alphaRoot.resolve("changing.bin"), SIZE, 6);
    RemoteAgent alpha = dialback.agent("alpha");
    Path target = tmp.resolve("changing.bin");
    assertThatThrownBy(() -> alpha.download("changing.bin", target, cancelledAtHalf()).await())
        .hasRootCauseInstanceOf(TransferCancelled.class);
    Files.setLastModifiedTime(source, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    TransferResult fresh =
        alpha
            .download("changing.bin", target, TransferOptions.defaults())
            .await(30, TimeUnit.SECONDS);
    assertThat(fresh.resumedFrom()).isZero();
    assertThat(TestFiles.sha256(target)).isEqualTo(TestFiles.sha256(source));

    assertThatThrownBy(() -> alpha.download("changing.bin", target, cancelledAtHalf()).await())
        .hasRootCauseInstanceOf(TransferCancelled.class);
    TransferResult restarted =
        alpha
            .download("changing.bin", target, TransferOptions.defaults().withRestart(true))
            .await(30, TimeUnit.SECONDS);
    assertThat(restarted.resumedFrom()).isZero();
    assertThat(TestFiles.sha256(target)).isEqualTo(TestFiles.sha256(source));
  }

  @Test
  void aCancelledUploadResumesWhereTheAgentHoldsIt() throws Exception {
    Path local = TestFiles.random(tmp.resolve("up.bin"), SIZE, 7);
    RemoteAgent beta = dialback.agent("beta");
    assertThatThrownBy(() -> beta.upload(local, "up.bin", cancelledAtHalf()).await())
        .hasRootCauseInstanceOf(TransferCancelled.class);
    assertThat(betaRoot.resolve("up.bin")).doesNotExist();
    TransferResult result =
        beta.upload(local, "up.bin", TransferOptions.defaults()).await(30, TimeUnit.SECONDS);
    assertThat(result.resumedFrom()).isGreaterThanOrEqualTo(SIZE / 2);
    assertThat(TestFiles.sha256(betaRoot.resolve("up.bin"))).isEqualTo(TestFiles.sha256(local));
  }

  @Test
  void aCopyFromAgentToAgentStreamsThroughTheClient() throws Exception {
    FileStat stat = dialback.agent("alpha").stat("big.bin").await(10, TimeUnit.SECONDS);
    TransferOptions options = TransferOptions.defaults();
    AgentSource source =
        new AgentSource(
            dialback.transport(),
            "alpha",
            "big.bin",
            stat.size(),
            stat.modified().toEpochMilli(),
            options);
    TransferResult result =
        dialback.agent("beta").upload(source, "copy.bin", options).await(30, TimeUnit.SECONDS);
    assertThat(result.bytes()).isEqualTo(SIZE);
    assertThat(TestFiles.sha256(betaRoot.resolve("copy.bin")))
        .isEqualTo(TestFiles.sha256(alphaRoot.resolve("big.bin")));
    assertThat(dialback.agent("beta").hash("copy.bin").await(10, TimeUnit.SECONDS).sha256())
        .isEqualTo(TestFiles.sha256(alphaRoot.resolve("big.bin")));
  }
}
