package io.dialback.agent.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.testkit.TestFiles;
import io.dialback.wire.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fs.mkdir}, {@code fs.delete}, {@code fs.move}, {@code fs.hash} and resuming an upload, on
 * a real local event bus over real folders (the jail's escapes through a hub are in {@code
 * FileOpsProcessTest}).
 */
class FileChangesTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private Vertx vertx;
  private FileService service;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("share"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/hello.txt"), "hello, world");
    vertx = Vertx.vertx();
    start(true);
  }

  private void start(boolean writable) throws Exception {
    if (service != null) {
      service.stop().await(5, TimeUnit.SECONDS);
    }
    service =
        new FileService(
            vertx,
            new Jail(root),
            new FsSettings(writable, 1024, 2, 8, 5_000, 100, false, 10),
            "a");
    vertx.getOrCreateContext().runOnContext(v -> service.start());
    Thread.sleep(50);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private JsonObject call(String op, JsonObject body) throws Exception {
    return (JsonObject)
        vertx
            .eventBus()
            .request(
                Wire.localAddress(Wire.fsAddress("a", op)),
                body,
                new DeliveryOptions().addHeader(Wire.HEADER_FROM, "tester"))
            .await(10, TimeUnit.SECONDS)
            .body();
  }

  private void assertFails(String op, JsonObject body, int code, String text) {
    assertThatThrownBy(() -> call(op, body))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureCode()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.getMessage()).contains(text);
            });
  }

  @Test
  void mkdirMakesOneFolderOrWithParentsEveryMissingOne() throws Exception {
    assertThat(call("mkdir", new JsonObject().put("path", "new")).getBoolean("created")).isTrue();
    assertThat(root.resolve("new")).isDirectory();
    assertFails("mkdir", new JsonObject().put("path", "new"), 409, "new already exists");
    assertFails("mkdir", new JsonObject().put("path", "a/b/c"), 404, "no such directory: a/b");
    JsonObject deep = call("mkdir", new JsonObject().put("path", "a/b/c").put("parents", true));
    assertThat(deep.getBoolean("created")).isTrue();
    assertThat(root.resolve("a/b/c")).isDirectory();
    assertThat(call("mkdir", new JsonObject().put("path", "a/b").put("parents", true)))
        .isEqualTo(new JsonObject().put("path", "a/b").put("created", false));
    assertFails(
        "mkdir",
        new JsonObject().put("path", "docs/hello.txt/x").put("parents", true),
        409,
        "docs/hello.txt exists and is not a directory");
  }

  @Test
  void deleteTakesAFolderOnlyWhenRecursiveAndALinkAsALink() throws Exception {
    Files.createDirectories(root.resolve("tree/inner"));
    Files.writeString(root.resolve("tree/inner/x.txt"), "x");
    Files.createSymbolicLink(root.resolve("tree/to-docs"), root.resolve("docs"));
    assertFails("delete", new JsonObject().put("path", "tree"), 400, "tree is a directory");
    JsonObject gone = call("delete", new JsonObject().put("path", "tree").put("recursive", true));
    assertThat(gone.getLong("deleted")).isEqualTo(4);
    assertThat(root.resolve("tree")).doesNotExist();
    assertThat(root.resolve("docs/hello.txt")).as("a link's target stays").exists();
    call("delete", new JsonObject().put("path", "docs/hello.txt"));
    assertThat(root.resolve("docs/hello.txt")).doesNotExist();
    assertFails("delete", new JsonObject().put("path", "docs/hello.txt"), 404, "no such file");
    assertFails("delete", new JsonObject().put("path", ""), 400, "path is required");
  }

  @Test
  void moveRenamesAtomicallyReplacingOnlyWhenAsked() throws Exception {
    Files.writeString(root.resolve("one.txt"), "one");
    Files.writeString(root.resolve("two.txt"), "two");
    assertFails(
        "move",
        new JsonObject().put("from", "one.txt").put("to", "two.txt"),
        409,
        "two.txt already exists; give replace: true");
    call("move", new JsonObject().put("from", "one.txt").put("to", "two.txt").put("replace", true));
    assertThat(Files.readString(root.resolve("two.txt"))).isEqualTo("one");
    assertThat(root.resolve("one.txt")).doesNotExist();
    call("move", new JsonObject().put("from", "two.txt").put("to", "docs/moved.txt"));
    assertThat(Files.readString(root.resolve("docs/moved.txt"))).isEqualTo("one");
    assertFails(
        "move",
        new JsonObject().put("from", "docs").put("to", "docs/inside"),
        400,
        "cannot move the folder docs into itself");
    Files.createDirectories(root.resolve("box"));
    assertFails(
        "move",
        new JsonObject().put("from", "box").put("to", "docs/moved.txt").put("replace", true),
        409,
        "cannot replace the file docs/moved.txt with a folder");
    assertFails("move", new JsonObject().put("from", "nothing").put("to", "x"), 404, "nothing");
    assertFails("move", new JsonObject().put("to", "x"), 400, "from must be a non-empty string");
  }

  @Test
  void hashGivesTheSha256WithSizeAndTime() throws Exception {
    Path big = TestFiles.random(root.resolve("big.bin"), 700_000, 9);
    JsonObject hash = call("hash", new JsonObject().put("path", "big.bin"));
    assertThat(hash.getString("sha256")).isEqualTo(TestFiles.sha256(big));
    assertThat(hash.getLong("size")).isEqualTo(700_000);
    assertThat(hash.getLong("modified")).isEqualTo(Files.getLastModifiedTime(big).toMillis());
    assertFails("hash", new JsonObject().put("path", "docs"), 400, "docs is a directory");
  }

  @Test
  void aReadOnlyAgentRefusesEveryChangeButHashes() throws Exception {
    start(false);
    for (String op : new String[] {"write", "mkdir", "delete", "move"}) {
      assertFails(op, new JsonObject().put("path", "x"), 403, "agent a is read-only");
    }
    assertThat(call("hash", new JsonObject().put("path", "docs/hello.txt")).getLong("size"))
        .isEqualTo(12);
  }

  @Test
  void anInterruptedUploadOfTheSameSourceResumesWhereTheAgentHoldsIt() throws Exception {
    String data = Base64.getEncoder().encodeToString(new byte[1024]);
    JsonObject first =
        new JsonObject()
            .put("path", "up.bin")
            .put("offset", 0)
            .put("data", data)
            .put("source", "2048:1");
    call("write", first);
    JsonObject probe =
        new JsonObject().put("path", "up.bin").put("resume", true).put("source", "2048:1");
    assertThat(call("write", probe).getLong("offset")).isEqualTo(1024);
    assertThat(call("write", probe.copy().put("source", "2048:2")).getLong("offset"))
        .as("another source starts afresh")
        .isZero();
    call(
        "write",
        new JsonObject()
            .put("path", "up.bin")
            .put("offset", 1024)
            .put("data", data)
            .put("last", true));
    assertThat(Files.size(root.resolve("up.bin"))).isEqualTo(2048);
    assertThat(call("write", probe).getLong("offset")).as("nothing held any more").isZero();
  }

  @Test
  void chunksSentAheadAreWrittenInOrderUpToABound() throws Exception {
    byte[] piece = new byte[1024];
    java.util.List<io.vertx.core.Future<io.vertx.core.eventbus.Message<Object>>> replies =
        new java.util.ArrayList<>();
    for (int i = 0; i < 1 + Uploads.MAX_AHEAD; i++) {
      java.util.Arrays.fill(piece, (byte) i);
      replies.add(
          vertx
              .eventBus()
              .request(
                  Wire.localAddress(Wire.fsAddress("a", "write")),
                  new JsonObject()
                      .put("path", "piped.bin")
                      .put("offset", i * 1024L)
                      .put("data", Base64.getEncoder().encodeToString(piece))
                      .put("last", i == Uploads.MAX_AHEAD),
                  new DeliveryOptions().addHeader(Wire.HEADER_FROM, "tester")));
    }
    for (var reply : replies) {
      reply.await(10, TimeUnit.SECONDS);
    }
    byte[] written = Files.readAllBytes(root.resolve("piped.bin"));
    assertThat(written).hasSize((1 + Uploads.MAX_AHEAD) * 1024);
    for (int i = 0; i <= Uploads.MAX_AHEAD; i++) {
      assertThat(written[i * 1024]).isEqualTo((byte) i);
    }
  }
}
