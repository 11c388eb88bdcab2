package io.dialback.client;

import io.dialback.conf.HubAddress;
import io.dialback.link.ByteSocket;
import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Frame;
import io.dialback.wire.Wire;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java client of the TCP event-bus bridge protocol, as a dialback hub speaks it (and, apart from
 * the login, the stock Vert.x bridge): a {@link Link} per connection (pings, drops a silent one), a
 * {@link Reconnector} (failover along the hub list, backoff with jitter), a {@link Mover} (to
 * another hub when its hub stops), the {@link Consumers} registered again after every login;
 * requests in flight on a dropped connection fail at once with {@code 503}. State lives on one
 * Vert.x context; the methods may be called from any thread.
 */
public final class BridgeClient {
  private static final Logger log = LoggerFactory.getLogger(BridgeClient.class);

  /** How long {@link #close()} waits for the socket to close before it stops waiting. */
  private static final long CLOSE_GRACE_MS = 2_000;

  private final Vertx vertx;
  private final Context context;
  private final ClientOptions options;
  private final Dialer dialer;
  private final Reconnector reconnector;
  private final Mover mover;
  private final Consumers consumers;
  private final Promise<LoginReply> firstLogin = Promise.promise();

  private volatile ClientState state = ClientState.NEW;
  private Promise<Void> closed;
  private LoginReply login;
  private Handler<ClientState> stateHandler;
  private Handler<JsonObject> errorHandler;
  private final HubReason hubReason = new HubReason();

  /** The current connection (maybe still logging in), or null between connections. */
  private Link link;

