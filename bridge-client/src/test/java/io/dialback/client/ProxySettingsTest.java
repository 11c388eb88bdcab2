package io.dialback.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.conf.Settings;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxySettingsTest {
  private static Settings proxySection(JsonObject proxy) {
    return Settings.of(new JsonObject().put("proxy", proxy), Map.of(), "DIALBACK_AGENT_")
        .section("proxy");
  }

  @Test
  void readsTheConfSection() {
    ProxySettings p =
        ProxySettings.from(
            proxySection(
                new JsonObject()
                    .put("type", "socks5")
                    .put("host", "10.0.0.9")
                    .put("port", 1081)
                    .put("username", "u")
                    .put("password", "p")),
            Map.of("HTTPS_PROXY", "http://ignored:1"));
    ProxyOptions o = p.proxyFor("10.1.1.1", 7000);
    assertThat(o.getType()).isEqualTo(ProxyType.SOCKS5);
    assertThat(o.getHost() + ":" + o.getPort()).isEqualTo("10.0.0.9:1081");
    assertThat(o.getUsername()).isEqualTo("u");
    assertThat(p.toString()).doesNotContain("p\"").contains("10.0.0.9:1081");
  }

  @Test
  void takesHttpsProxyAndNoProxyFromTheEnvironmentWhenTheConfHasNone() {
    ProxySettings p =
        ProxySettings.from(
            proxySection(new JsonObject()),
            Map.of(
                "HTTPS_PROXY", "http://me:s%40cret@127.0.0.1:3128",
                "NO_PROXY", "internal.example, 10.0.0.5:7443, .corp"));
    ProxyOptions o = p.proxyFor("hub.example.com", 7443);
    assertThat(o.getType()).isEqualTo(ProxyType.HTTP);
    assertThat(o.getPort()).isEqualTo(3128);
    assertThat(o.getPassword()).isEqualTo("s@cret");
    assertThat(p.proxyFor("internal.example", 7000)).isNull();
    assertThat(p.proxyFor("a.internal.example", 7000)).isNull();
    assertThat(p.proxyFor("x.corp", 1)).isNull();
    assertThat(p.proxyFor("10.0.0.5", 7443)).isNull();
    assertThat(p.proxyFor("10.0.0.5", 7000)).isNotNull();
    assertThat(p.toString()).doesNotContain("cret");
  }

  @Test
  void typeNoneIgnoresTheEnvironmentAndMistakesNameTheirKey() {
    assertThat(
            ProxySettings.from(
                    proxySection(new JsonObject().put("type", "none")),
                    Map.of("HTTPS_PROXY", "http://127.0.0.1:3128"))
                .proxy())
        .isNull();
    assertThatThrownBy(
            () ->
                ProxySettings.from(
                    proxySection(new JsonObject().put("type", "ftp").put("host", "h")), Map.of()))
        .hasMessageStartingWith("proxy.type:");
    assertThatThrownBy(
            () -> ProxySettings.from(proxySection(new JsonObject().put("type", "http")), Map.of()))
        .hasMessageStartingWith("proxy.host:");
    assertThatThrownBy(
            () ->
                ProxySettings.from(
                    proxySection(new JsonObject()), Map.of("HTTPS_PROXY", "ftp://x:1")))
        .hasMessageStartingWith("HTTPS_PROXY:");
    assertThat(ProxySettings.from(proxySection(new JsonObject()), Map.of()))
        .isEqualTo(ProxySettings.NONE);
  }
}
