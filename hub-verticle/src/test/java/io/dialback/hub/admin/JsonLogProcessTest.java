package io.dialback.hub.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.testkit.HubConf;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code DIALBACK_LOG_FORMAT=json}: a hub process logs one JSON object per line, audit too. */
class JsonLogProcessTest {
  @TempDir Path tmp;

  @Test
  void everyLineIsOneJsonObjectWithLevelLoggerAndMessage() throws Exception {
    int port = Ports.free();
    Path conf =
        Files.writeString(tmp.resolve("hub.json"), HubConf.standard().port(port).json().encode());
    try (JavaProcess hub =
        JavaProcess.start(
            "hub",
            "io.dialback.hub.HubMain",
            List.of("-Xmx64m", "-XX:+UseSerialGC"),
            List.of("-conf", conf.toString()),
            Map.of("DIALBACK_LOG_FORMAT", "json"),
            tmp)) {
      hub.awaitLog("ready: listening on", Duration.ofSeconds(30));
      try (RawBridgeSocket peer = RawBridgeSocket.connect(port)) {
        // A peer's text with a line break and quotes must stay inside one line's message.
        peer.loginReply("not-a-token\n\"level\":\"FAKE\"", null);
      }
      hub.awaitLog("login-refused", Duration.ofSeconds(10));
      hub.stop(Duration.ofSeconds(15));
      List<String> lines = hub.logText().lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).hasSizeGreaterThan(3);
      for (String line : lines) {
        JsonObject event = new JsonObject(line);
        assertThat(event.getString("level")).as(line).isNotNull();
        assertThat(event.getString("loggerName")).as(line).isNotNull();
        assertThat(event.getString("formattedMessage")).as(line).isNotNull();
        assertThat(event.getLong("timestamp")).as(line).isPositive();
      }
      assertThat(lines)
          .anyMatch(l -> new JsonObject(l).getString("loggerName").equals("dialback.audit"));
      assertThat(lines).noneMatch(l -> new JsonObject(l).getString("level").equals("FAKE"));
    }
  }
}
