package io.dialback.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.testkit.Await;
import io.dialback.testkit.Ports;
import io.dialback.wire.Frame;
import io.dialback.wire.FrameType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a hub that follows a script, over real loopback sockets. */
class BridgeClientScriptedTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private ScriptedHub hub;
  private Vertx vertx;
  private BridgeClient client;

  @BeforeEach
  void start() throws Exception {
    hub = new ScriptedHub();
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
    hub.close(); // first: a socket the hub stopped reading closes when the hub goes
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private ClientOptions.Builder options() {
    return ClientOptions.builder()
        .hub("127.0.0.1", hub.port())
        .token("scripted-token-01")
        .backoff(Duration.ofMillis(20), Duration.ofMillis(100), 0.1);
  }

  private BridgeClient connect(ClientOptions options) throws Exception {
    client = BridgeClient.create(vertx, options);
    client.connect().await(10, TimeUnit.SECONDS);
    return client;
  }

  @Test
  void itLogsInThenRegistersItsConsumersAndTheirFuturesWaitForThePong() throws Exception {
    connect(options().build());
    Registration r = client.consumer("svc.a", m -> {}).await(10, TimeUnit.SECONDS);
    assertThat(r.address()).isEqualTo("svc.a");
    List<Frame> frames = hub.connections.get(0).frames;
    assertThat(frames.get(0).address()).isEqualTo("hub.login");
    assertThat(frames.get(0).body())
        .isEqualTo(new JsonObject().put("token", "scripted-token-01").put("binary", true));
    assertThat(hub.frames(0, FrameType.REGISTER)).extracting(Frame::address).contains("svc.a");
  }

  @Test
  void aRefusedLoginGivesUpAtOnceWithTheHubsReason() throws Exception {
    hub.loginRefusal = 401;
    client = BridgeClient.create(vertx, options().build());
    assertThatThrownBy(() -> client.connect().await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureCode()).isEqualTo(401);
              assertThat(e.getMessage()).contains("unknown token");
            });
    assertThat(client.state()).isEqualTo(ClientState.CLOSED);
    assertThat(hub.connections).as("the same credentials are not tried again").hasSize(1);
  }

  @Test
  void aDroppedConnectionFailsWhatWaitsAtOnceThenReconnectsAndRegistersAgain() throws Exception {
    connect(options().build());
    client.consumer("svc.b", m -> {}).await(10, TimeUnit.SECONDS);
    hub.script = (c, f) -> f.type() == FrameType.SEND && "svc.slow".equals(f.address());
    Future<BridgeMessage> waiting = client.request("svc.slow", "x", Duration.ofSeconds(30), null);
    Await.until(
        "the request reached the hub", WAIT, () -> hub.frames(0, FrameType.SEND).size() == 2);
    long start = System.nanoTime();
    hub.connections.get(0).close();
    assertThatThrownBy(() -> waiting.await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(503));
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
    Await.until(
        "connected again",
        WAIT,
        () ->
            hub.connections.size() == 2
                && client.state() == ClientState.CONNECTED
                && !hub.frames(1, FrameType.REGISTER).isEmpty());
    assertThat(hub.frames(1, FrameType.REGISTER)).extracting(Frame::address).contains("svc.b");
  }

  @Test
  void aHubThatGoesSilentIsDroppedByTheKeepalive() throws Exception {
    connect(
        options().pingInterval(Duration.ofMillis(100)).pingTimeout(Duration.ofMillis(400)).build());
    hub.answerPings = false;
    Await.until(
        "a second connection after the silent one", WAIT, () -> hub.connections.size() >= 2);
  }

  @Test
  void aClientThatWasItselfStalledDoesNotBlameTheHub() throws Exception {
    connect(
        options().pingInterval(Duration.ofMillis(100)).pingTimeout(Duration.ofMillis(400)).build());
    // The client's event loop stalls (a long GC, an overloaded machine) for longer than the
    // keepalive timeout, while the hub keeps answering: what it sent is unread, not missing.
    client.context().runOnContext(v -> Await.sleep(Duration.ofMillis(1500)));
    Await.sleep(Duration.ofMillis(2500));
    assertThat(hub.connections).as("the connection kept").hasSize(1);
    assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
  }

  @Test
  void anUnansweredRequestTimesOutAlsoAfterTheConnectionWasIdle() throws Exception {
    connect(options().build());
    hub.script = (c, f) -> f.type() == FrameType.SEND && f.address().startsWith("svc.lost");
    // The timeout sweep runs only while something waits: it stops after the first timeout and
    // must start again for the request that follows an idle spell.
    for (int round = 0; round < 2; round++) {
      long start = System.nanoTime();
      Future<BridgeMessage> lost =
          client.request("svc.lost." + round, "x", Duration.ofMillis(200), null);
      assertThatThrownBy(() -> lost.await(10, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              ReplyException.class,
              e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
      Await.sleep(Duration.ofMillis(500));
    }
    assertThat(hub.frames(0, FrameType.SEND))
        .extracting(Frame::address)
        .contains("svc.lost.0", "svc.lost.1");
  }

  @Test
  void unansweredRequestsWithDifferentTimeoutsEachTimeOutInTurn() throws Exception {
    connect(options().build());
    hub.script = (c, f) -> f.type() == FrameType.SEND && f.address().startsWith("svc.lost");
    // One timer per connection, set for the earliest deadline: the short request, sent second,
    // moves it earlier; when it fires, the long one is still waiting and sets it again.
    long start = System.nanoTime();
    Future<BridgeMessage> slow =
        client.request("svc.lost.slow", "x", Duration.ofMillis(1_500), null);
    Future<BridgeMessage> quick =
        client.request("svc.lost.quick", "x", Duration.ofMillis(200), null);
    assertThatThrownBy(() -> quick.await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class, e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
    long quickMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(slow.isComplete()).as("the long request still waits").isFalse();
    assertThatThrownBy(() -> slow.await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class, e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.TIMEOUT));
    long slowMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(quickMs).isLessThan(slowMs);
    assertThat(slowMs).as("each in its time, not at the first one's").isLessThan(8_000);
  }

  @Test
  void itFailsOverToTheNextHubOfItsList() throws Exception {
    int closed = Ports.free(); // nothing listens there
    connect(
        ClientOptions.builder()
            .hubs(List.of("127.0.0.1:" + closed, "127.0.0.1:" + hub.port()))
            .token("scripted-token-01")
            .backoff(Duration.ofMillis(20), Duration.ofMillis(100), 0.1)
            .build());
    assertThat(client.login().hub()).isEqualTo("scripted:" + hub.port());
  }

  @Test
  void aDeliveryIsAnsweredOnTheConnectionThatBroughtIt() throws Exception {
    connect(options().build());
    client
        .consumer("svc.echo", m -> m.reply(new JsonObject().put("echo", m.body())))
        .await(10, TimeUnit.SECONDS);
    hub.connections.get(0).message("svc.echo", "hub.r.7", "hello");
    Await.until(
        "the answer",
        WAIT,
        () -> hub.frames(0, FrameType.SEND).stream().anyMatch(f -> "hub.r.7".equals(f.address())));
    Frame answer =
        hub.frames(0, FrameType.SEND).stream()
            .filter(f -> "hub.r.7".equals(f.address()))
            .findFirst()
            .orElseThrow();
    assertThat(answer.body()).isEqualTo(new JsonObject().put("echo", "hello"));
  }

  @Test
  void whenTheHubStopsReadingNewRequestsAreRefusedNotQueuedWithoutBound() throws Exception {
    connect(options().maxQueuedBytes(1024 * 1024).build());
    hub.connections.get(0).socket.pause(); // reads nothing more
    String big = "x".repeat(256 * 1024);
    List<Future<BridgeMessage>> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      sent.add(client.request("svc.sink", big, Duration.ofSeconds(30), null));
      if (i % 16 == 15) {
        Await.sleep(Duration.ofMillis(20)); // let the writes reach the socket
      }
    }
    Await.sleep(Duration.ofMillis(200));
    ReplyException busy =
        sent.stream()
            .filter(f -> f.failed() && f.cause() instanceof ReplyException)
            .map(f -> (ReplyException) f.cause())
            .findFirst()
            .orElse(null);
    assertThat(busy).as("a request refused once the outbox is above its high mark").isNotNull();
    assertThat(busy.failureCode()).isEqualTo(429);
    assertThat(busy.getMessage()).contains("not taking data fast enough");
    long start = System.nanoTime();
    client.close().await(10, TimeUnit.SECONDS);
    assertThat((System.nanoTime() - start) / 1_000_000)
        .as("close does not wait on a hub that does not read")
        .isLessThan(5_000);
  }

  @Test
  void requestsBeyondWhatTheHubLetsAConnectionHaveWaitingAreHeldBackNotRefused() throws Exception {
    hub.maxPendingRequests = 2;
    connect(options().build());
    hub.script = (c, f) -> f.type() == FrameType.SEND && f.address().startsWith("svc.held");
    List<Future<BridgeMessage>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(client.request("svc.held." + i, "x", Duration.ofSeconds(30), null));
    }
    Future<BridgeMessage> late = client.request("svc.held.late", "x", Duration.ofMillis(300), null);
    Await.until("two reached the hub", WAIT, () -> held().size() == 2);
    Await.sleep(Duration.ofMillis(200));
    assertThat(held())
        .as("no more than the hub allows")
        .extracting(Frame::address)
        .containsExactly("svc.held.0", "svc.held.1");
    // One answered: the next one goes, in order.
    hub.connections.get(0).message(held().get(0).replyAddress(), null, "ok");
    assertThat(calls.get(0).await(10, TimeUnit.SECONDS).body()).isEqualTo("ok");
    Await.until("the third went", WAIT, () -> held().size() == 3);
    assertThat(held().get(2).address()).isEqualTo("svc.held.2");
    // A held request that finds no place within its timeout fails with a timeout, unsent.
    assertThatThrownBy(() -> late.await(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ReplyException.class,
            e -> {
              assertThat(e.failureType()).isEqualTo(ReplyFailure.TIMEOUT);
              assertThat(e.getMessage()).contains("for a place among the 2 requests");
            });
    assertThat(held()).extracting(Frame::address).doesNotContain("svc.held.late");
    assertThat(calls.get(3).isComplete()).isFalse();
  }

  private List<Frame> held() {
    return hub.frames(0, FrameType.SEND).stream()
        .filter(f -> f.address().startsWith("svc.held"))
        .toList();
  }
}
