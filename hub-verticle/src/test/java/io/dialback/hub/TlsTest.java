package io.dialback.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.client.ClientState;
import io.dialback.client.LoginReply;
import io.dialback.hub.TestHub.Target;
import io.dialback.hub.tls.SelfSigned;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the bridge port (and on the {@code http} port, which takes the bridge port's TLS): the
 * hub's own certificate, pinning, and client certificates.
 */
class TlsTest {
  @TempDir Path tmp;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private BridgeClient client(ClientOptions.Builder options) {
    return BridgeClient.create(vertx, options.maxConnectAttempts(1).build());
  }

  @Test
  void aHubMakesItsOwnCertificateOnceAndClientsPinIt() throws Exception {
    Path dir = tmp.resolve("tls");
    JsonObject conf =
        TestHub.conf().put("tls", new JsonObject().put("enabled", true).put("dir", dir.toString()));
    String fingerprint;
    try (TestHub hub = TestHub.start(Target.DIALBACK, conf)) {
      SelfSigned cert = SelfSigned.in(dir, List.of());
      assertThat(cert.generated()).as("made by the hub at start, only reused here").isFalse();
      fingerprint = cert.fingerprint();
      hub.vertx.eventBus().consumer("test.echo", m -> m.reply(m.body()));

      BridgeClient pinned =
          client(
              ClientOptions.builder()
                  .hub("127.0.0.1", hub.port)
                  .token(TestHub.CLIENT_TOKEN)
                  .pin(fingerprint));
      pinned.connect().await(10, TimeUnit.SECONDS);
      assertThat(pinned.request("test.echo", "secret").await(10, TimeUnit.SECONDS).body())
          .isEqualTo("secret");

      // Trusting the exported PEM works too, with the host name checked: 127.0.0.1 is in the
      // certificate.
      BridgeClient trusting =
          client(
              ClientOptions.builder()
                  .hub("127.0.0.1", hub.port)
                  .token(TestHub.CLIENT_TOKEN)
                  .net(
                      new NetClientOptions()
                          .setSsl(true)
                          .setTrustOptions(
                              new PemTrustOptions().addCertPath(cert.certificate().toString()))));
      assertThat(trusting.connect().await(10, TimeUnit.SECONDS).role()).isEqualTo("client");

      BridgeClient wrongPin =
          client(
              ClientOptions.builder()
                  .hub("127.0.0.1", hub.port)
                  .token(TestHub.CLIENT_TOKEN)
                  .pin("00".repeat(32)));
      assertThatThrownBy(() -> wrongPin.connect().await(10, TimeUnit.SECONDS))
          .isInstanceOf(ReplyException.class);
      assertThat(wrongPin.state()).isEqualTo(ClientState.CLOSED);

      BridgeClient noTls =
          client(ClientOptions.builder().hub("127.0.0.1", hub.port).token(TestHub.CLIENT_TOKEN));
      assertThatThrownBy(() -> noTls.connect().await(10, TimeUnit.SECONDS))
          .isInstanceOf(ReplyException.class);
      try (RawBridgeSocket plain = RawBridgeSocket.connect(hub.port)) {
        plain.send(new JsonObject().put("type", "ping"));
        assertThat(plain.drain(Duration.ofSeconds(2)))
            .as("no bridge frame for a plain TCP peer")
            .doesNotContain((byte) '{');
      }
    }
    try (TestHub again = TestHub.start(Target.DIALBACK, conf)) {
      assertThat(SelfSigned.in(dir, List.of()).fingerprint())
          .as("the same certificate after a restart")
          .isEqualTo(fingerprint);
      BridgeClient pinned =
          client(
              ClientOptions.builder()
                  .hub("127.0.0.1", again.port)
                  .token(TestHub.CLIENT_TOKEN)
                  .pin(fingerprint));
      pinned.connect().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theHttpPortTakesTheBridgePortsTlsAndClientsPinItOverWss() throws Exception {
    Path dir = tmp.resolve("tls");
    JsonObject conf =
        TestHub.conf()
            .put("tls", new JsonObject().put("enabled", true).put("dir", dir.toString()))
            .put("http", new JsonObject().put("port", 0));
    try (TestHub hub = TestHub.start(Target.DIALBACK, conf)) {
      String fingerprint = SelfSigned.in(dir, List.of()).fingerprint();
      hub.vertx.eventBus().consumer("test.echo", m -> m.reply(m.body()));
      String wss = "wss://127.0.0.1:" + hub.hub().httpPort() + "/bridge";

      BridgeClient pinned =
          client(
              ClientOptions.builder()
                  .hubs(List.of(wss))
                  .token(TestHub.CLIENT_TOKEN)
                  .pin(fingerprint));
      pinned.connect().await(10, TimeUnit.SECONDS);
      assertThat(pinned.request("test.echo", "over wss").await(10, TimeUnit.SECONDS).body())
          .isEqualTo("over wss");

      BridgeClient wrongPin =
          client(
              ClientOptions.builder()
                  .hubs(List.of(wss))
                  .token(TestHub.CLIENT_TOKEN)
                  .pin("00".repeat(32)));
      assertThatThrownBy(() -> wrongPin.connect().await(10, TimeUnit.SECONDS))
          .isInstanceOf(ReplyException.class);

      BridgeClient plain =
          client(
              ClientOptions.builder()
                  .hubs(List.of(wss.replace("wss://", "ws://")))
                  .token(TestHub.CLIENT_TOKEN));
      assertThatThrownBy(() -> plain.connect().await(10, TimeUnit.SECONDS))
          .isInstanceOf(ReplyException.class);
    }
  }

  @Test
  void aClientCertificateIsAnAgentsIdentity() throws Exception {
    TestCerts ca = TestCerts.authority(tmp.resolve("ca"));
    Path[] alpha = ca.client("alpha");
    Path[] mallory = TestCerts.authority(tmp.resolve("other-ca")).client("alpha");
    JsonObject conf =
        TestHub.conf()
            .put(
                "tls",
                new JsonObject()
                    .put("enabled", true)
                    .put("dir", tmp.resolve("tls").toString())
                    .put("clientAuth", "required")
                    .put("clientCaPath", ca.caPem().toString()));
    try (TestHub hub = TestHub.start(Target.DIALBACK, conf)) {
      String fingerprint = SelfSigned.in(tmp.resolve("tls"), List.of()).fingerprint();
      BridgeClient agent = client(certified(hub, fingerprint, alpha));
      LoginReply login = agent.connect().await(10, TimeUnit.SECONDS);
      assertThat(login.identity()).isEqualTo("alpha");
      assertThat(login.role()).isEqualTo("agent");

      BridgeClient otherName = client(certified(hub, fingerprint, alpha).name("beta"));
      assertThatThrownBy(() -> otherName.connect().await(10, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(403));

      BridgeClient untrustedCa = client(certified(hub, fingerprint, mallory));
      assertThatThrownBy(() -> untrustedCa.connect().await(10, TimeUnit.SECONDS))
          .isInstanceOf(ReplyException.class);

      BridgeClient noCertificate =
          client(
              ClientOptions.builder()
                  .hub("127.0.0.1", hub.port)
                  .token(TestHub.CLIENT_TOKEN)
                  .pin(fingerprint));
      assertThatThrownBy(() -> noCertificate.connect().await(10, TimeUnit.SECONDS))
          .isInstanceOf(ReplyException.class);
    }
  }

  private static ClientOptions.Builder certified(
      TestHub hub, String fingerprint, Path[] certAndKey) {
    return ClientOptions.builder()
        .hub("127.0.0.1", hub.port)
        .net(
            new NetClientOptions()
                .setKeyCertOptions(
                    new PemKeyCertOptions()
                        .setCertPath(certAndKey[0].toString())
                        .setKeyPath(certAndKey[1].toString())))
        .pin(fingerprint);
  }
}
