package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent process behind a real hub, fed paths that try to forge lines in its log: whatever a
 * caller sends, every line of the agent's stderr is one the agent wrote.
 */
class AgentLogProcessTest {
  /** A line break, then what a forged audit line would look like, then terminal escapes. */
  private static final String FORGERY =
      "evil\r\n23:59:59.999 INFO  [main] audit - FORGED write identity=root\u001b[2K\u001b[1A";

  private static final Pattern LINE_START =
      Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) ");

  @TempDir Path tmp;
  private TestHub hub;
  private JavaProcess agent;

  @BeforeEach
  void setUp() throws Exception {
    int port = Ports.free();
    hub = TestHub.start(Target.DIALBACK, TestHub.conf().put("port", port));
    Path root = Files.createDirectories(tmp.resolve("beta"));
    Path conf =
        Files.writeString(
            tmp.resolve("beta.json"),
            new JsonObject()
                .put("name", "beta")
                .put("hubs", new JsonArray().add("127.0.0.1:" + port))
                .put("token", TestHub.BETA_TOKEN)
                .put("root", root.toString())
                .put("writable", true)
                .encodePrettily());
    agent =
        JavaProcess.start(
            "beta",
            "io.dialback.agent.cli.AgentMain",
            List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
            List.of("-conf", conf.toString()),
            Map.of(),
            tmp.resolve("logs"));
    agent.awaitLog("connected to", Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (agent != null) {
      agent.close();
    }
    hub.close();
  }

  @Test
  void pathsWithLineBreaksAndTerminalEscapesForgeNoLineInTheAgentsLog() throws Exception {
    // Too long a name fails inside the file system, with the path in the exception's message.
    String tooLong = "x".repeat(300) + FORGERY;
    try (RawBridgeSocket caller = RawBridgeSocket.login(hub.port, TestHub.CLIENT_TOKEN, null)) {
      assertThat(call(caller, "agent.beta.fs.write", write(FORGERY)).getString("type"))
          .as("a name with CR, LF and ESC is a valid file name")
          .isEqualTo("message");
      assertThat(
              call(caller, "agent.beta.fs.read", new JsonObject().put("path", FORGERY))
                  .getString("type"))
          .isEqualTo("message");
      assertThat(call(caller, "agent.beta.fs.write", write(tooLong)).getInteger("failureCode"))
          .isEqualTo(500);
      assertThat(
              call(caller, "agent.beta.fs.read", new JsonObject().put("path", tooLong))
                  .getInteger("failureCode"))
          .isEqualTo(404);
    }
    agent.awaitLog("write-failed", Duration.ofSeconds(10));

    String log = agent.logText();
    assertThat(log).as("no raw CR or ESC reaches the log").doesNotContain("\r", "\u001b");
    List<String> forged = log.lines().filter(l -> l.contains("FORGED")).toList();
    assertThat(forged)
        .as("the forgery shows only inside the agent's own lines, escaped")
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(
            line -> {
              assertThat(line).doesNotStartWith("23:59:59.999");
              assertThat(line).contains("evil\\r\\n23:59:59.999");
            });
    assertThat(log)
        .contains(
            "write identity=\"tester\" path=\"evil\\r\\n23:59:59.999 INFO  [main] audit - FORGED"
                + " write identity=root\\u001b[2K\\u001b[1A\" bytes=5");
    for (String line : log.lines().toList()) {
      boolean ours =
          LINE_START.matcher(line).find()
              || line.startsWith("\t")
              || line.startsWith("Caused by: ")
              || line.matches("^[a-z][\\w.$]*(Exception|Error)(: .*)?$");
      assertThat(ours).as("a line the agent wrote: %s", line).isTrue();
    }
  }

  private static JsonObject write(String path) {
    return new JsonObject()
        .put("path", path)
        .put("offset", 0)
        .put("data", Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8)))
        .put("last", true);
  }

  private static JsonObject call(RawBridgeSocket s, String address, JsonObject body)
      throws Exception {
    s.send(
        new JsonObject()
            .put("type", "send")
            .put("address", address)
            .put("replyAddress", s.nextReplyAddress())
            .put("body", body));
    return s.read();
  }
}
