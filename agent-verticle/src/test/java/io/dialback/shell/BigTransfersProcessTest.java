package io.dialback.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.agent.Fleet;
import io.dialback.hub.TestHub;
import io.dialback.testkit.Await;
import io.dialback.testkit.DelayProxy;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The big transfers, once each, between processes: a 200 MiB copy from agent to agent through a
 * shell with a 64 MiB heap, byte-identical; and a download killed (-9) at about half, which the
 * next run resumes, saying from which byte, moving only the rest.
 */
class BigTransfersProcessTest {
  private static final long BIG = 200L * 1024 * 1024;
  private static final long MID = 48L * 1024 * 1024;

  @TempDir static Path tmp;
  private static Fleet fleet;
  private static Path alpha;
  private static Path beta;

  @BeforeAll
  static void start() throws Exception {
    fleet = Fleet.start(tmp);
    alpha = fleet.agent("alpha", TestHub.ALPHA_TOKEN, false);
    beta = fleet.agent("beta", TestHub.BETA_TOKEN, true);
  }

  @AfterAll
  static void stop() throws Exception {
    fleet.close();
  }

  @Test
  void a200MiBCopyFromAgentToAgentThroughA64MiBShellIsByteIdentical() throws Exception {
    Path source = TestFiles.random(alpha.resolve("big.bin"), BIG, 42);
    long start = System.nanoTime();
    JavaProcess.Result cp =
        fleet.shell(
            List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
            null,
            "cp",
            "alpha:big.bin",
            "beta:copy.bin");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(cp.exitCode()).as(cp.err()).isZero();
    assertThat(cp.err()).doesNotContain("OutOfMemoryError");
    assertThat(TestFiles.sha256(beta.resolve("copy.bin"))).isEqualTo(TestFiles.sha256(source));
    System.out.printf(
        "cp of 200 MiB, agent to agent, shell at -Xmx64m: %d ms (%.1f MiB/s with JVM start)%n",
        took.toMillis(), 200 / (took.toMillis() / 1000.0));
    Files.delete(source);
    Files.delete(beta.resolve("copy.bin"));
  }

  @Test
  void aGetKilledAtHalfIsResumedAndMovesOnlyTheRest() throws Exception {
    Path source = TestFiles.random(alpha.resolve("mid.bin"), MID, 43);
    Path dest = Files.createDirectories(tmp.resolve("dest"));
    Path note = dest.resolve("mid.bin.part.resume");
    Vertx vertx = Vertx.vertx();
    // 12 MiB/s through a proxy, so that the first run is still going when it is killed.
    try (DelayProxy slow = DelayProxy.start(vertx, fleet.port, 1, 12L * 1024 * 1024)) {
      List<String> args = new ArrayList<>(fleet.shellArgs("get", "alpha:mid.bin", dest.toString()));
      args.set(2, "127.0.0.1:" + slow.port());
      JavaProcess first =
          fleet.track(
              JavaProcess.start(
                  "first-get",
                  "io.dialback.agent.cli.AgentMain",
                  List.of("-Xmx64m", "-XX:+UseSerialGC"),
                  args,
                  Map.of(),
                  tmp.resolve("logs")));
      Await.until(
          "half of the file kept",
          Duration.ofSeconds(60),
          () -> Files.exists(note) && have(note) >= MID / 2);
      first.kill9();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    long kept = have(note);
    assertThat(dest.resolve("mid.bin")).doesNotExist();

    JavaProcess.Result again = fleet.shell("get", "alpha:mid.bin", dest.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    Matcher m =
        Pattern.compile(
                "alpha:mid\\.bin: resumed at byte (\\d+) of (\\d+) \\(([0-9.]+) MiB of 48\\.0 MiB transferred\\)")
            .matcher(again.err());
    assertThat(m.find()).as(again.err()).isTrue();
    long from = Long.parseLong(m.group(1));
    assertThat(from).isGreaterThanOrEqualTo(kept).isGreaterThanOrEqualTo(MID * 4 / 10);
    assertThat(Long.parseLong(m.group(2))).isEqualTo(MID);
    assertThat(Double.parseDouble(m.group(3)) * 1024 * 1024)
        .isCloseTo(MID - from, org.assertj.core.data.Offset.offset(0.1 * 1024 * 1024));
    assertThat(TestFiles.sha256(dest.resolve("mid.bin"))).isEqualTo(TestFiles.sha256(source));
    assertThat(note).doesNotExist();
    System.out.printf("get killed at byte %d of %d, resumed from byte %d%n", kept, MID, from);
  }

  private static long have(Path note) {
    try {
      return new JsonObject(Files.readString(note)).getLong("have", 0L);
    } catch (Exception e) {
      return 0; // being rewritten
    }
  }
}
