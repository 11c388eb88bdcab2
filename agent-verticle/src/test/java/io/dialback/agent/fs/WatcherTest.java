package io.dialback.agent.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher on a real folder with the system's real notifications. */
class WatcherTest {
  @TempDir Path root;
  private final Vertx vertx = Vertx.vertx();
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private Watcher watcher;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(root.resolve("old/deeper"));
    watcher = new Watcher(new Jail(root), 100, events::add);
    watcher.start(vertx.getOrCreateContext());
  }

  @AfterEach
  void stop() throws Exception {
    watcher.stop();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aFileWrittenInManyPiecesIsOneCreatedEvent() throws Exception {
    Path file = root.resolve("old/deeper/log.txt");
    for (int i = 0; i < 50; i++) {
      Files.writeString(
          file, "line " + i + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    JsonObject event = awaitEvent("old/deeper/log.txt");
    Thread.sleep(3 * Watcher.SETTLE_MS);

    assertThat(events).hasSize(1);
    assertThat(event.getString("event")).isEqualTo("created");
    assertThat(event.getString("type")).isEqualTo("file");
    assertThat(event.getLong("size")).isEqualTo(Files.size(file));
  }

  @Test
  void aFileThatCameAndWentIsNoEventButADeletedOldOneIs() throws Exception {
    Files.writeString(root.resolve("before.txt"), "x");
    awaitEvent("before.txt");
    events.clear();

    Files.writeString(root.resolve("brief.txt"), "gone soon");
    Files.delete(root.resolve("brief.txt"));
    Files.delete(root.resolve("before.txt"));

    assertThat(awaitEvent("before.txt").getString("event")).isEqualTo("deleted");
    Thread.sleep(3 * Watcher.SETTLE_MS);
    assertThat(events).extracting(e -> e.getString("path")).containsExactly("before.txt");
  }

  @Test
  void newFoldersAreWatchedAndWhatWasMadeInsideCounts() throws Exception {
    Files.createDirectories(root.resolve("new/inner"));
    Files.writeString(root.resolve("new/inner/a.txt"), "a");
    awaitEvent("new/inner/a.txt");
    Thread.sleep(3 * Watcher.SETTLE_MS);

    Files.writeString(root.resolve("new/inner/b.txt"), "b");
    awaitEvent("new/inner/b.txt");

    assertThat(events)
        .extracting(e -> e.getString("path"))
        .contains("new", "new/inner", "new/inner/a.txt", "new/inner/b.txt");
    assertThat(events).allMatch(e -> e.getString("event").equals("created"));
  }

  @Test
  void uploadTempFilesAreNotReportedOnlyTheFileTheyBecome() throws Exception {
    Path temp = root.resolve(".up.txt.dialback-0123456789abcdef0123456789abcdef.part");
    assertThat(Uploads.isTempFile(temp.getFileName().toString())).isTrue();
    Files.writeString(temp, "uploaded");
    Files.move(temp, root.resolve("up.txt"));

    awaitEvent("up.txt");
    Thread.sleep(3 * Watcher.SETTLE_MS);

    assertThat(events).extracting(e -> e.getString("path")).containsExactly("up.txt");
  }

  private JsonObject awaitEvent(String path) throws Exception {
    Await.until(
        "an event for " + path,
        Duration.ofSeconds(10),
        () -> events.stream().anyMatch(e -> path.equals(e.getString("path"))));
    return events.stream().filter(e -> path.equals(e.getString("path"))).reduce((a, b) -> b).get();
  }
}
