package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.agent.fs.UploadLimits;
import io.dialback.conf.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
  @TempDir Path root;

  private JsonObject valid() {
    return new JsonObject()
        .put("name", "alpha")
        .put("token", "t0k3n-0001")
        .put("root", root.toString());
  }

  private void assertRefused(JsonObject conf, Map<String, String> env, String key, String text) {
    assertThatThrownBy(() -> AgentConfig.from(conf, env))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.getMessage()).contains(text);
            });
  }

  @Test
  void defaultsFillEverythingButNameTokenAndRoot() {
    AgentConfig cfg = AgentConfig.from(valid(), Map.of());
    assertThat(cfg.hubs()).containsExactly("127.0.0.1:7000");
    assertThat(cfg.fs().writable()).isFalse();
    assertThat(cfg.fs().chunkBytes()).isEqualTo(512 * 1024);
  }

  @Test
  void environmentOverridesTheFile() {
    AgentConfig cfg =
        AgentConfig.from(
            valid(),
            Map.of(
                "DIALBACK_AGENT_NAME", "beta",
                "DIALBACK_AGENT_HUBS", "127.0.0.1:7001,127.0.0.1:7002",
                "DIALBACK_AGENT_WRITABLE", "true"));
    assertThat(cfg.name()).isEqualTo("beta");
    assertThat(cfg.hubs()).containsExactly("127.0.0.1:7001", "127.0.0.1:7002");
    assertThat(cfg.fs().writable()).isTrue();
  }

  @Test
  void uploadLimitsHaveDefaultsAndTheirOwnKeys() {
    assertThat(AgentConfig.from(valid(), Map.of()).fs().uploads())
        .isEqualTo(new UploadLimits(64, 8, 16L << 30, 16_384, 30_000));
    AgentConfig cfg =
        AgentConfig.from(
            valid()
                .put(
                    "fs",
                    new JsonObject()
                        .put("maxUploads", 10)
                        .put("maxUploadsPerCaller", 3)
                        .put("maxUploadBytes", 0)
                        .put("uploadMinBytesPerSecond", 0)
                        .put("uploadRateWindowMs", 5_000)),
            Map.of("DIALBACK_AGENT_FS_MAX_UPLOAD_BYTES", "1048576"));
    assertThat(cfg.fs().uploads()).isEqualTo(new UploadLimits(10, 3, 1_048_576, 0, 5_000));
    assertThat(
            AgentConfig.from(valid().put("fs", new JsonObject().put("maxUploads", 4)), Map.of())
                .fs()
                .uploads()
                .maxPerCaller())
        .as("the per-caller default never exceeds the agent's bound")
        .isEqualTo(4);
  }

  @Test
  void uploadLimitMistakesNameTheirKey() {
    assertRefused(
        valid().put("fs", new JsonObject().put("maxUploads", 4).put("maxUploadsPerCaller", 5)),
        Map.of(),
        "fs.maxUploadsPerCaller",
        "must be in 1..4");
    assertRefused(
        valid().put("fs", new JsonObject().put("maxUploadBytes", -1)),
        Map.of(),
        "fs.maxUploadBytes",
        "must be in 0..");
    assertRefused(
        valid(),
        Map.of("DIALBACK_AGENT_FS_UPLOAD_MIN_BYTES_PER_SECOND", "fast"),
        "fs.uploadMinBytesPerSecond",
        "must be an integer");
    assertRefused(
        valid().put("fs", new JsonObject().put("uploadRateWindowMs", 10)),
        Map.of(),
        "fs.uploadRateWindowMs",
        "must be in 100..");
  }

  @Test
  void mistakesNameTheirSetting() {
    assertRefused(valid().put("name", "no spaces"), Map.of(), "name", "not a valid agent name");
    assertRefused(
        new JsonObject().put("token", "x").put("root", root.toString()),
        Map.of(),
        "name",
        "is required");
    assertRefused(
        valid().put("root", root.resolve("missing").toString()),
        Map.of(),
        "root",
        "is not a directory");
    assertRefused(
        valid().put("hubs", new JsonArray().add("127.0.0.1")), Map.of(), "hubs", "not a host:port");
    assertRefused(
        valid(), Map.of("DIALBACK_AGENT_WRITABLE", "yes"), "writable", "must be true or false");
    assertRefused(valid().put("chunkBytes", 10), Map.of(), "chunkBytes", "must be in 1024..");
    assertRefused(valid().put("writeable", true), Map.of(), "writeable", "unknown key");
  }
}
