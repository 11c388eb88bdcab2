package io.dialback.hub.bridge;

import io.dialback.hub.gate.Login;
import io.dialback.hub.gate.Role;
import io.dialback.hub.registry.AgentRecord;
import io.dialback.link.CloseReason;
import io.dialback.link.Outbox;
import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameParser;
import io.dialback.wire.FrameType;
import io.dialback.wire.Wire;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bridge connection: reads its frames and hands each to the role that owns it — {@link
 * LoginHandshake}, {@link Inbound}, {@link Deliveries}, {@link Refusals} — writes through its
 * {@link Outbox}, and holds the connection's one state machine. It never decides policy itself.
 *
 * <p>Everything runs on the connection's event loop, so no field needs synchronisation. The states
 * are {@code AWAITING_LOGIN → LOGGING_IN → OPEN → CLOSED}, with {@code REFUSED} for a refused login
 * whose answer is held back. Reading pauses while a login is checked (a client may pipeline frames
 * after its login), while the peer does not take its replies, and while the hub has no room for a
 * large frame.
 */
final class BridgeConnection implements FrameParser.Listener {
  private static final Logger log = LoggerFactory.getLogger(BridgeConnection.class);
  private static final AtomicLong IDS = new AtomicLong();
  private static final long CLOSE_GRACE_MS = 2_000;

  enum State {
    AWAITING_LOGIN,
    LOGGING_IN,
    REFUSED,
    OPEN,
    CLOSED
  }

  /** Why reading is paused; reading resumes when none holds. */
  enum Pause {
    LOGIN,
    WRITES,
    MEMORY
  }

  final BridgeContext hub;
  final Limits limits;
  final Peer peer;
  final String id;
  final Context context;
  final LoginHandshake login;
  final Inbound inbound;
  final Deliveries deliveries;
  final Requests requests;
  final Refusals refusals;
  private final FrameParser parser;
  final QueuedBytesMeter meter;
  private final Outbox outbox;
  private final java.util.EnumSet<Pause> pauses = java.util.EnumSet.noneOf(Pause.class);

  private State state = State.AWAITING_LOGIN;
  private Login who;
  private AgentRecord binding;
  private boolean binary;
  private boolean moves;
  private final FrameRoom room;

  /** Whether this is one end of a hub link ({@link HubLinks}), not a peer's connection. */
  final boolean link;

  /** A link whose other hub is stopping: no new calls go on it. */
  private boolean retired;

  BridgeConnection(BridgeContext hub, Subscriptions subscriptions, Peer peer, Context context) {
    this(hub, subscriptions, peer, context, false);
  }

  /** {@code link}: one end of a hub link, started with {@link #startLink}. */
  BridgeConnection(
      BridgeContext hub, Subscriptions subscriptions, Peer peer, Context context, boolean link) {
    this.hub = hub;
    this.link = link;
    this.limits = link ? hub.limits().forLinks() : hub.limits();
    this.peer = peer;
    this.context = context;
    this.id = "c" + IDS.incrementAndGet();
    this.parser = new FrameParser(limits.maxLoginFrameBytes(), this);
    this.meter = new QueuedBytesMeter(hub.queuedWrites(), id);
    this.outbox =
        new Outbox(
            context,
            peer::write,
            limits.maxQueuedWriteBytes(),
            meter,
            new Outbox.Pressure() {
              @Override
              public void high() {
                // Stop taking requests from a peer that does not take replies; but two hubs that
                // each stopped reading the other's link would wait on each other for ever.
                if (!link) {
                  pause(Pause.WRITES);
                }
              }

              @Override
              public void low() {
                resume(Pause.WRITES);
              }
            });
    this.refusals = new Refusals(this);
    this.deliveries = new Deliveries(this);
    this.requests = new Requests(this);
    this.inbound = new Inbound(this, subscriptions);
    this.login = new LoginHandshake(this);
    this.room = new FrameRoom(this);
  }

  void start() {
    listen();
    login.start();
  }

  /**
   * Opens this end of a hub link ({@link HubLinks}; on {@code context}'s event loop): open at once,
   * without a login, speaking binary frames; {@code name} is who it is in logs.
   */
  BridgeConnection startLink(String name) {
    listen();
    if (hub.draining()) {
      GoAway.tell(this); // a link opened while this hub stops: the other hub sends no calls on it
    }
    open(new Login(name, Role.CLIENT, null, new JsonObject(), null), null, true, false);
    log.info("[{}] open", this);
    return this;
  }

  private void listen() {
    hub.opened(this);
    peer.handler(parser);
    peer.closeHandler(v -> closed(CloseReason.PEER_CLOSED));
    peer.exceptionHandler(
        e -> {
          log.debug("[{}] socket error: {}", this, e.toString());
          peer.close();
        });
  }

  /** Whether new calls may go on this link: open, and its other hub is not stopping. */
  boolean linkUsable() {
    return link && state == State.OPEN && !retired;
  }

  /** The other hub of this link is stopping: answers still come, calls go elsewhere. */
  void retire() {
    retired = true;
  }

  /** Whether the other hub of this link said it stops. */
  boolean linkRetired() {
    return retired;
  }

  // ---- frames in ----

  @Override
  public void onFrame(Buffer payload) {
    if (state == State.CLOSED) {
      return;
    }
    try {
      dispatch(payload);
    } catch (RuntimeException e) {
      // A defect of ours must cost one frame, never the connection's place in the stream.
      log.warn("[{}] failed to handle a frame", this, e);
      refusals.frame(
          new FrameException(FailureCode.INTERNAL, "the hub failed to handle this frame"));
    } finally {
      room.release();
    }
  }

