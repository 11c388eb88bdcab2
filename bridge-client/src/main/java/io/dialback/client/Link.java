package io.dialback.client;

import io.dialback.conf.HubAddress;
import io.dialback.link.ByteSocket;
import io.dialback.link.Outbox;
import io.dialback.link.ReplyTable;
import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameParser;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dialled connection of a {@link BridgeClient} (over TCP, WebSocket or whatever the {@link
 * Dialer} gives): its frame parser, its {@link Outbox} (with backpressure: above the high watermark
 * it stops reading from the hub and new requests are refused, past the bound it drops the
 * connection), its requests waiting for replies, and its keepalive (a ping every interval; silence
 * past the timeout drops it). It never reconnects: when it ends it tells the client once, and the
 * client dials a new one.
 *
 * <p>Used only from the client's context.
 */
final class Link {
  private static final Logger log = LoggerFactory.getLogger(Link.class);

  /** Extra time the client waits beyond a request's timeout for the hub's own TIMEOUT answer. */
  private static final long TIMEOUT_GRACE_MS = 1_000;

  /** What the link tells its client. */
  interface Owner {
    void onMessage(Link link, BridgeMessage message);

    void onErr(Link link, String address, Frame frame);

    void onLost(Link link, String reason);

    /** The hub is stopping and asks this client to move to another hub. */
    void onGoaway(Link link, String reason);
  }

  private record Pending(Promise<BridgeMessage> promise, long timeoutMs, String address) {}

  private final BridgeClient client;
  private final Owner owner;
  private final ByteSocket socket;
  private final HubAddress hub;
  private final ClientOptions options;
  private final Outbox outbox;
  private final ReplyTable<Pending> pending = new ReplyTable<>();
  private final RequestGate gate;
  private final ArrayDeque<Promise<Void>> pongWaiters = new ArrayDeque<>();
  private long nextReplyId;
  private long lastHeardNanos = System.nanoTime();
  private long keepalive = -1;
  private final OverdueTimer overdue;
  private boolean binary;
  private boolean ended;

  /** Deliveries handed to a consumer that expects to answer, not answered yet. */
  private int outstanding;

  Link(BridgeClient client, Owner owner, ByteSocket socket, HubAddress hub, ClientOptions options) {
    this.client = client;
    this.owner = owner;
    this.socket = socket;
    this.hub = hub;
    this.options = options;
    this.gate = new RequestGate(client.vertx());
    this.overdue = new OverdueTimer(client.vertx(), this::sweepOverdue);
    this.outbox =
        new Outbox(
            client.context(),
            socket::write,
            options.maxQueuedBytes(),
            Outbox.Meter.NONE,
            new Outbox.Pressure() {
              @Override
              public void high() {
                socket.pause(); // take no more deliveries while the hub does not take our answers
              }

              @Override
              public void low() {
                socket.resume();
              }
            });
  }

  /** Starts reading and the keepalive (the timeout timer is set with the first request). */
  void start() {
    FrameParser parser =
        new FrameParser(
            options.maxFrameBytes(),
            new FrameParser.Listener() {
              @Override
              public void onFrame(Buffer payload) {
                lastHeardNanos = System.nanoTime();
                onServerFrame(payload);
              }

              @Override
              public void onOversize(long declaredLength, int maxFrameBytes) {
                log.warn(
                    "hub {} announced a frame of {} bytes (limit {}); dropping the connection",
                    hub,
                    declaredLength,
                    maxFrameBytes);
                socket.close();
              }
            });
    socket.handler(parser);
    socket.exceptionHandler(e -> log.debug("connection to {}: {}", hub, e.toString()));
    socket.closeHandler(v -> end("connection to " + hub + " closed"));
    long interval = options.pingInterval().toMillis();
    long intervalNanos = options.pingInterval().toNanos();
    long timeoutNanos = options.pingTimeout().toNanos();
    long[] lastTick = {System.nanoTime()};
    keepalive =
        client
            .vertx()
            .setPeriodic(
                interval,
                t -> {
                  long now = System.nanoTime();
                  long late = now - lastTick[0] - intervalNanos;
                  lastTick[0] = now;
                  if (late > intervalNanos / 2) {
                    // This process was stalled (GC, an overloaded machine), not the hub silent:
                    // what the hub sent meanwhile may not have been read yet. Dropping here
                    // turned overload into a reconnect storm.
                    lastHeardNanos += late;
                  }
                  if (now - lastHeardNanos > timeoutNanos) {
                    log.warn(
                        "nothing from the hub for {} ms; dropping the connection",
                        options.pingTimeout().toMillis());
                    socket.close();
                    return;
                  }
                  pongWaiters.add(Promise.promise()); // nobody waits on keepalive pongs
                  write(FrameWriter.ping());
                });
  }

