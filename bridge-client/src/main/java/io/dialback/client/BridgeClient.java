package io.dialback.client;

import io.dialback.logging.LogSafe;
import io.dialback.wire.Envelope;
import io.dialback.wire.FailureCode;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameParser;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.Frames;
import io.dialback.wire.Wire;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java client of the TCP event-bus bridge protocol, as spoken by a dialback hub (and, apart from
 * the login, by the stock Vert.x bridge).
 *
 * <p>It dials the first hub, logs in, and from then on keeps the connection alive: it pings, drops
 * a connection that goes silent, fails over along its list of hubs with capped exponential backoff
 * and jitter, logs in again and re-registers its consumers. Requests in flight when a connection
 * drops fail at once with {@code 503 unavailable} rather than waiting out their timeout.
 *
 * <p>All state lives on one Vert.x context (the caller's, or a new event loop); the methods may be
 * called from any thread.
 */
public final class BridgeClient {
  private static final Logger log = LoggerFactory.getLogger(BridgeClient.class);

  /** Frames are gathered into one write up to this many bytes; larger ones go alone. */
  private static final int BATCH_LIMIT = 64 * 1024;

  /** Extra time the client waits beyond a request's timeout for the hub's own TIMEOUT answer. */
  private static final long TIMEOUT_GRACE_MS = 1_000;

  private final Vertx vertx;
  private final Context context;
  private final ClientOptions options;
  private final NetClient netClient;

  private volatile ClientState state = ClientState.NEW;
  private Promise<LoginReply> firstLogin = Promise.promise();
  private Promise<Void> closed;
  private LoginReply login;
  private Handler<ClientState> stateHandler;
  private Handler<JsonObject> errorHandler;

  // The current connection; `connection` counts connections so that late events of an old one
  // are recognised and ignored.
  private NetSocket socket;
  private long connection;
  private long lastHeardNanos;
  private long keepaliveTimer = -1;
  private long reconnectTimer = -1;
  private int attempt;
  private int hubIndex;
  private long nextReplyId;
  private Buffer outgoing;
  private long sweepTimer = -1;

  /** Whether the current connection's hub granted binary-extension frames. */
  private boolean binary;

  private final Map<String, Pending> pending = new HashMap<>();
  private final ArrayDeque<Promise<Void>> pongWaiters = new ArrayDeque<>();
  private final Map<String, Consumer> consumers = new LinkedHashMap<>();

  private record Pending(
      Promise<BridgeMessage> promise, long deadlineNanos, long timeoutMs, String address) {}

  private final class Consumer implements Registration {
    final String address;
    final Handler<BridgeMessage> handler;
    Promise<Registration> registered = Promise.promise();

    Consumer(String address, Handler<BridgeMessage> handler) {
      this.address = address;
      this.handler = handler;
    }

    @Override
    public String address() {
      return address;
    }

    @Override
    public Future<Void> unregister() {
      return onContext(() -> removeConsumer(this));
    }
  }

  private BridgeClient(Vertx vertx, ClientOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    NetClientOptions net = options.net();
    if (net.isSsl() && net.getHostnameVerificationAlgorithm() == null) {
      // Verify the hub's certificate against its host name unless told otherwise ("" disables).
      net.setHostnameVerificationAlgorithm("HTTPS");
    }
    this.netClient = vertx.createNetClient(net);
  }

  /** A client bound to the calling context (or a new event loop); call {@link #connect()}. */
  public static BridgeClient create(Vertx vertx, ClientOptions options) {
    Objects.requireNonNull(vertx, "vertx == null");
    Objects.requireNonNull(options, "options == null");
    return new BridgeClient(vertx, options);
  }

  /**
   * Starts connecting; the future completes at the first successful login (with consumers
   * registered), or fails when the hub refuses the credentials or the attempts run out.
   */
  public Future<LoginReply> connect() {
    return onContext(
        () -> {
          if (state == ClientState.NEW) {
            setState(ClientState.CONNECTING);
            dial();
          }
          return firstLogin.future();
        });
  }

  /** The context all of this client's work runs on (callers on it skip a thread hop). */
  public Vertx vertx() {
    return vertx;
  }

  public Context context() {
    return context;
  }

  /** Whether the current connection carries binary data as raw bytes (binary extension). */
  public boolean binary() {
    return binary;
  }

  /** The state right now (read from any thread; may be stale by the time it is used). */
  public ClientState state() {
    return state;
  }

  /** The last successful login, or {@code null}. */
  public LoginReply login() {
    return login;
  }

  /** Called on every state change, on the client's context. */
  public BridgeClient stateHandler(Handler<ClientState> handler) {
    this.stateHandler = handler;
    return this;
  }

  /** Called for {@code err} frames that answer no request of ours (e.g. a refused publish). */
  public BridgeClient errorHandler(Handler<JsonObject> handler) {
    this.errorHandler = handler;
    return this;
  }

  // ---- calls ----

  /** Sends a request and waits for one reply, with the default timeout. */
  public Future<BridgeMessage> request(String address, Object body) {
    return request(address, body, options.requestTimeout(), null);
  }

  /**
   * Sends a request and waits for one reply. Failures are {@link ReplyException}s: {@code
   * NO_HANDLERS}, {@code TIMEOUT}, or {@code RECIPIENT_FAILURE} with the replier's code (or the
   * hub's: 403 denied, 429 busy, 503 unavailable...).
   */
  public Future<BridgeMessage> request(
      String address, Object body, Duration timeout, JsonObject headers) {
    Objects.requireNonNull(address, "address == null");
    Objects.requireNonNull(timeout, "timeout == null");
    return onContext(
        () -> {
          if (state != ClientState.CONNECTED) {
            return Future.failedFuture(notConnected());
          }
          return requestOnConnection(address, body, timeout, headers);
        });
  }

  /** Sends one message to one consumer, expecting no reply. */
  public Future<Void> send(String address, Object body) {
    return fireAndForget(Wire.SEND, address, body);
  }

  /** Sends one message to every consumer of {@code address}. */
  public Future<Void> publish(String address, Object body) {
    return fireAndForget(Wire.PUBLISH, address, body);
  }

  /**
   * Registers a consumer of {@code address}. The future completes once the hub has it in place (the
   * client follows the register frame with a ping and waits for the pong); the consumer is
   * registered again after every reconnect until {@link Registration#unregister()}.
   */
  public Future<Registration> consumer(String address, Handler<BridgeMessage> handler) {
    Objects.requireNonNull(address, "address == null");
    Objects.requireNonNull(handler, "handler == null");
    return onContext(
        () -> {
          if (state == ClientState.CLOSING || state == ClientState.CLOSED) {
            return Future.failedFuture(new IllegalStateException("client is " + state));
          }
          if (consumers.containsKey(address)) {
            return Future.failedFuture(new IllegalStateException("already consuming " + address));
          }
          Consumer consumer = new Consumer(address, handler);
          consumers.put(address, consumer);
          if (state == ClientState.CONNECTED) {
            registerOnConnection(List.of(consumer));
          }
          return consumer.registered.future();
        });
  }

  /** Round trip to the hub; completes on the pong. */
  public Future<Void> ping() {
    return onContext(
        () -> {
          if (state != ClientState.CONNECTED) {
            return Future.failedFuture(notConnected());
          }
          return pingOnConnection();
        });
  }

  /** Closes the connection for good; pending requests fail. */
  public Future<Void> close() {
    return onContext(
        () -> {
          if (closed != null) {
            return closed.future();
          }
          closed = Promise.promise();
          setState(ClientState.CLOSING);
          vertx.cancelTimer(reconnectTimer);
          if (socket != null) {
            socket.close();
          } else {
            finishClose();
          }
          return closed.future();
        });
  }

  // ---- replies to deliveries (via BridgeMessage) ----

  Future<Void> replyTo(BridgeMessage message, long on, Object body, JsonObject headers) {
    return answer(
        message, on, () -> encodeSend(Wire.SEND, message.replyAddress(), null, headers, body));
  }

  Future<Void> failTo(BridgeMessage message, long on, int code, String text) {
    return answer(
        message, on, () -> Frames.encode(Frames.failure(message.replyAddress(), code, text)));
  }

  private Future<Void> answer(BridgeMessage message, long on, Supplier<Buffer> frame) {
    if (message.replyAddress() == null) {
      return Future.failedFuture(
          new IllegalStateException("message on " + message.address() + " expects no reply"));
    }
    return onContext(
        () -> {
          if (on != connection || socket == null) {
            return Future.failedFuture(
                new IllegalStateException(
                    "the connection that delivered the message is gone; the caller was told"));
          }
          return sendEncoded(frame);
        });
  }

  // ---- connection lifecycle ----

  private void dial() {
    List<HostAndPort> hubs = options.hubs();
    HostAndPort hub = hubs.get(hubIndex % hubs.size());
    log.debug("dialling {}", hub);
    netClient
        .connect(hub.port(), hub.host())
        .onComplete(
            ar -> {
              if (state == ClientState.CLOSING || state == ClientState.CLOSED) {
                if (ar.succeeded()) {
                  ar.result().close();
                }
                finishClose();
                return;
              }
              if (ar.failed()) {
                retry("cannot reach " + hub + ": " + ar.cause().getMessage());
              } else {
                opened(ar.result(), hub);
              }
            });
  }

  private void opened(NetSocket s, HostAndPort hub) {
    long id = ++connection;
    socket = s;
    lastHeardNanos = System.nanoTime();
    FrameParser parser =
        new FrameParser(
            options.maxFrameBytes(),
            new FrameParser.Listener() {
              @Override
              public void onFrame(Buffer payload) {
                if (id == connection) {
                  lastHeardNanos = System.nanoTime();
                  onServerFrame(id, payload);
                }
              }

              @Override
              public void onOversize(long declaredLength, int maxFrameBytes) {
                log.warn(
                    "hub {} announced a frame of {} bytes (limit {}); dropping the connection",
                    hub,
                    declaredLength,
                    maxFrameBytes);
                s.close();
              }
            });
    s.handler(parser);
    s.exceptionHandler(e -> log.debug("connection to {}: {}", hub, e.toString()));
    s.closeHandler(v -> lost(id, "connection to " + hub + " closed"));
    // The watchdog covers the handshake too: a hub that goes quiet mid-login is dropped.
    startKeepalive(id);
    JsonObject body = new JsonObject();
    if (options.token() != null && !options.token().isEmpty()) {
      body.put(Wire.LOGIN_TOKEN, options.token());
    }
    if (options.name() != null) {
      body.put(Wire.LOGIN_NAME, options.name());
    }
    if (!options.meta().isEmpty()) {
      body.put(Wire.LOGIN_META, options.meta());
    }
    if (options.binary()) {
      body.put(Wire.LOGIN_BINARY, true);
    }
    binary = false; // until this connection's hub says otherwise
    requestOnConnection(Wire.HUB_LOGIN, body, options.requestTimeout(), null)
        .onComplete(
            ar -> {
              if (id != connection) {
                return;
              }
              if (ar.succeeded()) {
                loggedIn(ar.result().bodyAsJsonObject(), hub);
              } else {
                loginFailed(ar.cause(), hub);
              }
            });
  }

  private void loggedIn(JsonObject reply, HostAndPort hub) {
    binary = Boolean.TRUE.equals(reply.getValue(Wire.LOGIN_BINARY));
    login =
        new LoginReply(
            reply.getString(Wire.LOGIN_IDENTITY),
            reply.getString(Wire.LOGIN_ROLE),
            reply.getString(Wire.LOGIN_HUB));
    attempt = 0;
    long id = connection;
    List<Consumer> all = new ArrayList<>(consumers.values());
    registerOnConnection(all)
        .onComplete(
            ar -> {
              if (ar.failed() || id != connection || state != ClientState.CONNECTING) {
                return;
              }
              log.info(
                  "connected to {} as {} ({})",
                  hub,
                  LogSafe.text(login.identity()),
                  LogSafe.text(login.role()));
              setState(ClientState.CONNECTED);
              firstLogin.tryComplete(login);
            });
  }

  private void loginFailed(Throwable cause, HostAndPort hub) {
    if (cause instanceof ReplyException) {
      int code = ((ReplyException) cause).failureCode();
      if (code == FailureCode.NOT_LOGGED_IN.code()
          || code == FailureCode.DENIED.code()
          || code == FailureCode.BAD_REQUEST.code()) {
        // Retrying the same credentials cannot help.
        log.warn("hub {} refused the login: {}", hub, LogSafe.text(cause.getMessage(), 500));
        giveUp(cause);
        return;
      }
    }
    log.warn("login at {} failed: {}", hub, LogSafe.text(cause.getMessage(), 500));
    if (socket != null) {
      socket.close(); // lost() schedules the retry
    }
  }

  /** The current connection ended: fail what waited on it, then reconnect unless closing. */
  private void lost(long id, String reason) {
    if (id != connection || socket == null) {
      return;
    }
    socket = null;
    outgoing = null; // frames for the lost connection do not go to the next one
    vertx.cancelTimer(keepaliveTimer);
    ReplyException gone = FailureCode.UNAVAILABLE.exception(reason);
    failPending(gone); // Consumers stay: they are registered again after the next login.
    if (state == ClientState.CLOSING || state == ClientState.CLOSED) {
      finishClose();
      return;
    }
    boolean wasConnected = state == ClientState.CONNECTED;
    setState(ClientState.CONNECTING);
    if (wasConnected) {
      log.warn("{}; reconnecting", reason);
      attempt = 0;
      hubIndex++;
      schedule(options.backoff().delayMs(0));
    } else {
      retry(reason);
    }
  }

  private void retry(String reason) {
    attempt++;
    int max = options.maxConnectAttempts();
    if (max != -1 && attempt >= max) {
      giveUp(
          FailureCode.UNAVAILABLE.exception(reason + " (gave up after " + attempt + " attempts)"));
      return;
    }
    int hubs = options.hubs().size();
    hubIndex++;
    // Within a round over the hub list, move on at once; between rounds, back off.
    long delay = attempt % hubs != 0 ? 0 : options.backoff().delayMs(attempt / hubs);
    log.info("{}; next attempt in {} ms", reason, delay);
    schedule(delay);
  }

  private void schedule(long delayMs) {
    if (delayMs <= 0) {
      context.runOnContext(v -> dialIfStillConnecting());
    } else {
      reconnectTimer = vertx.setTimer(delayMs, t -> dialIfStillConnecting());
    }
  }

  private void dialIfStillConnecting() {
    if (state == ClientState.CONNECTING && socket == null) {
      dial();
    } else if (state == ClientState.CLOSING) {
      finishClose();
    }
  }

  private void giveUp(Throwable cause) {
    setState(ClientState.CLOSING);
    NetSocket s = socket;
    socket = null;
    if (s != null) {
      s.close();
    }
    finishClose(cause);
  }

  private void finishClose() {
    finishClose(FailureCode.UNAVAILABLE.exception("client closed"));
  }

  /** Ends in {@code CLOSED}, then fails everything still waiting with {@code cause}. */
  private void finishClose(Throwable cause) {
    if (state == ClientState.CLOSED) {
      return;
    }
    vertx.cancelTimer(keepaliveTimer);
    vertx.cancelTimer(reconnectTimer);
    vertx.cancelTimer(sweepTimer);
    setState(ClientState.CLOSED);
    failPending(
        cause instanceof ReplyException
            ? (ReplyException) cause
            : FailureCode.UNAVAILABLE.exception(cause.getMessage()));
    firstLogin.tryFail(cause);
    for (Consumer c : consumers.values()) {
      c.registered.tryFail(cause);
    }
    netClient.close();
    if (closed != null) {
      closed.tryComplete();
    }
  }

  private void startKeepalive(long id) {
    long interval = options.pingInterval().toMillis();
    long timeoutNanos = options.pingTimeout().toNanos();
    keepaliveTimer =
        vertx.setPeriodic(
            interval,
            t -> {
              if (id != connection || socket == null) {
                vertx.cancelTimer(t);
                return;
              }
              if (System.nanoTime() - lastHeardNanos > timeoutNanos) {
                log.warn(
                    "nothing from the hub for {} ms; dropping the connection",
                    options.pingTimeout().toMillis());
                socket.close();
                return;
              }
              pongWaiters.add(Promise.promise()); // nobody waits on keepalive pongs
              send(Frames.ping());
            });
  }

  private void setState(ClientState next) {
    if (state == next) {
      return;
    }
    state = next;
    if (stateHandler != null) {
      try {
        stateHandler.handle(next);
      } catch (RuntimeException e) {
        log.warn("state handler failed", e);
      }
    }
  }

  // ---- frames in ----

  private void onServerFrame(long id, Buffer payload) {
    Envelope frame;
    try {
      frame = Envelope.read(payload, binary);
    } catch (FrameException e) {
      log.warn("ignoring a frame from the hub: {}", LogSafe.text(e.getMessage()));
      return;
    }
    String type = frame.type() instanceof String ? (String) frame.type() : "";
    Object rawAddress = frame.address();
    String address = rawAddress instanceof String ? (String) rawAddress : null;
    switch (type) {
      case Wire.PONG:
        Promise<Void> waiter = pongWaiters.poll();
        if (waiter != null) {
          waiter.tryComplete();
        }
        break;
      case Wire.MESSAGE:
        onMessage(id, address, frame);
        break;
      case Wire.ERR:
        onErr(address, frame);
        break;
      default:
        log.warn("ignoring a frame of unknown type from the hub: {}", LogSafe.text(type));
    }
  }

  private void onMessage(long id, String address, Envelope frame) {
    if (address == null) {
      log.warn("ignoring a message without address");
      return;
    }
    Object replyAddress = frame.replyAddress();
    Object headers = frame.headers();
    BridgeMessage message =
        new BridgeMessage(
            this,
            id,
            address,
            replyAddress instanceof String ? (String) replyAddress : null,
            headers instanceof JsonObject ? (JsonObject) headers : null,
            frame,
            !Boolean.FALSE.equals(frame.send()));
    Pending p = pending.remove(address);
    if (p != null) {
      p.promise().tryComplete(message);
      return;
    }
    Consumer consumer = consumers.get(address);
    if (consumer == null) {
      log.debug("no consumer for a message on {}", LogSafe.text(address));
      return;
    }
    try {
      consumer.handler.handle(message);
    } catch (RuntimeException e) {
      log.warn("consumer of {} failed", LogSafe.text(address), LogSafe.exception(e));
      if (message.replyAddress() != null) {
        message.fail(FailureCode.INTERNAL.code(), FailureCode.INTERNAL.message(String.valueOf(e)));
      }
    }
  }

  private void onErr(String address, Envelope frame) {
    if (address != null) {
      Pending p = pending.remove(address);
      if (p != null) {
        p.promise().tryFail(toException(frame));
        return;
      }
      Consumer consumer = consumers.get(address);
      if (consumer != null) {
        // The hub refused the registration.
        consumers.remove(address);
        ReplyException e = toException(frame);
        log.warn(
            "hub refused the consumer of {}: {}",
            LogSafe.text(address),
            LogSafe.text(e.getMessage(), 500));
        consumer.registered.tryFail(e);
        return;
      }
    }
    if (errorHandler != null) {
      JsonObject err = new JsonObject().put(Wire.TYPE, Wire.ERR);
      if (address != null) {
        err.put(Wire.ADDRESS, address);
      }
      errorHandler.handle(
          err.put(Wire.FAILURE_CODE, frame.failureCode()).put(Wire.MESSAGE_FIELD, frame.message()));
    } else {
      log.warn("error from the hub: {}", LogSafe.text(frame.message(), 500));
    }
  }

  private static ReplyException toException(Envelope frame) {
    ReplyFailure type = ReplyFailure.RECIPIENT_FAILURE;
    Object rawType = frame.failureType();
    if (rawType instanceof String) {
      try {
        type = ReplyFailure.valueOf((String) rawType);
      } catch (IllegalArgumentException e) {
        // keep RECIPIENT_FAILURE
      }
    }
    Object code = frame.failureCode();
    Object message = frame.message();
    return new ReplyException(
        type,
        code instanceof Number ? ((Number) code).intValue() : -1,
        message == null ? null : String.valueOf(message));
  }

  // ---- frames out ----

  private Future<BridgeMessage> requestOnConnection(
      String address, Object body, Duration timeout, JsonObject headers) {
    String replyAddress = "r." + (++nextReplyId);
    JsonObject h = headers == null ? new JsonObject() : headers.copy();
    h.put(Wire.HEADER_TIMEOUT, timeout.toMillis());
    Buffer encoded;
    try {
      encoded = encodeSend(Wire.SEND, address, replyAddress, h, body);
    } catch (EncodeException e) {
      return Future.failedFuture(
          new IllegalArgumentException("body cannot be written as JSON: " + e.getMessage(), e));
    }
    Promise<BridgeMessage> promise = Promise.promise();
    // No timer per request: one sweep a tenth of a second fails what is overdue.
    long deadline = System.nanoTime() + (timeout.toMillis() + TIMEOUT_GRACE_MS) * 1_000_000;
    pending.put(replyAddress, new Pending(promise, deadline, timeout.toMillis(), address));
    ensureSweep();
    send(encoded);
    return promise.future();
  }

  private Future<Void> fireAndForget(String type, String address, Object body) {
    Objects.requireNonNull(address, "address == null");
    return onContext(
        () -> {
          if (state != ClientState.CONNECTED) {
            return Future.failedFuture(notConnected());
          }
          return sendEncoded(() -> encodeSend(type, address, null, null, body));
        });
  }

  /** Writes register frames, then a ping; completes the consumers' futures on the pong. */
  private Future<Void> registerOnConnection(List<Consumer> toRegister) {
    for (Consumer c : toRegister) {
      send(Frames.encode(Frames.subscription(Wire.REGISTER, c.address)));
    }
    return pingOnConnection()
        .onSuccess(
            v -> {
              for (Consumer c : toRegister) {
                // A refusal arrives as an err before the pong and has removed the consumer.
                if (consumers.get(c.address) == c) {
                  c.registered.tryComplete(c);
                }
              }
            });
  }

  private Future<Void> removeConsumer(Consumer consumer) {
    if (consumers.get(consumer.address) != consumer) {
      return Future.succeededFuture();
    }
    consumers.remove(consumer.address);
    if (state != ClientState.CONNECTED) {
      return Future.succeededFuture();
    }
    send(Frames.encode(Frames.subscription(Wire.UNREGISTER, consumer.address)));
    return pingOnConnection();
  }

  private Future<Void> pingOnConnection() {
    Promise<Void> pong = Promise.promise();
    pongWaiters.add(pong);
    send(Frames.ping());
    return pong.future();
  }

  /** Encodes and queues a frame; a body that cannot be written as JSON fails the future. */
  private Future<Void> sendEncoded(Supplier<Buffer> frame) {
    Buffer encoded;
    try {
      encoded = frame.get();
    } catch (EncodeException e) {
      return Future.failedFuture(
          new IllegalArgumentException("body cannot be written as JSON: " + e.getMessage(), e));
    }
    send(encoded);
    return Future.succeededFuture(); // queued; it goes out at the end of this turn
  }

  /**
   * Queues a frame for the current connection. Frames queued during one turn of the event loop go
   * out in one write (one flush) at its end; a large frame goes on its own.
   */
  private void send(Buffer frame) {
    if (socket == null) {
      return;
    }
    if (frame.length() >= BATCH_LIMIT) {
      flushOutgoing();
      socket.write(frame);
      return;
    }
    if (outgoing == null) {
      outgoing = Buffer.buffer(1024);
      long id = connection;
      context.runOnContext(
          v -> {
            if (id == connection) {
              flushOutgoing();
            }
          });
    }
    outgoing.appendBuffer(frame);
    if (outgoing.length() >= BATCH_LIMIT) {
      flushOutgoing();
    }
  }

  private void flushOutgoing() {
    Buffer batch = outgoing;
    outgoing = null;
    if (batch != null && batch.length() > 0 && socket != null) {
      socket.write(batch);
    }
  }

  /** Starts the timeout sweep (once, on this client's context). */
  private void ensureSweep() {
    if (sweepTimer == -1) {
      sweepTimer = vertx.setPeriodic(100, t -> sweepOverdue());
    }
  }

  private void sweepOverdue() {
    if (pending.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Pending p = it.next().getValue();
      if (now - p.deadlineNanos() > 0) {
        it.remove();
        p.promise()
            .tryFail(
                new ReplyException(
                    ReplyFailure.TIMEOUT,
                    -1,
                    "Timed out after waiting "
                        + p.timeoutMs()
                        + "(ms) for a reply. address: "
                        + p.address()));
      }
    }
  }

  /**
   * A send or publish frame: binary data as a binary-extension frame where the hub granted them.
   */
  private Buffer encodeSend(
      String type, String address, String replyAddress, JsonObject headers, Object body) {
    if (binary && body instanceof Buffer) {
      return Frames.encodeBinary(
          Frames.send(type, address, replyAddress, headers, null), (Buffer) body);
    }
    return FrameWriter.send(type, address, replyAddress, headers, body);
  }

  private void failPending(ReplyException cause) {
    List<Pending> all = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending p : all) {
      p.promise().tryFail(cause);
    }
    List<Promise<Void>> waiters = new ArrayList<>(pongWaiters);
    pongWaiters.clear();
    for (Promise<Void> w : waiters) {
      w.tryFail(cause);
    }
  }

  private ReplyException notConnected() {
    return FailureCode.UNAVAILABLE.exception("not connected to a hub (client is " + state + ")");
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
