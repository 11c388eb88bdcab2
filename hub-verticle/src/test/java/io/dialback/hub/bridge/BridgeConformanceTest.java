package io.dialback.hub.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bridge protocol as the stock {@code TcpEventBusBridge} 5.0.8 defines it. Every test runs
 * against the stock bridge and against our hub over TCP and over WebSocket, at the level of raw
 * frames, and must pass on all three.
 */
class BridgeConformanceTest {

  private static RawBridgeSocket client(TestHub bridge) throws Exception {
    return RawBridgeSocket.login(bridge.endpoint(), TestHub.CLIENT_TOKEN, null);
  }

  private static JsonObject send(String address, String replyAddress, Object body) {
    JsonObject frame =
        new JsonObject().put("type", "send").put("address", address).put("body", body);
    return replyAddress == null ? frame : frame.put("replyAddress", replyAddress);
  }

  private static JsonObject frame(String type, String address) {
    return new JsonObject().put("type", type).put("address", address);
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void pingIsAnsweredWithPong(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      s.send(new JsonObject().put("type", "ping"));
      assertThat(s.read().getString("type")).isEqualTo("pong");
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void requestIsAnsweredWithMessageToReplyAddress(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      bridge
          .vertx
          .eventBus()
          .<JsonObject>consumer(
              "test.echo",
              msg ->
                  msg.reply(
                      msg.body().copy().put("seenHeader", msg.headers().get("x-trace")),
                      new DeliveryOptions().addHeader("x-echoed", "yes")));
      s.send(
          send("test.echo", "r-1", new JsonObject().put("n", 1))
              .put("headers", new JsonObject().put("x-trace", "abc")));

      JsonObject reply = s.read();
      assertThat(reply.getString("type")).isEqualTo("message");
      assertThat(reply.getString("address")).isEqualTo("r-1");
      assertThat(reply.getJsonObject("body"))
          .isEqualTo(new JsonObject().put("n", 1).put("seenHeader", "abc"));
      assertThat(reply.getJsonObject("headers").getString("x-echoed")).isEqualTo("yes");
      assertThat(reply.getBoolean("send")).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void failureReplyArrivesAsRecipientFailureErr(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      bridge.vertx.eventBus().consumer("test.fail", msg -> msg.fail(42, "nope"));
      s.send(send("test.fail", "r-1", "x"));

      JsonObject err = s.read();
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("address")).isEqualTo("r-1");
      assertThat(err.getString("sourceAddress")).isEqualTo("test.fail");
      assertThat(err.getString("failureType")).isEqualTo("RECIPIENT_FAILURE");
      assertThat(err.getInteger("failureCode")).isEqualTo(42);
      assertThat(err.getString("message")).isEqualTo("nope");
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void requestToAddressWithoutConsumersGetsNoHandlers(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      s.send(send("test.nobody", "r-1", "x"));

      JsonObject err = s.read();
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getString("address")).isEqualTo("r-1");
      assertThat(err.getString("failureType")).isEqualTo("NO_HANDLERS");
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void requestWithTimeoutHeaderTimesOut(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      bridge.vertx.eventBus().consumer("test.silent", msg -> {});
      long start = System.nanoTime();
      s.send(send("test.silent", "r-1", "x").put("headers", new JsonObject().put("timeout", 300)));

      JsonObject err = s.read();
      assertThat(err.getString("failureType")).isEqualTo("TIMEOUT");
      assertThat(err.getString("address")).isEqualTo("r-1");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void registeredConnectionReceivesSendsAndPublishes(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      s.send(frame("register", "test.inbox"));
      s.barrier();

      bridge.vertx.eventBus().send("test.inbox", new JsonObject().put("k", "sent"));
      JsonObject sent = s.read();
      assertThat(sent.getString("type")).isEqualTo("message");
      assertThat(sent.getString("address")).isEqualTo("test.inbox");
      assertThat(sent.getBoolean("send")).isTrue();
      assertThat(sent.getJsonObject("body").getString("k")).isEqualTo("sent");

      bridge.vertx.eventBus().publish("test.inbox", new JsonObject().put("k", "published"));
      JsonObject published = s.read();
      assertThat(published.getBoolean("send")).isFalse();
      assertThat(published.getJsonObject("body").getString("k")).isEqualTo("published");
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void connectionAnswersEventBusRequest(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      s.send(frame("register", "test.service"));
      s.barrier();

      Future<Message<Object>> reply =
          bridge.vertx.eventBus().request("test.service", new JsonObject().put("q", 1));
      JsonObject request = s.read();
      assertThat(request.getJsonObject("body").getInteger("q")).isEqualTo(1);
      String replyAddress = request.getString("replyAddress");
      assertThat(replyAddress).isNotNull();
      s.send(send(replyAddress, null, new JsonObject().put("a", 2)));

      assertThat(reply.await(10, TimeUnit.SECONDS).body()).isEqualTo(new JsonObject().put("a", 2));
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void connectionFailureReplyReachesEventBusCaller(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      s.send(frame("register", "test.service"));
      s.barrier();

      Future<Message<Object>> reply = bridge.vertx.eventBus().request("test.service", "q");
      String replyAddress = s.read().getString("replyAddress");
      s.send(
          new JsonObject()
              .put("type", "send")
              .put("address", replyAddress)
              .put("failureCode", 7)
              .put("message", "bad input"));

      assertThatThrownBy(() -> reply.await(10, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              ReplyException.class,
              e -> {
                assertThat(e.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
                assertThat(e.failureCode()).isEqualTo(7);
                assertThat(e.getMessage()).isEqualTo("bad input");
              });
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void publishFromConnectionFansOutToEveryConsumer(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket a = client(bridge);
        RawBridgeSocket b = client(bridge);
        RawBridgeSocket publisher = client(bridge)) {
      CopyOnWriteArrayList<Object> local = new CopyOnWriteArrayList<>();
      bridge.vertx.eventBus().consumer("test.news", msg -> local.add(msg.body()));
      a.send(frame("register", "test.news"));
      b.send(frame("register", "test.news"));
      a.barrier();
      b.barrier();

      publisher.send(
          frame("publish", "test.news").put("body", new JsonObject().put("headline", "hi")));

      for (RawBridgeSocket s : new RawBridgeSocket[] {a, b}) {
        JsonObject m = s.read();
        assertThat(m.getString("address")).isEqualTo("test.news");
        assertThat(m.getBoolean("send")).isFalse();
        assertThat(m.getJsonObject("body").getString("headline")).isEqualTo("hi");
      }
      publisher.barrier();
      awaitSize(local, 1);
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void sendWithoutReplyAddressIsDelivered(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      CopyOnWriteArrayList<Object> got = new CopyOnWriteArrayList<>();
      bridge.vertx.eventBus().consumer("test.sink", msg -> got.add(msg.body()));
      s.send(send("test.sink", null, "one-way"));
      s.barrier();
      awaitSize(got, 1);
      assertThat(got).containsExactly("one-way");
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void unregisterStopsDelivery(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      s.send(frame("register", "test.gone"));
      s.barrier();
      s.send(frame("unregister", "test.gone"));
      s.barrier();

      Future<Message<Object>> reply = bridge.vertx.eventBus().request("test.gone", "anyone?");
      assertThatThrownBy(() -> reply.await(10, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              ReplyException.class,
              e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void unregisteringAnUnknownAddressGetsErr(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      s.send(frame("unregister", "test.never"));
      assertThat(s.read().getString("type")).isEqualTo("err");
      s.barrier();
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void connectionsCallEachOtherThroughTheBridge(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket server = client(bridge);
        RawBridgeSocket caller = client(bridge)) {
      server.send(frame("register", "test.peer"));
      server.barrier();

      caller.send(send("test.peer", "r-9", new JsonObject().put("x", 1)));
      JsonObject request = server.read();
      assertThat(request.getString("address")).isEqualTo("test.peer");
      server.send(send(request.getString("replyAddress"), null, new JsonObject().put("y", 2)));

      JsonObject reply = caller.read();
      assertThat(reply.getString("type")).isEqualTo("message");
      assertThat(reply.getString("address")).isEqualTo("r-9");
      assertThat(reply.getJsonObject("body")).isEqualTo(new JsonObject().put("y", 2));
    }
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void scalarBodiesTravelUnchanged(Target target) throws Exception {
    try (TestHub bridge = TestHub.start(target);
        RawBridgeSocket s = client(bridge)) {
      bridge.vertx.eventBus().consumer("test.echo", msg -> msg.reply(msg.body()));
      Object[] bodies = {
        "text", 42, 4.5, true, new io.vertx.core.json.JsonArray().add(1).add("two")
      };
      int i = 0;
      for (Object body : bodies) {
        s.send(send("test.echo", "r-" + i, body));
        JsonObject reply = s.read();
        assertThat(reply.getString("address")).isEqualTo("r-" + i);
        assertThat(reply.getValue("body")).isEqualTo(body);
        i++;
      }
    }
  }

  private static void awaitSize(java.util.List<?> list, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (list.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(list).hasSize(size);
  }
}