  HubAddress hub() {
    return hub;
  }

  /** Whether the hub granted binary-extension frames on this connection. */
  boolean binary() {
    return binary;
  }

  void binary(boolean granted) {
    binary = granted;
  }

  boolean ended() {
    return ended;
  }

  // ---- out ----

  Future<BridgeMessage> request(String address, Object body, Duration timeout, JsonObject headers) {
    return gate.submit(timeout, address, left -> send(address, body, left, headers));
  }

  /** The hub's bound on this connection's requests waiting for replies (from its login reply). */
  void maxPendingRequests(int max) {
    gate.limit(max);
  }

  /** Sends a request that has its place at the {@link RequestGate}. */
  private Future<BridgeMessage> send(
      String address, Object body, Duration timeout, JsonObject headers) {
    if (outbox.aboveHigh()) {
      gate.done();
      return Future.failedFuture(
          FailureCode.BUSY.exception(
              "the hub is not taking data fast enough: " + outbox.queued() + " bytes queued"));
    }
    String replyAddress = "r." + (++nextReplyId);
    Buffer frame;
    try {
      frame = FrameWriter.request(address, replyAddress, headers, timeout.toMillis(), body, binary);
    } catch (EncodeException e) {
      gate.done();
      return Future.failedFuture(
          new IllegalArgumentException("body cannot be written as JSON: " + e.getMessage(), e));
    }
    Promise<BridgeMessage> promise = Promise.promise();
    long deadline = System.nanoTime() + (timeout.toMillis() + TIMEOUT_GRACE_MS) * 1_000_000;
    pending.put(replyAddress, new Pending(promise, timeout.toMillis(), address), deadline);
    if (!ended) {
      overdue.waitsUntil(deadline);
    }
    write(frame);
    return promise.future();
  }

  /** A send or publish without reply; a body that cannot be written as JSON fails the future. */
  Future<Void> fire(String type, String address, Object body, JsonObject headers) {
    try {
      write(FrameWriter.send(type, address, null, headers, body, binary));
      return Future.succeededFuture(); // queued; it goes out at the end of this turn
    } catch (EncodeException e) {
      return Future.failedFuture(
          new IllegalArgumentException("body cannot be written as JSON: " + e.getMessage(), e));
    }
  }

  /** A reply to {@code replyAddress}; a body that cannot be written as JSON fails the future. */
  Future<Void> reply(String replyAddress, Object body, JsonObject headers) {
    return fire(Wire.SEND, replyAddress, body, headers);
  }

