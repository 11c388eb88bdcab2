package io.dialback.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private static final JsonObject CONF =
      new JsonObject()
          .put("port", 7000)
          .put("limits", new JsonObject().put("maxFrameBytes", 1024))
          .put("hubs", new io.vertx.core.json.JsonArray().add("127.0.0.1:1"));

  @Test
  void environmentNamesFollowTheKeys() {
    assertThat(Settings.envName("DIALBACK_HUB_", "limits.maxFrameBytes"))
        .isEqualTo("DIALBACK_HUB_LIMITS_MAX_FRAME_BYTES");
    assertThat(Settings.envName("DIALBACK_AGENT_", "writable"))
        .isEqualTo("DIALBACK_AGENT_WRITABLE");
  }

  @Test
  void environmentOverridesTheFile() {
    Settings s =
        Settings.of(
            CONF,
            Map.of(
                "DIALBACK_HUB_PORT",
                "7100",
                "DIALBACK_HUB_LIMITS_MAX_FRAME_BYTES",
                "2048",
                "DIALBACK_HUB_HUBS",
                "a:1, b:2"),
            "DIALBACK_HUB_");
    assertThat(s.integer("port", 1, 1, 65535)).isEqualTo(7100);
    assertThat(s.section("limits").integer("maxFrameBytes", 1, 1, 1 << 30)).isEqualTo(2048);
    assertThat(s.strings("hubs", List.of())).containsExactly("a:1", "b:2");
  }

  @Test
  void errorsNameTheKeyTheSourceAndWhatIsAllowed() {
    Settings fromEnv = Settings.of(CONF, Map.of("DIALBACK_HUB_PORT", "seventy"), "DIALBACK_HUB_");
    assertThatThrownBy(() -> fromEnv.integer("port", 1, 1, 65535))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "port: must be an integer in 1..65535, got \"seventy\" (from DIALBACK_HUB_PORT)");

    Settings rootFromEnv =
        Settings.of(new JsonObject(), Map.of("DIALBACK_AGENT_ROOT", "/nowhere"), "DIALBACK_AGENT_");
    assertThat(rootFromEnv.fail("root", "is not a directory: /nowhere"))
        .as("a check made after reading names the variable too")
        .hasMessage("root: is not a directory: /nowhere (from DIALBACK_AGENT_ROOT)");

    Settings fromFile = Settings.of(new JsonObject().put("port", 70000), Map.of(), "DIALBACK_HUB_");
    assertThatThrownBy(() -> fromFile.integer("port", 1, 1, 65535))
        .hasMessage("port: must be in 1..65535, got 70000");

    assertThatThrownBy(
            () -> Settings.of(new JsonObject().put("prot", 1), Map.of(), "X_").onlyKeys("port"))
        .hasMessageStartingWith("prot: unknown key");

    Settings nested = Settings.of(CONF, Map.of(), "X_").section("limits");
    assertThatThrownBy(() -> nested.bool("maxFrameBytes", false))
        .hasMessage("limits.maxFrameBytes: must be true or false, got 1024");
  }

  @Test
  void aVariableThatOverridesNoKeyIsRefusedNamingTheNearestOne() {
    Settings s =
        Settings.of(
            CONF,
            Map.of("DIALBACK_HUB_PORTT", "7100", "DIALBACK_HUBS", "ignored: another prefix"),
            "DIALBACK_HUB_");
    s.onlyKeys("port", "limits", "hubs");
    s.section("limits").onlyKeys("maxFrameBytes");
    assertThatThrownBy(s::rejectUnknownEnvironment)
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "DIALBACK_HUB_PORTT: this environment variable overrides no setting; did you mean"
                + " DIALBACK_HUB_PORT (key port)? Unset it or correct its name.");

    Settings known =
        Settings.of(
            CONF,
            Map.of("DIALBACK_HUB_PORT", "7100", "DIALBACK_HUB_LIMITS_MAX_FRAME_BYTES", "9"),
            "DIALBACK_HUB_");
    known.onlyKeys("port", "limits", "hubs");
    known.section("limits").onlyKeys("maxFrameBytes");
    known.rejectUnknownEnvironment(); // every variable names a key

    Settings section = Settings.of(CONF, Map.of("DIALBACK_HUB_LIMITS", "1"), "DIALBACK_HUB_");
    section.onlyKeys("port", "limits", "hubs");
    section.section("limits").onlyKeys("maxFrameBytes");
    assertThatThrownBy(section::rejectUnknownEnvironment)
        .as("a section is not a value a variable can set")
        .hasMessageStartingWith("DIALBACK_HUB_LIMITS: this environment variable overrides no");
  }
}
