package io.dialback.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.Await;
import io.dialback.testkit.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java bridge client against real hubs on loopback. */
class BridgeClientTest {
  private Vertx vertx;
  private final List<BridgeClient> clients = new CopyOnWriteArrayList<>();
  private final List<TestHub> hubs = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (BridgeClient c : clients) {
      c.close().await(10, TimeUnit.SECONDS);
    }
    for (TestHub h : hubs) {
      h.close();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private TestHub hub(Target target) {
    TestHub h = TestHub.start(target);
    hubs.add(h);
    return h;
  }

  private TestHub hubOnPort(int port) {
    TestHub h = TestHub.start(Target.DIALBACK, TestHub.conf().put("port", port));
    hubs.add(h);
    return h;
  }

  private ClientOptions.Builder options(int port, String token) {
    return ClientOptions.builder()
        .hub("127.0.0.1", port)
        .token(token)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.2);
  }

  private BridgeClient connect(ClientOptions options) throws Exception {
    BridgeClient client = BridgeClient.create(vertx, options);
    clients.add(client);
    client.connect().await(10, TimeUnit.SECONDS);
    return client;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  private ClientOptions.Builder options(TestHub hub, String token) {
    return ClientOptions.builder()
        .hubs(List.of(hub.endpoint().address()))
        .token(token)
        .backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.2);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void requestsAndConsumersWorkAgainstEveryBridgeAndTransport(Target target) throws Exception {
    TestHub hub = hub(target);
    hub.vertx
        .eventBus()
        .<JsonObject>consumer("test.echo", m -> m.reply(m.body().copy().put("echo", true)));
    BridgeClient server = connect(options(hub, TestHub.CLIENT_TOKEN).build());
    BridgeClient caller = connect(options(hub, TestHub.CLIENT_TOKEN).build());

    BridgeMessage reply = await(caller.request("test.echo", new JsonObject().put("n", 1)));
    assertThat(reply.bodyAsJsonObject()).isEqualTo(new JsonObject().put("n", 1).put("echo", true));

    await(server.consumer("test.upper", m -> m.reply(((String) m.body()).toUpperCase())));
    assertThat(await(caller.request("test.upper", "shout")).body()).isEqualTo("SHOUT");
  }

  @Test
  void loginReportsIdentityRoleAndHub() throws Exception {
    TestHub hub = hub(Target.DIALBACK);
    BridgeClient agent =
        BridgeClient.create(vertx, options(hub.port, TestHub.ALPHA_TOKEN).name("alpha").build());
    clients.add(agent);
    LoginReply login = await(agent.connect());
    assertThat(login).isEqualTo(new LoginReply("alpha", "agent", "127.0.0.1:" + hub.port));
    assertThat(agent.state()).isEqualTo(ClientState.CONNECTED);
  }

  @Test
  void failuresArriveAsReplyExceptions() throws Exception {
    TestHub hub = hub(Target.DIALBACK);
    hub.vertx.eventBus().consumer("test.fail", m -> m.fail(404, "not_found: nothing here"));
    hub.vertx.eventBus().consumer("test.silent", m -> {});
    BridgeClient agent = connect(options(hub.port, TestHub.ALPHA_TOKEN).build());
    await(agent.consumer("agent.alpha.svc", m -> m.fail(409, "conflict: try later")));
    BridgeClient client = connect(options(hub.port, TestHub.CLIENT_TOKEN).build());

    assertFailure(client.request("test.fail", "x"), ReplyFailure.RECIPIENT_FAILURE, 404);
    assertFailure(client.request("agent.alpha.svc", "x"), ReplyFailure.RECIPIENT_FAILURE, 409);
    assertFailure(client.request("test.nobody", "x"), ReplyFailure.NO_HANDLERS, -1);
    assertFailure(
        client.request("test.silent", "x", Duration.ofMillis(200), null), ReplyFailure.TIMEOUT, -1);
    assertFailure(client.request("hub.login", "x"), ReplyFailure.RECIPIENT_FAILURE, 400);
  }

  private static void assertFailure(Future<?> f, ReplyFailure type, int code) {
    assertThatThrownBy(() -> f.await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureType()).isEqualTo(type);
              if (code != -1) {
                assertThat(e.failureCode()).isEqualTo(code);
              }
            });
  }

  @Test
  void refusedRegistrationFailsTheConsumerFuture() throws Exception {
    TestHub hub = hub(Target.DIALBACK);
    BridgeClient alpha = connect(options(hub.port, TestHub.ALPHA_TOKEN).build());
    assertFailure(
        alpha.consumer("agent.beta.fs.read", m -> {}), ReplyFailure.RECIPIENT_FAILURE, 403);
    // The refusal is not retried on reconnect, and the client still works.
    await(alpha.consumer("agent.alpha.fs.read", m -> m.reply("mine")));
    await(alpha.ping());
  }

  @ParameterizedTest
  @ValueSource(strings = {"wrong-token-0001", TestHub.ALPHA_TOKEN + ":beta"})
  void refusedCredentialsFailConnectWithoutRetrying(String credentials) throws Exception {
    TestHub hub = hub(Target.DIALBACK);
    String[] parts = credentials.split(":");
    ClientOptions.Builder b = options(hub.port, parts[0]);
    if (parts.length > 1) {
      b.name(parts[1]);
    }
    BridgeClient client = BridgeClient.create(vertx, b.build());
    clients.add(client);
    assertThatThrownBy(() -> await(client.connect()))
        .isInstanceOfSatisfying(
            ReplyException.class, e -> assertThat(e.failureCode()).isIn(401, 403));
    assertThat(client.state()).isEqualTo(ClientState.CLOSED);
  }

  @Test
  void givesUpAfterMaxAttemptsWhenNoHubAnswers() throws Exception {
    int nobody = Ports.free();
    BridgeClient client =
        BridgeClient.create(
            vertx, options(nobody, TestHub.CLIENT_TOKEN).maxConnectAttempts(3).build());
    clients.add(client);
    assertThatThrownBy(() -> await(client.connect()))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureCode()).isEqualTo(503);
              assertThat(e.getMessage()).contains("gave up after 3 attempts");
            });
    assertThat(client.state()).isEqualTo(ClientState.CLOSED);
  }

  @Test
  void reconnectsLogsInAgainAndReregistersAfterHubRestart() throws Exception {
    int port = Ports.free();
    TestHub first = hubOnPort(port);
    List<ClientState> states = new CopyOnWriteArrayList<>();
    BridgeClient agent = BridgeClient.create(vertx, options(port, TestHub.ALPHA_TOKEN).build());
    clients.add(agent);
    agent.stateHandler(states::add);
    await(agent.connect());
    AtomicInteger served = new AtomicInteger();
    await(agent.consumer("agent.alpha.count", m -> m.reply(served.incrementAndGet())));
    assertThat(await(first.vertx.eventBus().request("agent.alpha.count", "x")).body()).isEqualTo(1);

    first.close();
    hubs.remove(first);
    awaitState(agent, ClientState.CONNECTING);
    assertFailure(agent.request("test.any", "x"), ReplyFailure.RECIPIENT_FAILURE, 503);

    TestHub second = hubOnPort(port);
    awaitState(agent, ClientState.CONNECTED);
    assertThat(await(second.vertx.eventBus().request("agent.alpha.count", "x")).body())
        .isEqualTo(2);
    assertThat(states)
        .containsExactly(
            ClientState.CONNECTING,
            ClientState.CONNECTED,
            ClientState.CONNECTING,
            ClientState.CONNECTED);
  }

  @Test
  void requestsInFlightFailAtOnceWhenTheConnectionDrops() throws Exception {
    int port = Ports.free();
    TestHub hub = hubOnPort(port);
    hub.vertx.eventBus().consumer("test.silent", m -> {});
    BridgeClient client = connect(options(port, TestHub.CLIENT_TOKEN).build());
    Future<BridgeMessage> pending =
        client.request("test.silent", "x", Duration.ofSeconds(60), null);
    await(client.ping());

    long start = System.nanoTime();
    hub.close();
    hubs.remove(hub);
    assertFailure(pending, ReplyFailure.RECIPIENT_FAILURE, 503);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void failsOverToTheNextHub() throws Exception {
    TestHub one = hub(Target.DIALBACK);
    TestHub two = hub(Target.DIALBACK);
    BridgeClient agent =
        connect(
            ClientOptions.builder()
                .hub("127.0.0.1", one.port)
                .hub("127.0.0.1", two.port)
                .token(TestHub.ALPHA_TOKEN)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.2)
                .build());
    assertThat(agent.login().hub()).isEqualTo("127.0.0.1:" + one.port);
    await(agent.consumer("agent.alpha.where", m -> m.reply("here")));

    List<ClientState> states = new CopyOnWriteArrayList<>();
    agent.stateHandler(states::add);
    one.close();
    hubs.remove(one);
    // Failing over can take a few ms: watch the state changes rather than poll for them.
    Await.until(
        "a login on the second hub",
        Duration.ofSeconds(10),
        () ->
            agent.state() == ClientState.CONNECTED && agent.login().hub().endsWith(":" + two.port));
    // A stopping hub tells a client that knows another hub to move (hub.goaway): the client logs
    // in there before it leaves, never leaving CONNECTED. If it saw the close first, it reconnects.
    if (!states.isEmpty()) {
      assertThat(states).startsWith(ClientState.CONNECTING).endsWith(ClientState.CONNECTED);
    }
    assertThat(await(two.vertx.eventBus().request("agent.alpha.where", "?")).body())
        .isEqualTo("here");
  }

  @Test
  void failsOverAlongAMixedListOfTcpAndWebSocketHubs() throws Exception {
    TestHub one = hub(Target.DIALBACK_WS);
    TestHub two = hub(Target.DIALBACK);
    int nobody = io.dialback.testkit.Ports.free();
    BridgeClient agent =
        connect(
            ClientOptions.builder()
                .hubs(
                    List.of(
                        "ws://127.0.0.1:" + nobody + "/bridge",
                        one.endpoint().address(),
                        two.endpoint().address()))
                .token(TestHub.ALPHA_TOKEN)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.2)
                .build());
    assertThat(agent.login().hub()).isEqualTo("127.0.0.1:" + one.port);
    await(agent.consumer("agent.alpha.where", m -> m.reply("here")));
    assertThat(await(one.vertx.eventBus().request("agent.alpha.where", "?")).body())
        .isEqualTo("here");

    one.close();
    hubs.remove(one);
    Await.until(
        "a login on the TCP hub",
        Duration.ofSeconds(10),
        () ->
            agent.state() == ClientState.CONNECTED && agent.login().hub().endsWith(":" + two.port));
    assertThat(await(two.vertx.eventBus().request("agent.alpha.where", "?")).body())
        .isEqualTo("here");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void dropsAHubThatStopsAnsweringAndDialsAgain(boolean silentAfterHandshake) throws Exception {
    // A fake hub that answers the login (and, if silentAfterHandshake, the registration
    // barrier's ping), then stays connected and never says another word.
    AtomicInteger accepted = new AtomicInteger();
    try (ServerSocket silent =
        new ServerSocket(0, 10, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      Thread acceptor =
          new Thread(
              () -> {
                while (!silent.isClosed()) {
                  try {
                    Socket s = silent.accept();
                    accepted.incrementAndGet();
                    answerLoginThenGoSilent(s, silentAfterHandshake);
                  } catch (Exception e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      BridgeClient client =
          BridgeClient.create(
              vertx,
              options(silent.getLocalPort(), TestHub.CLIENT_TOKEN)
                  .pingInterval(Duration.ofMillis(100))
                  .pingTimeout(Duration.ofMillis(400))
                  .build());
      clients.add(client);
      Future<LoginReply> connected = client.connect();
      if (silentAfterHandshake) {
        await(connected);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (accepted.get() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(accepted.get())
          .as("the client dialled again after the silence")
          .isGreaterThanOrEqualTo(2);
      assertThat(connected.isComplete()).isEqualTo(silentAfterHandshake);
    }
  }

  /** Answers the login (and one ping if asked), then stays connected and silent. */
  private static void answerLoginThenGoSilent(Socket s, boolean answerBarrier) throws Exception {
    DataInputStream in = new DataInputStream(s.getInputStream());
    byte[] frame = new byte[in.readInt()];
    in.readFully(frame);
    JsonObject login = new JsonObject(new String(frame, StandardCharsets.UTF_8));
    byte[] reply =
        new JsonObject()
            .put("type", "message")
            .put("address", login.getString("replyAddress"))
            .put(
                "body",
                new JsonObject().put("identity", "x").put("role", "client").put("hub", "silent"))
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeInt(reply.length);
    out.write(reply);
    out.flush();
    if (!answerBarrier) {
      return;
    }
    // Answer the first ping (the client's registration barrier), then never again.
    do {
      frame = new byte[in.readInt()];
      in.readFully(frame);
    } while (!"ping"
        .equals(new JsonObject(new String(frame, StandardCharsets.UTF_8)).getString("type")));
    byte[] pong = "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8);
    out.writeInt(pong.length);
    out.write(pong);
    out.flush();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void worksWithAndWithoutTls(boolean tls) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("127.0.0.1");
    JsonObject conf = TestHub.conf();
    if (tls) {
      conf.put(
          "tls",
          new JsonObject()
              .put("enabled", true)
              .put("certPath", cert.certificatePath())
              .put("keyPath", cert.privateKeyPath()));
    }
    TestHub hub = TestHub.start(Target.DIALBACK, conf);
    hubs.add(hub);
    hub.vertx.eventBus().consumer("test.echo", m -> m.reply(m.body()));
    NetClientOptions net = new NetClientOptions();
    if (tls) {
      // The test certificate names no IP address, so pin it instead of checking the host name.
      net.setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(cert.certificatePath()))
          .setHostnameVerificationAlgorithm("");
    }
    BridgeClient client = connect(options(hub.port, TestHub.CLIENT_TOKEN).net(net).build());
    assertThat(await(client.request("test.echo", "over " + (tls ? "tls" : "tcp"))).body())
        .isEqualTo("over " + (tls ? "tls" : "tcp"));
  }

  @Test
  void refusesAHubWhoseCertificateItDoesNotTrust() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("127.0.0.1");
    JsonObject conf =
        TestHub.conf()
            .put(
                "tls",
                new JsonObject()
                    .put("enabled", true)
                    .put("certPath", cert.certificatePath())
                    .put("keyPath", cert.privateKeyPath()));
    TestHub hub = TestHub.start(Target.DIALBACK, conf);
    hubs.add(hub);
    BridgeClient client =
        BridgeClient.create(
            vertx,
            options(hub.port, TestHub.CLIENT_TOKEN)
                .net(new NetClientOptions().setSsl(true))
                .maxConnectAttempts(1)
                .build());
    clients.add(client);
    assertThatThrownBy(() -> await(client.connect())).isInstanceOf(ReplyException.class);
    assertThat(client.state()).isEqualTo(ClientState.CLOSED);
  }

  @Test
  void closeFailsPendingRequestsAndEndsClosed() throws Exception {
    TestHub hub = hub(Target.DIALBACK);
    hub.vertx.eventBus().consumer("test.silent", m -> {});
    BridgeClient client = connect(options(hub.port, TestHub.CLIENT_TOKEN).build());
    Future<BridgeMessage> pending = client.request("test.silent", "x");
    await(client.close());
    assertThat(client.state()).isEqualTo(ClientState.CLOSED);
    assertFailure(pending, ReplyFailure.RECIPIENT_FAILURE, 503);
    assertFailure(client.request("test.silent", "x"), ReplyFailure.RECIPIENT_FAILURE, 503);
  }

  @Test
  void unregisteredConsumerGetsNothingMore() throws Exception {
    TestHub hub = hub(Target.DIALBACK);
    BridgeClient client = connect(options(hub.port, TestHub.CLIENT_TOKEN).build());
    Registration r = await(client.consumer("test.temp", m -> m.reply("yes")));
    assertThat(await(hub.vertx.eventBus().request("test.temp", "?")).body()).isEqualTo("yes");
    await(r.unregister());
    assertThatThrownBy(() -> await(hub.vertx.eventBus().request("test.temp", "?")))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
  }

  private static void awaitState(BridgeClient client, ClientState state)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (client.state() != state && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(client.state()).isEqualTo(state);
  }
}
