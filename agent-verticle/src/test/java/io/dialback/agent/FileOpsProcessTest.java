package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.hub.TestHub;
import io.dialback.testkit.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fs.mkdir, fs.delete, fs.move and fs.hash through a hub process to agent processes: each works, a
 * read-only agent refuses the writing ones (403), and every path argument — both sides of a move —
 * is refused when it climbs out with {@code ..}, is absolute, or passes a symlink that leads
 * outside the root; the files outside stay as they were.
 */
class FileOpsProcessTest {
  @TempDir static Path tmp;
  private static Fleet fleet;
  private static Path alpha;
  private static Path beta;
  private static Path outside;
  private static Vertx vertx;
  private static BridgeClient client;

  @BeforeAll
  static void start() throws Exception {
    fleet = Fleet.start(tmp);
    alpha = fleet.agent("alpha", TestHub.ALPHA_TOKEN, false);
    beta = fleet.agent("beta", TestHub.BETA_TOKEN, true);
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    for (Path root : List.of(alpha, beta)) {
      Files.writeString(root.resolve("file.txt"), "inside");
      Files.createSymbolicLink(root.resolve("out"), outside); // a folder outside
      Files.createSymbolicLink(root.resolve("secret"), outside.resolve("secret.txt"));
    }
    vertx = Vertx.vertx();
    client =
        BridgeClient.create(
            vertx,
            ClientOptions.builder()
                .hub("127.0.0.1", fleet.port)
                .token(TestHub.CLIENT_TOKEN)
                .build());
    client.connect().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    fleet.close();
  }

  private static JsonObject call(String agent, String op, JsonObject body) throws Exception {
    return client
        .request("agent." + agent + ".fs." + op, body)
        .await(30, TimeUnit.SECONDS)
        .bodyAsJsonObject();
  }

  private static void refused(String agent, String op, JsonObject body, int code, String text) {
    assertThatThrownBy(() -> call(agent, op, body))
        .as(op + " " + body.encode())
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureCode()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.getMessage()).contains(text);
            });
  }

  private static JsonObject path(String path) {
    return new JsonObject().put("path", path);
  }

  private static JsonObject move(String from, String to) {
    return new JsonObject().put("from", from).put("to", to);
  }

  @Test
  void eachNewAddressWorksOnAWritableAgent() throws Exception {
    assertThat(call("beta", "mkdir", path("a/b").put("parents", true)).getBoolean("created"))
        .isTrue();
    assertThat(beta.resolve("a/b")).isDirectory();
    Files.writeString(beta.resolve("a/b/x.txt"), "x");
    call("beta", "move", move("a/b/x.txt", "a/y.txt"));
    assertThat(Files.readString(beta.resolve("a/y.txt"))).isEqualTo("x");
    JsonObject hash = call("beta", "hash", path("a/y.txt"));
    assertThat(hash.getString("sha256")).isEqualTo(TestFiles.sha256(beta.resolve("a/y.txt")));
    assertThat(hash.getLong("size")).isEqualTo(1);
    assertThat(call("beta", "delete", path("a").put("recursive", true)).getLong("deleted"))
        .isEqualTo(3);
    assertThat(beta.resolve("a")).doesNotExist();
  }

  @Test
  void aReadOnlyAgentRefusesEveryChangeAndStillHashes() throws Exception {
    refused("alpha", "mkdir", path("new"), 403, "agent alpha is read-only");
    refused("alpha", "delete", path("file.txt"), 403, "agent alpha is read-only");
    refused("alpha", "move", move("file.txt", "moved.txt"), 403, "agent alpha is read-only");
    assertThat(alpha.resolve("file.txt")).exists();
    assertThat(alpha.resolve("new")).doesNotExist();
    assertThat(call("alpha", "hash", path("file.txt")).getString("sha256"))
        .isEqualTo(TestFiles.sha256(alpha.resolve("file.txt")));
  }

  @Test
  void everyPathArgumentIsJailedAgainstDotDotAbsolutePathsAndSymlinks() throws Exception {
    String abs = outside.resolve("secret.txt").toString();
    for (String escape : List.of("../outside/secret.txt", abs, "out/secret.txt", "secret")) {
      refused("beta", "hash", path(escape), 403, "");
      refused("beta", "delete", path(escape), 403, "");
      refused("beta", "move", move(escape, "taken.txt"), 403, "");
      refused("beta", "move", move("file.txt", escape), 403, "");
    }
    for (String escape : List.of("../made", outside.resolve("made").toString(), "out/made")) {
      refused("beta", "mkdir", path(escape), 403, "");
      refused("beta", "mkdir", path(escape + "/deeper").put("parents", true), 403, "");
      refused("beta", "move", move("file.txt", escape), 403, "");
    }
    refused("beta", "delete", path("out").put("recursive", true), 403, "outside the shared root");
    refused("beta", "hash", path("../../etc/passwd"), 403, "\"..\" is refused");
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
    try (var list = Files.list(outside)) {
      assertThat(list.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
    }
    assertThat(Files.readString(beta.resolve("file.txt"))).isEqualTo("inside");
    assertThat(beta.resolve("taken.txt")).doesNotExist();
  }
}