  private BridgeClient(Vertx vertx, ClientOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.dialer =
        options.dialer() != null
            ? options.dialer()
            : new HubDialer(vertx, options.net(), options.proxy());
    this.reconnector = new Reconnector(vertx, context, options, dialer, this::opened, this::giveUp);
    this.consumers = new Consumers(this::unregister);
    this.mover = new Mover(this, reconnector, options, consumers);
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
            reconnector.dial();
          }
          return firstLogin.future();
        });
  }

  /** The Vert.x instance this client runs on. */
  public Vertx vertx() {
    return vertx;
  }

  /** The context all of this client's work runs on (callers on it skip a thread hop). */
  public Context context() {
    return context;
  }

  /** Whether the current connection carries binary data as raw bytes (binary extension). */
  public boolean binary() {
    Link current = link;
    return current != null && current.binary();
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
   * hub's: 403 denied, 429 busy, 503 unavailable...); {@code 429} also when the hub does not take
   * what this client sends fast enough.
   */
  public Future<BridgeMessage> request(
      String address, Object body, Duration timeout, JsonObject headers) {
    Objects.requireNonNull(address, "address == null");
    Objects.requireNonNull(timeout, "timeout == null");
    return onContext(
        () ->
            state != ClientState.CONNECTED
                ? Future.failedFuture(notConnected())
                : link.request(address, body, timeout, headers));
  }

  /** Sends one message to one consumer, expecting no reply. */
  public Future<Void> send(String address, Object body) {
    return fire(Wire.SEND, address, body);
  }

  /** Sends one message to every consumer of {@code address}. */
  public Future<Void> publish(String address, Object body) {
    return fire(Wire.PUBLISH, address, body);
  }

  private Future<Void> fire(String type, String address, Object body) {
    Objects.requireNonNull(address, "address == null");
    return onContext(
        () ->
            state != ClientState.CONNECTED
                ? Future.failedFuture(notConnected())
                : link.fire(type, address, body, null));
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
          Consumers.Entry consumer = consumers.add(address, handler);
          if (consumer == null) {
            return Future.failedFuture(new IllegalStateException("already consuming " + address));
          }
          if (state == ClientState.CONNECTED) {
            consumers.register(link, List.of(consumer));
          }
          return consumer.registered.future();
        });
  }

  /** Round trip to the hub; completes on the pong. */
  public Future<Void> ping() {
    return onContext(
        () -> state != ClientState.CONNECTED ? Future.failedFuture(notConnected()) : link.ping());
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
          reconnector.stop();
          ReplyException gone = FailureCode.UNAVAILABLE.exception("client closed");
          if (link == null) {
            finishClose(gone);
          } else {
            link.close(); // onLost finishes the close; a socket whose hub stopped reading may not
            vertx.setTimer(CLOSE_GRACE_MS, t -> giveUp(gone)); // close by itself: stop waiting
          }
          return closed.future();
        });
  }

  // ---- connections ----

  private void opened(ByteSocket socket, HubAddress hub) {
    if (state == ClientState.CLOSING || state == ClientState.CLOSED) {
      socket.close();
      return;
    }
    Link next = newLink(socket, hub);
    link = next;
    Handshake.run(next, options, consumers)
        .onComplete(
            ar -> {
              if (next != link) {
                return;
              }
              if (ar.succeeded()) {
                connected(next, ar.result());
              } else {
                loginFailed(next, ar.cause());
              }
            });
  }

  /** A connection of this client on {@code socket}, started (not logged in yet). */
  Link newLink(ByteSocket socket, HubAddress hub) {
    Link next = new Link(this, new Owner(), socket, hub, options);
    next.start();
    return next;
  }

  private void connected(Link current, LoginReply reply) {
    login = reply;
    reconnector.succeeded();
    if (state != ClientState.CONNECTING) {
      return;
    }
    log.info(
        "connected to {} as {} ({})", current.hub(), LogSafe.text(login.identity()), login.role());
    setState(ClientState.CONNECTED);
    firstLogin.tryComplete(login);
  }

  /**
   * A move ({@link Mover}) arrived: {@code next} replaces {@code old} for new calls. False when
   * {@code old} is no longer the client's connection.
   */
  boolean swap(Link old, Link next, LoginReply reply) {
    if (link != old || state != ClientState.CONNECTED) {
      return false;
    }
    link = next;
    login = reply;
    return true;
  }

  private void loginFailed(Link current, Throwable cause) {
    ReplyException refusal = Handshake.refusal(cause);
    if (refusal != null) {
      log.warn("hub {} refused the login: {}", current.hub(), LogSafe.text(cause.getMessage()));
      reconnector.stop();
      giveUp(refusal);
      return;
    }
    log.warn("login at {} failed: {}", current.hub(), LogSafe.text(cause.getMessage()));
    hubReason.refused(cause);
    current.close(); // onLost schedules the retry
  }

  /** What a {@link Link} tells this client. */
  private final class Owner implements Link.Owner {
    @Override
    public void onMessage(Link from, BridgeMessage message) {
      consumers.dispatch(message);
    }

    @Override
    public void onErr(Link from, String address, Frame frame) {
      if (consumers.refused(address, frame)) {
        return;
      }
      if (state != ClientState.CONNECTED) {
        hubReason.err(frame);
      }
      if (errorHandler != null) {
        errorHandler.handle(HubErrors.errJson(address, frame));
      } else {
        log.warn("error from the hub: {}", LogSafe.text(frame.message()));
      }
    }

    @Override
    public void onGoaway(Link from, String reason) {
      if (from == link && state == ClientState.CONNECTED) {
        mover.move(from, reason);
      }
    }

    @Override
    public void onLost(Link lost, String reason) {
      if (lost != link) {
        return;
      }
      link = null;
      if (state == ClientState.CLOSING || state == ClientState.CLOSED) {
        finishClose(FailureCode.UNAVAILABLE.exception("client closed"));
        return;
      }
      boolean wasConnected = state == ClientState.CONNECTED;
      setState(ClientState.CONNECTING);
      if (wasConnected) {
        reconnector.lostConnected(reason); // consumers stay: registered again after the login
      } else {
        reconnector.failed(reason);
      }
    }
  }

  private Future<Void> unregister(Consumers.Entry e) {
    return onContext(() -> consumers.unregister(e, state == ClientState.CONNECTED ? link : null));
  }

  private void giveUp(ReplyException failure) {
    if (state == ClientState.CLOSED) {
      return;
    }
    ReplyException cause = hubReason.explain(failure);
    setState(ClientState.CLOSING);
    Link current = link;
    link = null;
    if (current != null) {
      current.close();
      current.failAll(cause);
    }
    finishClose(cause);
  }

  /** Ends in {@code CLOSED}, then fails everything still waiting with {@code cause}. */
  private void finishClose(ReplyException cause) {
    if (state == ClientState.CLOSED) {
      return;
    }
    reconnector.stop();
    setState(ClientState.CLOSED);
    firstLogin.tryFail(cause);
    consumers.failAll(cause);
    dialer.close();
    if (closed != null) {
      closed.tryComplete();
    }
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

  private ReplyException notConnected() {
    return FailureCode.UNAVAILABLE.exception("not connected to a hub (client is " + state + ")");
  }

  <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
