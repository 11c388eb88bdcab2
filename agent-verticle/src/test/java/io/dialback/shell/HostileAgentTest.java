package io.dialback.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.client.BridgeClient;
import io.dialback.client.BridgeMessage;
import io.dialback.client.ClientOptions;
import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.JavaProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile agent (a bridge client bound as "evil", answering the file service itself) whose
 * listings name {@code ../x}, an absolute path and names with terminal escapes, and whose meta and
 * sizes lie: {@code get -r} writes nothing outside its destination, and {@code ls} and {@code list}
 * print every name escaped, with a 64 MiB shell heap although a size claims a tebibyte.
 */
class HostileAgentTest {
  private static final String ESC = "\u001b[31mred\u001b[0m";
  private static final String C1 = "\u009b2Jclear";

  @TempDir static Path tmp;
  private static TestHub hub;
  private static Vertx vertx;
  private static BridgeClient evil;
  private static Path absolute;

  @BeforeAll
  static void start() throws Exception {
    hub =
        TestHub.start(Target.DIALBACK, HubConf.standard().agent("evil-token-0001", "evil").json());
    absolute = tmp.resolve("absolute-target.txt");
    vertx = Vertx.vertx();
    evil =
        BridgeClient.create(
            vertx,
            ClientOptions.builder()
                .hub("127.0.0.1", hub.port)
                .token("evil-token-0001")
                .name("evil")
                .meta(new JsonObject().put("host", "\u001b]0;owned\u0007host").put("root", ESC))
                .build());
    var registered =
        List.of(
            evil.consumer("agent.evil.fs.list", HostileAgentTest::list),
            evil.consumer("agent.evil.fs.stat", HostileAgentTest::stat),
            evil.consumer("agent.evil.fs.read", HostileAgentTest::read));
    evil.connect().await(10, TimeUnit.SECONDS);
    for (var r : registered) {
      r.await(10, TimeUnit.SECONDS); // in place at the hub once connected
    }
  }

  @AfterAll
  static void stop() throws Exception {
    evil.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    hub.close();
  }

  private static JsonObject file(String name, long size) {
    return new JsonObject()
        .put("name", name)
        .put("type", "file")
        .put("size", size)
        .put("modified", 1L);
  }

  private static void list(BridgeMessage m) {
    String path = m.bodyAsJsonObject().getString("path", "");
    JsonArray entries = new JsonArray();
    if (path.isEmpty()) {
      entries
          .add(file("../x", 5))
          .add(file(absolute.toString(), 5))
          .add(file(ESC, 5))
          .add(file(C1, 5))
          .add(file("huge.bin", 1L << 40))
          .add(file("ok.txt", 5))
          .add(
              new JsonObject()
                  .put("name", "sub")
                  .put("type", "dir")
                  .put("size", 0)
                  .put("modified", 1L));
    } else {
      entries.add(file("../../y", 5)).add(file("fine.txt", 5));
    }
    m.reply(
        new JsonObject()
            .put("path", path)
            .put("entries", entries)
            .put("total", entries.size())
            .put("more", false));
  }

  private static void stat(BridgeMessage m) {
    String path = m.bodyAsJsonObject().getString("path", "");
    boolean dir = path.isEmpty() || path.equals("sub");
    m.reply(
        new JsonObject()
            .put("type", dir ? "dir" : "file")
            .put("size", dir ? 0 : 5)
            .put("modified", 1L)
            .put("created", 1L)
            .put("writable", false));
  }

  private static void read(BridgeMessage m) {
    m.reply(
        new JsonObject()
            .put("path", m.bodyAsJsonObject().getString("path"))
            .put("offset", 0)
            .put("size", 5)
            .put("modified", 1L)
            .put("data", Base64.getEncoder().encodeToString("hello".getBytes()))
            .put("eof", true));
  }

  private static JavaProcess.Result shell(String... args) throws Exception {
    List<String> all =
        new ArrayList<>(
            List.of("shell", "--hub", "127.0.0.1:" + hub.port, "--token", TestHub.CLIENT_TOKEN));
    all.addAll(List.of(args));
    return JavaProcess.exec(
        List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
        "io.dialback.agent.cli.AgentMain",
        all,
        Map.of(),
        null,
        Duration.ofSeconds(60));
  }

  private static void noTerminalControls(String text) {
    for (char c : text.toCharArray()) {
      assertThat(c < 0x20 && c != '\n' || (c >= 0x7f && c <= 0x9f))
          .as("a control character U+%04X reached the terminal in:%n%s", (int) c, text)
          .isFalse();
    }
  }

  @Test
  void lsAndListPrintEveryNameEscaped() throws Exception {
    JavaProcess.Result ls = shell("ls", "-l", "evil:");
    assertThat(ls.exitCode()).as(ls.err()).isZero();
    noTerminalControls(ls.out());
    assertThat(ls.out())
        .contains("../x", absolute.toString(), "\\x1b[31mred\\x1b[0m", "\\x9b2Jclear", "1.0 TiB");
    JavaProcess.Result list = shell("list");
    assertThat(list.exitCode()).as(list.err()).isZero();
    noTerminalControls(list.out());
    assertThat(list.out()).contains("\\x1b]0;owned\\x07host", "\\x1b[31mred");
    JavaProcess.Result json = shell("ls", "--json", "evil:");
    noTerminalControls(json.out());
    assertThat(
            new JsonObject(json.out()).getJsonArray("entries").getJsonObject(2).getString("name"))
        .isEqualTo(ESC);
  }

  @Test
  void getRecursiveWritesOnlyPlainNamesInsideItsDestination() throws Exception {
    Path box = Files.createDirectories(tmp.resolve("box"));
    Path dest = Files.createDirectories(box.resolve("dest"));
    JavaProcess.Result get = shell("get", "-r", "evil:", dest.toString());
    assertThat(get.exitCode()).as("skipped names make it a partial failure").isEqualTo(1);
    noTerminalControls(get.err());
    assertThat(get.err())
        .contains(
            "skipped \"../x\"",
            "skipped \"\\x1b[31mred\\x1b[0m\"",
            "skipped \"../../y\"",
            "not a plain file name");
    assertThat(tree(box))
        .containsExactlyInAnyOrder(
            "dest",
            "dest/evil",
            "dest/evil/ok.txt",
            "dest/evil/huge.bin",
            "dest/evil/sub",
            "dest/evil/sub/fine.txt");
    assertThat(Files.readString(box.resolve("dest/evil/ok.txt"))).isEqualTo("hello");
    assertThat(absolute).doesNotExist();
    assertThat(tmp.resolve("x")).doesNotExist();
    assertThat(tmp.resolve("y")).doesNotExist();
  }

  private static List<String> tree(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> !p.equals(root))
          .map(p -> root.relativize(p).toString())
          .map(s -> new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
          .toList();
    }
  }
}
