package io.dialback.agent.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dialback.wire.RawJson;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The file service on a real local event bus, over real temporary folders. */
class FileServiceTest {
  @TempDir Path tmp;
  private Path root;
  private Vertx vertx;
  private FileService service;
  private final List<Runnable> detach = new java.util.ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("share"));
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/hello.txt"), "hello, world");
    Files.writeString(root.resolve("zeta.txt"), "z");
    vertx = Vertx.vertx();
    start(new FsSettings(true, 1024, 2, 8, 300, 2, false, 10));
  }

  private void start(FsSettings settings) throws Exception {
    if (service != null) {
      service.stop().await(5, TimeUnit.SECONDS);
    }
    service = new FileService(vertx, new Jail(root), settings, "alpha");
    // Start on a Vert.x context, as the agent does.
    vertx.getOrCreateContext().runOnContext(v -> service.start());
    Thread.sleep(50);
  }

  @AfterEach
  void tearDown() throws Exception {
    detach.forEach(Runnable::run);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private JsonObject call(String op, JsonObject body) throws Exception {
    return call(op, body, null);
  }

  private JsonObject call(String op, JsonObject body, String from) throws Exception {
    DeliveryOptions options = new DeliveryOptions();
    if (from != null) {
      options.addHeader(Wire.HEADER_FROM, from);
    }
    Future<io.vertx.core.eventbus.Message<Object>> reply =
        vertx.eventBus().request(Wire.localAddress(Wire.fsAddress("alpha", op)), body, options);
    io.vertx.core.eventbus.Message<Object> answer = reply.await(10, TimeUnit.SECONDS);
    if (answer.body() instanceof RawJson) { // JSON text, passed on undecoded by the agent
      return new JsonObject(((RawJson) answer.body()).json());
    }
    return (JsonObject) answer.body();
  }

  private void assertFails(String op, JsonObject body, int code, String text) {
    assertFails(op, body, null, code, text);
  }

  private void assertFails(String op, JsonObject body, String from, int code, String text) {
    assertThatThrownBy(() -> call(op, body, from))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureCode()).isEqualTo(code);
              assertThat(e.getMessage()).contains(text);
            });
  }

  @Test
  void listsADirectorySortedWithTypesAndPages() throws Exception {
    JsonObject page = call("list", new JsonObject().put("path", ""));
    JsonArray entries = page.getJsonArray("entries");
    assertThat(entries).hasSize(2);
    assertThat(entries.getJsonObject(0).getString("name")).isEqualTo("docs");
    assertThat(entries.getJsonObject(0).getString("type")).isEqualTo("dir");
    assertThat(entries.getJsonObject(1).getString("name")).isEqualTo("zeta.txt");
    assertThat(entries.getJsonObject(1).getLong("size")).isEqualTo(1);
    assertThat(page.getBoolean("more")).isFalse();

    Files.writeString(root.resolve("aaa.txt"), "first");
    JsonObject first = call("list", new JsonObject());
    assertThat(first.getInteger("total")).isEqualTo(3);
    assertThat(first.getBoolean("more")).isTrue();
    JsonObject second = call("list", new JsonObject().put("offset", 2));
    assertThat(second.getJsonArray("entries").getJsonObject(0).getString("name"))
        .isEqualTo("zeta.txt");
  }

  @Test
  void statsFilesAndDirectories() throws Exception {
    JsonObject stat = call("stat", new JsonObject().put("path", "docs/hello.txt"));
    assertThat(stat.getString("type")).isEqualTo("file");
    assertThat(stat.getLong("size")).isEqualTo(12);
    assertThat(stat.getString("name")).isEqualTo("hello.txt");
    assertThat(stat.getLong("modified")).isPositive();
    assertThat(call("stat", new JsonObject().put("path", "docs")).getString("type"))
        .isEqualTo("dir");
  }

  @Test
  void readsInChunksWithSizeAndEof() throws Exception {
    byte[] content = new byte[2500];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) i;
    }
    Files.write(root.resolve("bin.dat"), content);
    JsonObject first =
        call(
            "read",
            new JsonObject().put("path", "bin.dat").put("offset", 0).put("length", 100_000));
    assertThat(first.getLong("size")).isEqualTo(2500);
    assertThat(Base64.getDecoder().decode(first.getString("data")))
        .hasSize(1024); // the chunk bound
    assertThat(first.getBoolean("eof")).isFalse();
    JsonObject last = call("read", new JsonObject().put("path", "bin.dat").put("offset", 2048));
    byte[] tail = Base64.getDecoder().decode(last.getString("data"));
    assertThat(tail).hasSize(452);
    assertThat(tail[0]).isEqualTo(content[2048]);
    assertThat(last.getBoolean("eof")).isTrue();
    assertFails(
        "read", new JsonObject().put("path", "bin.dat").put("offset", 2501), 400, "beyond the end");
  }

  @Test
  void refusesTraversalAbsolutePathsAndSpecialFiles() throws Exception {
    assertFails("read", new JsonObject().put("path", "../x"), 403, "..");
    assertFails("list", new JsonObject().put("path", "/etc"), 403, "absolute");
    assertFails("read", new JsonObject().put("path", "docs"), 400, "is a directory");
    assertFails("read", new JsonObject().put("path", "nope.txt"), 404, "no such file");
    assertFails("read", new JsonObject().put("path", 7), 400, "path must be a string");
    Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    assertFails("read", new JsonObject().put("path", "pipe"), 403, "not a regular file");
    assertThat(call("stat", new JsonObject().put("path", "pipe")).getString("type"))
        .isEqualTo("other");
  }

  @Test
  void uploadReplacesTheFileOnlyWhenTheLastChunkArrives() throws Exception {
    Path target = root.resolve("docs/hello.txt");
    call("write", chunk("docs/hello.txt", 0, "new ", false), "bob");
    call("write", chunk("docs/hello.txt", 4, "content", false), "bob");
    assertThat(Files.readString(target))
        .as("old file until the last chunk")
        .isEqualTo("hello, world");
    assertThat(call("list", new JsonObject().put("path", "docs")).getJsonArray("entries"))
        .as("the temp file is not listed")
        .hasSize(1);

    JsonObject done = call("write", chunk("docs/hello.txt", 11, "!", true), "bob");
    assertThat(done.getBoolean("done")).isTrue();
    assertThat(done.getLong("offset")).isEqualTo(12);
    assertThat(Files.readString(target)).isEqualTo("new content!");
    assertThat(tempFiles()).isEmpty();
  }

  @Test
  void uploadChunksMustContinueWhereTheLastEndedAndComeFromTheSameCaller() throws Exception {
    call("write", chunk("up.txt", 0, "abc", false), "bob");
    assertThatThrownBy(() -> call("write", chunk("up.txt", 5, "x", false), "bob"))
        .hasMessageContaining("expected the chunk at offset 3");
    assertThatThrownBy(() -> call("write", chunk("up.txt", 3, "x", false), "mallory"))
        .hasMessageContaining("someone else");
    assertThatThrownBy(() -> call("write", chunk("up.txt", 0, "x", false), "mallory"))
        .hasMessageContaining("already in progress");
  }

  @Test
  void abandonedUploadIsRemovedAndTheOldFileStays() throws Exception {
    call("write", chunk("zeta.txt", 0, "half of a new", false), "bob");
    assertThat(tempFiles()).hasSize(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!tempFiles().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(tempFiles()).isEmpty();
    assertThat(Files.readString(root.resolve("zeta.txt"))).isEqualTo("z");
    // After abandonment the same path can be uploaded afresh.
    call("write", chunk("zeta.txt", 0, "fresh", true), "bob");
    assertThat(Files.readString(root.resolve("zeta.txt"))).isEqualTo("fresh");
  }

  @Test
  void anUploadAbandonedAfterAnIdleSpellIsRemovedToo() throws Exception {
    // The sweep that ends stalled uploads runs only while one is open or an ending is remembered
    // (300 ms here): it stops after the first and must start again for the second.
    start(
        new FsSettings(true, 1024, 2, 8, 300, 100, false, 10)
            .withUploads(new UploadLimits(8, 8, 0, 0, 300)));
    for (String name : List.of("first.txt", "second.txt")) {
      call("write", chunk(name, 0, "half", false), "bob");
      assertThat(tempFiles()).hasSize(1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!tempFiles().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(tempFiles()).as("the abandoned upload of " + name).isEmpty();
      Thread.sleep(1_000);
    }
  }

  @Test
  void readOnlyServiceRefusesWrites() throws Exception {
    start(new FsSettings(false, 1024, 2, 8, 300, 100, false, 10));
    assertFails("write", chunk("new.txt", 0, "x", true), 403, "read-only");
    assertThat(Files.exists(root.resolve("new.txt"))).isFalse();
  }

  @Test
  void chunksLargerThanTheBoundAreRefused() throws Exception {
    String big = "x".repeat(4096);
    assertFails("write", chunk("big.txt", 0, big, true), 413, "at most 1024 bytes");
  }

  @Test
  void uploadsAreBoundedPerCallerAndInAllAndSayWhichBound() throws Exception {
    start(
        new FsSettings(true, 1024, 2, 8, 30_000, 2, false, 10)
            .withUploads(new UploadLimits(3, 2, 0, 0, 30_000)));
    call("write", chunk("b1", 0, "x", false), "bob");
    call("write", chunk("b2", 0, "x", false), "bob");
    assertFails("write", chunk("b3", 0, "x", false), "bob", 429, "fs.maxUploadsPerCaller = 2");
    call("write", chunk("c1", 0, "x", false), "carol");
    assertFails(
        "write",
        chunk("d1", 0, "x", false),
        "dave",
        429,
        "3 uploads are in progress on this agent, the most it takes (fs.maxUploads = 3)");
    call("write", chunk("b1", 1, "y", true), "bob");
    call("write", chunk("d1", 0, "x", true), "dave");
    assertThat(Files.readString(root.resolve("b1"))).isEqualTo("xy");
    assertThat(Files.readString(root.resolve("d1"))).isEqualTo("x");
  }

  @Test
  void aFirstChunkPastTheSizeBoundIsRefusedWithoutATempFile() throws Exception {
    start(
        new FsSettings(true, 1024, 2, 8, 30_000, 2, false, 10)
            .withUploads(new UploadLimits(8, 8, 500, 0, 30_000)));
    assertFails(
        "write",
        chunk("big.txt", 0, "x".repeat(501), true),
        "bob",
        413,
        "the upload of big.txt is refused: it would reach 501 bytes, more than this agent takes"
            + " (fs.maxUploadBytes = 500)");
    assertThat(tempFiles()).isEmpty();
    assertThat(Files.exists(root.resolve("big.txt"))).isFalse();
    call("write", chunk("big.txt", 0, "x".repeat(500), true), "bob");
    assertThat(Files.size(root.resolve("big.txt"))).isEqualTo(500);
  }

  @Test
  void moreOperationsThanWorkersAndQueueGetBusy() throws Exception {
    start(new FsSettings(false, 1024, 1, 0, 300, 100, false, 10));
    byte[] content = new byte[1024];
    Files.write(root.resolve("f.bin"), content);
    List<Future<io.vertx.core.eventbus.Message<Object>>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(
          vertx
              .eventBus()
              .request(
                  Wire.localAddress(Wire.fsAddress("alpha", "read")),
                  new JsonObject().put("path", "f.bin")));
    }
    int busy = 0;
    for (Future<io.vertx.core.eventbus.Message<Object>> f : calls) {
      try {
        f.await(10, TimeUnit.SECONDS);
      } catch (ReplyException e) {
        assertThat(e.failureCode()).isEqualTo(429);
        busy++;
      }
    }
    assertThat(busy).isPositive();
  }

  @Test
  void callerTextInLogLinesIsEscapedAndQuoted() throws Exception {
    String path = "a\r\n12:00:00.000 INFO  audit - forged \u001b[31m\" bytes=9";
    String caller = "bob\" path=\"x\nforged";
    List<ILoggingEvent> events = captureLogs();
    call("write", chunk(path, 0, "hi", true), caller);
    assertThatThrownBy(() -> call("write", chunk("y".repeat(300) + path, 0, "hi", true), caller))
        .hasMessageContaining("File name too long");
    start(new FsSettings(false, 1024, 2, 8, 300, 100, false, 10));
    assertThatThrownBy(() -> call("write", chunk(path, 0, "x", true), caller))
        .hasMessageContaining("read-only");

    List<String> lines =
        events.stream()
            .map(
                e ->
                    e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                            ? ""
                            : " " + e.getThrowableProxy().getMessage()))
            .toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(4);
    assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain("\n", "\r", "\u001b"));
    String quotedCaller = "identity=\"bob\\\" path=\\\"x\\nforged\"";
    String quotedPath = "path=\"a\\r\\n12:00:00.000 INFO  audit - forged \\u001b[31m\\\" bytes=9\"";
    assertThat(lines).contains("write " + quotedCaller + " " + quotedPath + " bytes=2");
    assertThat(lines).anyMatch(l -> l.startsWith("write-failed " + quotedCaller + " path=\"yyy"));
    assertThat(lines).contains("write-refused " + quotedCaller + " reason=\"read-only\"");
    assertThat(lines)
        .anyMatch(l -> l.startsWith("fs.write failed java.nio.file.FileSystemException: "));
  }

  /** Every event of the agent's loggers and its audit trail from now until the test ends. */
  private List<ILoggingEvent> captureLogs() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.list = new java.util.concurrent.CopyOnWriteArrayList<>();
    appender.start();
    for (String name : List.of("dialback.audit", "io.dialback")) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      logger.addAppender(appender);
      detach.add(() -> logger.detachAppender(appender));
    }
    return appender.list;
  }

  private List<Path> tempFiles() throws Exception {
    try (var files = Files.walk(root)) {
      return files.filter(p -> Uploads.isTempFile(p.getFileName().toString())).toList();
    }
  }

  private static JsonObject chunk(String path, long offset, String text, boolean last) {
    return new JsonObject()
        .put("path", path)
        .put("offset", offset)
        .put("data", Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)))
        .put("last", last);
  }
}