  private void dispatch(Buffer payload) {
    Frame frame;
    try {
      frame = Frame.read(payload, binary);
    } catch (FrameException e) {
      refusals.frame(Refusals.withUsableReply(e, limits.maxAddressChars()));
      return;
    }
    FrameType type = frame.type();
    if (type == FrameType.PING) {
      inbound.ping();
    } else if (link) {
      inbound.onLinkFrame(frame);
    } else if (!type.addressed()) {
      refusals.frame(
          new FrameException(
              FailureCode.BAD_REQUEST,
              "unknown type \""
                  + type.wireName()
                  + "\"; expected send, publish, register, unregister or ping",
              usableReply(frame.replyAddress())));
    } else if (state == State.OPEN) {
      inbound.onAddressed(frame);
    } else if (state == State.AWAITING_LOGIN
        && type == FrameType.SEND
        && Wire.HUB_LOGIN.equals(frame.address())) {
      login.onLogin(frame);
    } else {
      refusals.close(
          CloseReason.NOT_LOGGED_IN,
          FailureCode.NOT_LOGGED_IN,
          "the first frame must be a send to " + Wire.HUB_LOGIN,
          usableReply(frame.replyAddress()));
    }
  }

  @Override
  public void onOversize(long declaredLength, int maxFrameBytes) {
    refusals.close(
        CloseReason.MAX_FRAME_EXCEEDED,
        FailureCode.TOO_LARGE,
        "declared frame length " + declaredLength + " is outside 0.." + maxFrameBytes,
        null);
  }

  /** A large frame begins: read it only when there is room ({@link FrameRoom}). */
  @Override
  public boolean admit(int length) {
    return state == State.CLOSED || room.admit(length);
  }

  // ---- frames out ----

  /** Queues a frame for the peer; a peer that does not read is cut off. */
  void write(Buffer frame) {
    if (state == State.CLOSED) {
      return;
    }
    String refused = outbox.offer(frame);
    if (refused != null) {
      cutOff(
          refused.startsWith("more than") ? CloseReason.SLOW_CONSUMER : CloseReason.MEMORY_PRESSURE,
          refused);
    }
  }

  private void cutOff(CloseReason reason, String detail) {
    log.warn("[{}] cut off ({}): {}", this, reason.label(), detail);
    Audit.closed(identity(), peer.remote(), reason, "cut off: " + detail);
    peer.close();
    closed(reason);
  }

  /** Sends a last frame, then closes once it is out (or after a grace period, if it never is). */
  void closeAfter(Buffer lastFrame, CloseReason reason) {
    if (state == State.CLOSED) {
      return;
    }
    parser.stop();
    outbox.flush();
    Future<Void> written = peer.write(lastFrame);
    closed(reason);
    long grace = hub.vertx().setTimer(CLOSE_GRACE_MS, t -> peer.close());
    written.onComplete(
        ar -> {
          hub.vertx().cancelTimer(grace);
          peer.close();
        });
  }

  /** The end, whatever caused it: every role lets go of what it holds. */
  void closed(CloseReason reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    hub.closed(this, reason);
    parser.stop();
    room.release();
    outbox.close();
    login.close();
    inbound.close();
    deliveries.close();
    requests.close();
    if (binding != null) {
      hub.registry().unbind(binding);
    }
    log.info("[{}] closed ({})", this, reason.label());
  }

  // ---- state ----

  /** The login succeeded: from now on frames are addressed ones, counted against {@code who}. */
  void open(Login who, AgentRecord binding, boolean binary, boolean moves) {
    outbox.flush(); // what was written before login counts against the connection itself
    this.who = who;
    this.binding = binding;
    this.binary = binary;
    this.moves = moves;
    meter.rekey(who.identity());
    state = State.OPEN;
    parser.setMaxFrameBytes(limits.maxFrameBytes());
  }

  /** Runs {@code action} on this connection's event loop: now if already there, else soon. */
  void onLoop(Runnable action) {
    if (io.vertx.core.Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /**
   * Whether the peer said at login that it moves to another hub when told ({@link
   * Wire#LOGIN_MOVES}) and has not left yet: a stopping hub waits for it to go.
   */
  boolean willMove() {
    return moves && state == State.OPEN;
  }

  /** The agent name this connection bound, or null. */
  AgentRecord binding() {
    return binding;
  }

  /** The binding belongs to another connection now (a healed split): never release it. */
  void forgetBinding() {
    binding = null;
  }

  State state() {
    return state;
  }

  void state(State next) {
    state = next;
  }

  Login who() {
    return who;
  }

  /** Whether the peer negotiated binary-extension frames. */
  boolean binary() {
    return binary;
  }

  void pause(Pause reason) {
    if (pauses.add(reason) && pauses.size() == 1 && state != State.CLOSED) {
      peer.pause();
      parser.pause();
    }
  }

  void resume(Pause reason) {
    if (pauses.remove(reason) && pauses.isEmpty() && state != State.CLOSED) {
      peer.resume();
      parser.resume();
    }
  }

  /** Stops reading for good (a refused login's answer is on its way). */
  void stopReading() {
    parser.stop();
  }

  /** Who this is in logs and audit: the identity once logged in, the connection id before. */
  String identity() {
    return who == null ? id : who.identity();
  }

  /** Whom this connection's memory counts against: its identity, or itself before login. */
  String accountKey() {
    return who == null ? id : who.identity();
  }

  /** {@code address} if the hub may write a frame to it (a peer's reply address), else null. */
  String usableReply(String address) {
    return Refusals.usableReply(address, limits.maxAddressChars());
  }

  @Override
  public String toString() {
    String remote = peer.remote();
    return who == null ? id + " " + remote : id + " " + LogSafe.text(who.identity()) + "@" + remote;
  }
}
