package io.dialback.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.conf.ConfigException;
import io.dialback.hub.HubConfig;
import io.dialback.testkit.JavaProcess;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cluster.tls}: parsed from file and environment, checked at start, applied both ways. */
class ClusterTlsConfigTest {
  @TempDir Path tmp;

  private ClusterCerts ca;
  private ClusterCerts.Member hub;

  @BeforeEach
  void certificates() throws Exception {
    ca = ClusterCerts.authority(tmp, "test");
    hub = ca.member("hub1");
  }

  private JsonObject conf(JsonObject tls) {
    return new JsonObject()
        .put(
            "auth",
            new JsonObject()
                .put(
                    "tokens",
                    new JsonArray()
                        .add(new JsonObject().put("token", "client-secret").put("role", "client"))))
        .put("cluster", new JsonObject().put("enabled", true).put("tls", tls));
  }

  private JsonObject tls() {
    return new JsonObject()
        .put("enabled", true)
        .put("certPath", hub.certPem().toString())
        .put("keyPath", hub.keyPem().toString())
        .put("caPath", ca.caPem().toString());
  }

  private ClusterTls parse(JsonObject tls, Map<String, String> env) {
    return HubConfig.from(conf(tls), env).cluster().tls();
  }

  private void assertRefused(JsonObject tls, Map<String, String> env, String key, String text) {
    assertThatThrownBy(() -> parse(tls, env))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.getMessage()).contains(text);
            });
  }

  @Test
  void offUnlessEnabled() {
    assertThat(parse(new JsonObject(), Map.of())).isEqualTo(ClusterTls.OFF);
    assertThat(parse(tls().put("enabled", false), Map.of()).enabled()).isFalse();
    assertThat(ClusterTls.OFF.apply(new EventBusOptions()).isSsl()).isFalse();
  }

  @Test
  void servesAndDialsWithTheMemberCertificateAndRequiresOneFromPeers() {
    EventBusOptions options = parse(tls(), Map.of()).apply(new EventBusOptions());
    assertThat(options.isSsl()).isTrue();
    assertThat(options.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    // Vert.x derives the event bus's server and client options from its JSON: both must carry
    // the key pair and the trust, or one direction would go out without a certificate.
    NetServerOptions server = new NetServerOptions(options.toJson());
    NetClientOptions client = new NetClientOptions(options.toJson());
    assertThat(server.isSsl()).isTrue();
    assertThat(server.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(client.isSsl()).isTrue();
    assertThat(new EventBusOptions().isTrustAll()).as("Vert.x's default").isTrue();
    assertThat(client.isTrustAll()).as("a hub trusts only servers of its CA").isFalse();
    for (var side : List.of(server.getKeyCertOptions(), client.getKeyCertOptions())) {
      assertThat(side)
          .isInstanceOfSatisfying(
              PemKeyCertOptions.class,
              pem -> {
                assertThat(pem.getCertPaths()).containsExactly(hub.certPem().toString());
                assertThat(pem.getKeyPaths()).containsExactly(hub.keyPem().toString());
              });
    }
    for (var side : List.of(server.getTrustOptions(), client.getTrustOptions())) {
      assertThat(side)
          .isInstanceOfSatisfying(
              PemTrustOptions.class,
              pem -> assertThat(pem.getCertPaths()).containsExactly(ca.caPem().toString()));
    }
  }

  @Test
  void environmentTurnsItOnForHubsAndMembers() {
    Map<String, String> env =
        Map.of(
            "DIALBACK_HUB_CLUSTER_TLS_ENABLED", "true",
            "DIALBACK_HUB_CLUSTER_TLS_CERT_PATH", hub.certPem().toString(),
            "DIALBACK_HUB_CLUSTER_TLS_KEY_PATH", hub.keyPem().toString(),
            "DIALBACK_HUB_CLUSTER_TLS_CA_PATH", ca.caPem().toString());
    assertThat(parse(new JsonObject(), env))
        .isEqualTo(
            new ClusterTls(
                true, hub.certPem().toString(), hub.keyPem().toString(), ca.caPem().toString()));

    JsonObject member =
        new JsonObject().put("cluster", new JsonObject().put("port", 1).put("tls", tls()));
    Map<String, String> missing =
        Map.of("DIALBACK_MEMBER_CLUSTER_TLS_CA_PATH", tmp.resolve("nope.pem").toString());
    assertThatThrownBy(() -> ClusterMember.join(member, missing).await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.key()).isEqualTo("cluster.tls.caPath");
              assertThat(e.getMessage())
                  .contains("cannot read")
                  .contains("(from DIALBACK_MEMBER_CLUSTER_TLS_CA_PATH)");
            });
  }

  @Test
  void mistakesNameTheirKey() throws Exception {
    assertRefused(tls().put("verifyHost", true), Map.of(), "cluster.tls.verifyHost", "unknown key");
    assertRefused(tls().put("enabled", "yes"), Map.of(), "cluster.tls.enabled", "true or false");
    JsonObject noCert = tls();
    noCert.remove("certPath");
    assertRefused(noCert, Map.of(), "cluster.tls.certPath", "is required");
    assertRefused(
        tls().put("keyPath", tmp.resolve("missing.pem").toString()),
        Map.of(),
        "cluster.tls.keyPath",
        "cannot read");
    assertRefused(
        tls().put("keyPath", hub.certPem().toString()),
        Map.of(),
        "cluster.tls.keyPath",
        "no PEM private key");
    assertRefused(
        tls().put("caPath", hub.keyPem().toString()),
        Map.of(),
        "cluster.tls.caPath",
        "PEM certificate");
    ClusterCerts other = ClusterCerts.authority(tmp.resolve("other"), "other");
    ClusterCerts.Member stranger = other.member("stranger");
    assertRefused(
        tls().put("certPath", stranger.certPem().toString()),
        Map.of(),
        "cluster.tls.certPath",
        "is not signed by the CA in " + ca.caPem());
    assertRefused(
        tls(),
        Map.of("DIALBACK_HUB_CLUSTER_TLS_CA_PATH", other.caPem().toString()),
        "cluster.tls.certPath",
        "is not signed by the CA");
  }

  @Test
  void aHubWithAMissingCertificateStopsWithExitCode2NamingTheKey() throws Exception {
    Path missing = tmp.resolve("gone-cert.pem");
    JsonObject conf = conf(tls().put("certPath", missing.toString()));
    Path file = Files.writeString(tmp.resolve("hub.json"), conf.encode());
    JavaProcess.Result result =
        JavaProcess.exec(
            "io.dialback.hub.HubMain",
            List.of("-conf", file.toString()),
            Map.of(),
            Duration.ofSeconds(60));
    assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
    assertThat(result.err())
        .contains("cluster.tls.certPath: cannot read " + missing + ": no such file");
  }
}
