package io.dialback.hub.bridge;

import io.dialback.hub.HubConfig;
import io.dialback.hub.gate.Gate;
import io.dialback.hub.registry.LocalAgentRegistry;
import io.dialback.testkit.HubConf;
import io.dialback.wire.RawJsonCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The hub's connection core without a socket: a real {@link BridgeContext} on a real event loop,
 * and connections whose {@link Peer} is a {@link FakePeer} the test feeds frames into and reads
 * written frames from.
 */
final class Harness implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();
  final BridgeContext hub;
  final LocalAgentRegistry registry;
  private final Subscriptions subscriptions;

  Harness(JsonObject limits) {
    this(limits, BridgeMetrics.NONE);
  }

  Harness(JsonObject limits, BridgeMetrics metrics) {
    RawJsonCodec.install(vertx.eventBus());
    HubConfig cfg = HubConfig.from(HubConf.standard().limits(limits).json(), Map.of());
    registry = new LocalAgentRegistry(vertx.eventBus());
    hub =
        new BridgeContext(
            vertx,
            "test-hub",
            "127.0.0.1",
            new Gate(cfg.tokens()),
            cfg.policy(),
            registry,
            cfg.limits(),
            metrics);
    subscriptions = on(() -> new Subscriptions(hub));
  }

  Harness() {
    this(new JsonObject());
  }

  /** A new connection from {@code host}, started. */
  FakePeer connect(String host) {
    FakePeer peer = new FakePeer(host);
    on(
        () -> {
          BridgeConnection c = new BridgeConnection(hub, subscriptions, peer, context);
          peer.connection = c;
          c.start();
          return c;
        });
    return peer;
  }

  /** A connection logged in with {@code token} (and {@code name}), its login reply read. */
  FakePeer loggedIn(String token, String name) {
    FakePeer peer = connect("127.0.0.1");
    JsonObject body = new JsonObject().put("token", token);
    if (name != null) {
      body.put("name", name);
    }
    peer.feed(
        new JsonObject()
            .put("type", "send")
            .put("address", "hub.login")
            .put("replyAddress", "login")
            .put("body", body));
    JsonObject reply = peer.next();
    if (!"message".equals(reply.getString("type"))) {
      throw new AssertionError("login refused: " + reply.encode());
    }
    return peer;
  }

  /** Runs {@code body} on the connections' event loop and returns its result. */
  <T> T on(Supplier<T> body) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            result.complete(body.get());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  /** A peer the test drives: frames in by {@link #feed}, frames out by {@link #next}. */
  final class FakePeer implements Peer {
    final String host;
    final List<JsonObject> frames = new CopyOnWriteArrayList<>();
    volatile boolean closed;
    volatile boolean paused;
    BridgeConnection connection;
    private Handler<Buffer> handler;
    private Handler<Void> closeHandler;
    private int read;

    FakePeer(String host) {
      this.host = host;
    }

    /** Sends one frame to the hub, as its bytes (on the event loop, as a socket would). */
    void feed(JsonObject frame) {
      byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
      Buffer bytes = Buffer.buffer().appendInt(json.length).appendBytes(json);
      on(
          () -> {
            handler.handle(bytes);
            return null;
          });
    }

    /** The next frame the hub wrote, waiting up to 5 s. */
    JsonObject next() {
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (frames.size() <= read) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no frame from the hub; so far: " + frames);
        }
        sleep(5);
      }
      return frames.get(read++);
    }

    /** Frames written but not yet taken with {@link #next}, after a short wait for more. */
    List<JsonObject> rest(long waitMs) {
      sleep(waitMs);
      List<JsonObject> rest = new ArrayList<>(frames.subList(read, frames.size()));
      read = frames.size();
      return rest;
    }

    /** Closes from the peer's side. */
    void hangUp() {
      on(
          () -> {
            close();
            return null;
          });
    }

    @Override
    public void handler(Handler<Buffer> handler) {
      this.handler = handler;
    }

    @Override
    public void closeHandler(Handler<Void> handler) {
      this.closeHandler = handler;
    }

    @Override
    public void exceptionHandler(Handler<Throwable> handler) {}

    @Override
    public Future<Void> write(Buffer data) {
      int pos = 0;
      while (pos < data.length()) {
        int length = data.getInt(pos);
        frames.add(new JsonObject(data.slice(pos + 4, pos + 4 + length)));
        pos += 4 + length;
      }
      return Future.succeededFuture();
    }

    @Override
    public void pause() {
      paused = true;
    }

    @Override
    public void resume() {
      paused = false;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        if (closeHandler != null) {
          closeHandler.handle(null);
        }
      }
    }

    @Override
    public String remote() {
      return host + ":1";
    }

    @Override
    public String host() {
      return host;
    }

    @Override
    public String certifiedName() {
      return null;
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