  /** Runs {@code action} on the client's context. */
  <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    return client.onContext(action);
  }

  /** A failure reply to {@code replyAddress}. */
  void fail(String replyAddress, int code, String message) {
    write(FrameWriter.failure(replyAddress, code, message));
  }

  void subscription(String type, String address) {
    write(FrameWriter.subscription(type, address));
  }

  /** Round trip to the hub; completes on the pong. */
  Future<Void> ping() {
    Promise<Void> pong = Promise.promise();
    pongWaiters.add(pong);
    write(FrameWriter.ping());
    return pong.future();
  }

  private void write(Buffer frame) {
    if (ended) {
      return;
    }
    String refused = outbox.offer(frame);
    if (refused != null) {
      log.warn("dropping the connection to {}: {}", hub, refused);
      socket.close();
    }
  }

  /** Closes the socket; {@link Owner#onLost} follows. */
  void close() {
    socket.close();
  }

  /** A delivery that expects an answer was handed to a consumer ({@code +1}) or answered. */
  void outstanding(int delta) {
    outstanding += delta;
  }

  /**
   * Closes once no request has waited for a reply and no delivery for an answer for two looks in a
   * row (50 ms apart: a call routed here just before the hub dropped the route still lands), or
   * after {@code maxMs}.
   */
  void closeWhenIdle(long maxMs) {
    long deadline = System.nanoTime() + maxMs * 1_000_000;
    int[] quiet = {0};
    client
        .vertx()
        .setPeriodic(
            50,
            t -> {
              quiet[0] =
                  pending.isEmpty() && gate.held() == 0 && outstanding <= 0 ? quiet[0] + 1 : 0;
              if (ended || quiet[0] >= 2 || System.nanoTime() > deadline) {
                client.vertx().cancelTimer(t);
                close();
              }
            });
  }

  // ---- in ----

  private void onServerFrame(Buffer payload) {
    Frame frame;
    try {
      frame = Frame.read(payload, binary);
    } catch (FrameException e) {
      log.warn("ignoring a frame from the hub: {}", LogSafe.text(e.getMessage()));
      return;
    }
    String address = frame.address();
    switch (frame.type()) {
      case PONG -> {
        Promise<Void> waiter = pongWaiters.poll();
        if (waiter != null) {
          waiter.tryComplete();
        }
      }
      case MESSAGE -> {
        if (address == null) {
          log.warn("ignoring a message without address");
          return;
        }
        if (address.equals(Wire.HUB_GOAWAY) && frame.replyAddress() == null) {
          Object body = frame.body();
          owner.onGoaway(
              this,
              body instanceof JsonObject
                  ? ((JsonObject) body).getString(Wire.GOAWAY_REASON)
                  : "moving");
          return;
        }
        BridgeMessage message =
            new BridgeMessage(
                this, address, frame.replyAddress(), frame.headers(), frame, frame.isSend());
        Pending p = pending.remove(address);
        if (p != null) {
          gate.done();
          p.promise().tryComplete(message);
        } else {
          owner.onMessage(this, message);
        }
      }
      case ERR -> {
        Pending p = address == null ? null : pending.remove(address);
        if (p != null) {
          gate.done();
          p.promise().tryFail(HubErrors.toException(frame));
        } else {
          owner.onErr(this, address, frame);
        }
      }
      default -> log.warn("ignoring a frame of type {} from the hub", frame.type().wireName());
    }
  }

  private void sweepOverdue() {
    pending.expire(
        System.nanoTime(),
        false,
        (id, p) -> {
          gate.done();
          p.promise()
              .tryFail(
                  new ReplyException(
                      ReplyFailure.TIMEOUT,
                      -1,
                      "Timed out after waiting "
                          + p.timeoutMs()
                          + "(ms) for a reply. address: "
                          + p.address()));
        });
    if (!pending.isEmpty() && !ended) {
      overdue.waitsUntil(pending.earliestDeadline());
    }
  }

  /** The connection ended: everything waiting on it fails now, and the client hears once. */
  private void end(String reason) {
    if (ended) {
      return;
    }
    ended = true;
    client.vertx().cancelTimer(keepalive);
    overdue.cancel();
    outbox.close();
    failAll(FailureCode.UNAVAILABLE.exception(reason));
    owner.onLost(this, reason);
  }

  /** Fails every request and ping waiting on this connection with {@code cause}. */
  void failAll(ReplyException cause) {
    pending.drain((id, p) -> p.promise().tryFail(cause));
    gate.failAll(cause);
    List<Promise<Void>> waiters = new ArrayList<>(pongWaiters);
    pongWaiters.clear();
    for (Promise<Void> w : waiters) {
      w.tryFail(cause);
    }
  }
}
