package io.dialback.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.conf.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubConfigTest {
  private static JsonObject valid() {
    return new JsonObject()
        .put(
            "auth",
            new JsonObject()
                .put(
                    "tokens",
                    new JsonArray()
                        .add(
                            new JsonObject().put("token", "client-secret").put("role", "client"))));
  }

  private static void assertRefused(
      JsonObject conf, Map<String, String> env, String key, String text) {
    assertThatThrownBy(() -> HubConfig.from(conf, env))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.getMessage()).contains(text);
            });
  }

  @Test
  void eventLoopsDefaultToOnePerFourCoresAndTheConfOrEnvironmentSetsThem() {
    assertThat(HubConfig.defaultInstances(1)).isEqualTo(1);
    assertThat(HubConfig.defaultInstances(2)).isEqualTo(1);
    assertThat(HubConfig.defaultInstances(7)).isEqualTo(1);
    assertThat(HubConfig.defaultInstances(8)).isEqualTo(2);
    assertThat(HubConfig.defaultInstances(64)).isEqualTo(16);
    assertThat(HubConfig.from(valid(), Map.of()).instances())
        .isEqualTo(HubConfig.defaultInstances(Runtime.getRuntime().availableProcessors()));
    assertThat(HubConfig.from(valid().put("instances", 3), Map.of()).instances()).isEqualTo(3);
    assertThat(HubConfig.from(valid(), Map.of("DIALBACK_HUB_INSTANCES", "2")).instances())
        .isEqualTo(2);
  }

  @Test
  void defaultsListenOnLoopbackPort7000() {
    HubConfig cfg = HubConfig.from(valid(), Map.of());
    assertThat(cfg.host()).isEqualTo("127.0.0.1");
    assertThat(cfg.port()).isEqualTo(7000);
    assertThat(cfg.limits().maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
  }

  @Test
  void aFixedLinkPortMustBeAPortOfItsOwn() {
    JsonObject cluster = new JsonObject().put("enabled", true).put("port", 5701);
    assertRefused(
        valid().put("port", 7100).put("cluster", cluster.copy().put("linkPort", 7100)),
        Map.of(),
        "cluster.linkPort",
        "is also port");
    assertRefused(
        valid().put("cluster", cluster.copy().put("linkPort", 5701)),
        Map.of(),
        "cluster.linkPort",
        "is also cluster.port");
    assertRefused(
        valid()
            .put("http", new JsonObject().put("port", 7443))
            .put("cluster", cluster.copy().put("linkPort", 7443)),
        Map.of(),
        "cluster.linkPort",
        "is also http.port");
    HubConfig own =
        HubConfig.from(valid().put("cluster", cluster.copy().put("linkPort", 7200)), Map.of());
    assertThat(own.cluster().linkPort()).isEqualTo(7200);
    assertThat(HubConfig.from(valid(), Map.of()).cluster().links()).isTrue();
    assertThat(
            HubConfig.from(valid().put("cluster", new JsonObject().put("linkPort", -1)), Map.of())
                .cluster()
                .links())
        .isFalse();
  }

  @Test
  void noAdminKeyOpensNoAdminPortAndTheKeyTurnsItOn() {
    assertThat(HubConfig.from(valid(), Map.of()).admin().enabled()).isFalse();
    HubConfig on = HubConfig.from(valid().put("admin", new JsonObject()), Map.of());
    assertThat(on.admin().enabled()).isTrue();
    assertThat(on.admin().host()).isEqualTo("127.0.0.1");
    assertThat(on.admin().port()).isEqualTo(7080);
    assertThat(on.admin().token()).isNull();
    HubConfig fromEnv =
        HubConfig.from(
            valid(),
            Map.of(
                "DIALBACK_HUB_ADMIN_ENABLED", "true",
                "DIALBACK_HUB_ADMIN_PORT", "0",
                "DIALBACK_HUB_ADMIN_TOKEN", "admin-secret"));
    assertThat(fromEnv.admin().enabled()).isTrue();
    assertThat(fromEnv.admin().port()).isZero();
    assertThat(fromEnv.admin().token()).isEqualTo("admin-secret");
    assertThat(
            HubConfig.from(valid().put("admin", new JsonObject().put("enabled", false)), Map.of())
                .admin()
                .enabled())
        .isFalse();
  }

  @Test
  void adminMistakesNameTheirKey() {
    assertRefused(
        valid().put("admin", new JsonObject().put("prot", 1)), Map.of(), "admin.prot", "unknown");
    assertRefused(
        valid().put("admin", new JsonObject().put("token", "short")),
        Map.of(),
        "admin.token",
        "at least 8");
    assertRefused(
        valid().put("admin", new JsonObject().put("port", 70000)), Map.of(), "admin.port", "");
    assertRefused(
        valid().put("admin", new JsonObject().put("protect", new JsonArray().add("metrics"))),
        Map.of(),
        "admin.protect",
        "needs admin.token");
    assertRefused(
        valid()
            .put(
                "admin",
                new JsonObject()
                    .put("token", "admin-secret")
                    .put("protect", new JsonArray().add("api"))),
        Map.of(),
        "admin.protect",
        "may list metrics and health");
  }

  @Test
  void environmentOverridesTheFile() {
    HubConfig cfg =
        HubConfig.from(
            valid(),
            Map.of("DIALBACK_HUB_PORT", "7100", "DIALBACK_HUB_LIMITS_MAX_PENDING_REQUESTS", "9"));
    assertThat(cfg.port()).isEqualTo(7100);
    assertThat(cfg.limits().maxPendingRequests()).isEqualTo(9);
  }

  @Test
  void mistakesNameTheirKey() {
    assertRefused(new JsonObject(), Map.of(), "auth.tokens", "is empty");
    assertRefused(valid().put("port", "seven"), Map.of(), "port", "must be an integer");
    assertRefused(
        valid(), Map.of("DIALBACK_HUB_PORT", "70000"), "port", "(from DIALBACK_HUB_PORT)");
    JsonObject badRole = valid();
    badRole.getJsonObject("auth").getJsonArray("tokens").getJsonObject(0).put("role", "admin");
    assertRefused(badRole, Map.of(), "auth.tokens[0].role", "\"agent\" or \"client\"");
    JsonObject agentWithoutNames = valid();
    agentWithoutNames
        .getJsonObject("auth")
        .getJsonArray("tokens")
        .getJsonObject(0)
        .put("role", "agent");
    assertRefused(agentWithoutNames, Map.of(), "auth.tokens[0].names", "must list the names");
    assertRefused(
        valid().put("limits", new JsonObject().put("maxFrameBytes", 10)),
        Map.of(),
        "limits.maxFrameBytes",
        "must be in");
    assertRefused(
        valid().put("limits", new JsonObject().put("maxframebytes", 10)),
        Map.of(),
        "limits.maxframebytes",
        "unknown key");
    assertRefused(
        valid().put("tls", new JsonObject().put("enabled", true).put("certPath", "/etc/hostname")),
        Map.of(),
        "tls.keyPath",
        "give both certPath and keyPath");
    assertRefused(
        valid().put("tls", new JsonObject().put("enabled", true).put("clientAuth", "required")),
        Map.of(),
        "tls.clientCaPath",
        "is required with clientAuth required");
    assertRefused(
        valid()
            .put(
                "bridge",
                new JsonObject()
                    .put(
                        "inboundPermitteds",
                        new JsonArray().add(new JsonObject().put("addressRegex", "[")))),
        Map.of(),
        "bridge",
        "Unclosed character class");
  }

  @Test
  void ambiguousIdentitiesAreRefusedNamingTheEntries() {
    JsonObject twoUnnamed = valid();
    twoUnnamed
        .getJsonObject("auth")
        .getJsonArray("tokens")
        .add(new JsonObject().put("token", "client-secret-2").put("role", "client"));
    assertRefused(
        twoUnnamed, Map.of(), "auth.tokens", "entries 0 and 1 are client tokens with the same id");

    JsonObject sameIdOtherCase = valid();
    sameIdOtherCase.getJsonObject("auth").getJsonArray("tokens").getJsonObject(0).put("id", "ops");
    sameIdOtherCase
        .getJsonObject("auth")
        .getJsonArray("tokens")
        .add(
            new JsonObject()
                .put("token", "client-secret-2")
                .put("role", "client")
                .put("id", "OPS"));
    assertRefused(sameIdOtherCase, Map.of(), "auth.tokens", "entries 0 and 1");

    JsonObject clientNamedLikeAnAgent = valid();
    clientNamedLikeAnAgent
        .getJsonObject("auth")
        .getJsonArray("tokens")
        .add(
            new JsonObject()
                .put("token", "agent-secret-1")
                .put("role", "agent")
                .put("names", new JsonArray().add("alpha")))
        .add(
            new JsonObject()
                .put("token", "client-secret-3")
                .put("role", "client")
                .put("id", "Alpha"));
    assertRefused(
        clientNamedLikeAnAgent,
        Map.of(),
        "auth.tokens",
        "entry 2 is a client token with id \"Alpha\", which entry 1 lets an agent bind");
  }

  @Test
  void noHttpKeyMeansNoHttpPortAndTheSectionHasDefaults() {
    assertThat(HubConfig.from(valid(), Map.of()).http().enabled()).isFalse();
    HttpConfig http = HubConfig.from(valid().put("http", new JsonObject()), Map.of()).http();
    assertThat(http.enabled()).isTrue();
    assertThat(http.port()).isEqualTo(7443);
    assertThat(http.path()).isEqualTo("/bridge");
    assertThat(http.host()).isEqualTo("127.0.0.1");
    assertThat(http.console()).isTrue();
    assertThat(http.tls()).isEqualTo(HubConfig.from(valid(), Map.of()).tls());
    assertThat(
            HubConfig.from(valid(), Map.of("DIALBACK_HUB_HTTP_ENABLED", "true")).http().enabled())
        .isTrue();
    assertThat(
            HubConfig.from(
                    valid()
                        .put(
                            "http",
                            new JsonObject()
                                .put(
                                    "allowedOrigins",
                                    new JsonArray().add("HTTPS://Console.Example:443"))),
                    Map.of())
                .http()
                .allowedOrigins())
        .containsExactly("https://console.example");
  }

  @Test
  void httpMistakesNameTheirKey() {
    assertRefused(
        valid().put("http", new JsonObject().put("path", "/")),
        Map.of(),
        "http.path",
        "must be a path");
    assertRefused(
        valid().put("http", new JsonObject().put("allowedOrigins", new JsonArray().add("*"))),
        Map.of(),
        "http.allowedOrigins",
        "is not an origin");
    assertRefused(
        valid().put("http", new JsonObject().put("port", 70000)),
        Map.of(),
        "http.port",
        "must be in");
    assertRefused(
        valid().put("http", new JsonObject().put("tls", new JsonObject().put("certPath", "/x"))),
        Map.of(),
        "http.tls.keyPath",
        "give both");
    assertRefused(
        valid().put("http", new JsonObject().put("colour", "blue")),
        Map.of(),
        "http.colour",
        "unknown key");
  }
}
