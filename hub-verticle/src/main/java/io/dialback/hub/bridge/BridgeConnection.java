package io.dialback.hub.bridge;

import io.dialback.hub.gate.AddressPolicy;
import io.dialback.hub.gate.Login;
import io.dialback.hub.registry.AgentRecord;
import io.dialback.logging.LogSafe;
import io.dialback.wire.Envelope;
import io.dialback.wire.FailureCode;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameParser;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.Frames;
import io.dialback.wire.Headers;
import io.dialback.wire.RawJson;
import io.dialback.wire.Wire;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bridge connection: parses its frames, enforces login and the address policy, forwards to and
 * from the event bus, and cleans up after itself.
 *
 * <p>Everything here runs on the connection's event loop, so no field needs synchronisation. The
 * state machine is {@code AWAITING_LOGIN → LOGGING_IN → OPEN → CLOSED}; frames are not read while a
 * login is being checked, so a client may pipeline frames after its login frame.
 */
final class BridgeConnection implements FrameParser.Listener {
  private static final Logger log = LoggerFactory.getLogger(BridgeConnection.class);
  private static final AtomicLong IDS = new AtomicLong();
  private static final long CLOSE_GRACE_MS = 2_000;
  private static final long MEMORY_RETRY_MS = 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Frames are gathered into one write up to this many bytes; larger ones go alone. */
  private static final int BATCH_LIMIT = 64 * 1024;

  enum State {
    AWAITING_LOGIN,
    LOGGING_IN,
    OPEN,
    CLOSED
  }

  /** A message delivered to this peer that waits for its reply. */
  private record Delivery(Message<Object> message, long expiresAtMs) {}

  /** A request of this peer to an agent, waiting for its reply. */
  private record AgentCall(String agent, String address) {}

  private final BridgeContext hub;
  private final EventBus eventBus;
  private final Limits limits;
  private final NetSocket socket;
  private final FrameParser parser;
  private final String id;
  private final String remote;
  private final String host;
  private final Subscriptions subscriptions;

  /** Reply addresses this connection hands out: unguessable from any other connection. */
  private final String replyPrefix;

  private long deliveries;
  private boolean admitted;
  private boolean loginSlot;

  /** The identity this connection counts against in {@link Guards#connect}, once it does. */
  private String countedIdentity;

  /** Whether the peer asked for binary-extension frames at login (and so may send them). */
  private boolean binary;

  private boolean binaryAsked;
  private int refusals;

  private State state = State.AWAITING_LOGIN;
  private Login login;
  private AgentRecord binding;
  private final Set<String> registrations = new HashSet<>();
  private final LinkedHashMap<String, Delivery> awaitingReply = new LinkedHashMap<>();
  private final Map<String, AgentCall> agentCalls = new HashMap<>();
  private final Map<String, Integer> callsPerAgent = new HashMap<>();
  private Context context;
  private int pendingRequests;
  private int registrationsInFlight;
  private int pongsOwed;
  private long queuedBytes;
  private boolean pausedForLogin;
  private boolean pausedForWrites;
  private boolean pausedForMemory;
  private long memoryWaitSinceMs;
  private int reservedFrameBytes;
  private String reservedKey;
  private Buffer outgoing;
  private String outgoingKey;
  private long loginTimer;

  BridgeConnection(BridgeContext hub, Subscriptions subscriptions, NetSocket socket) {
    this.hub = hub;
    this.subscriptions = subscriptions;
    this.eventBus = hub.vertx().eventBus();
    this.limits = hub.limits();
    this.socket = socket;
    this.id = "c" + IDS.incrementAndGet();
    this.remote = String.valueOf(socket.remoteAddress());
    this.host = socket.remoteAddress() == null ? "?" : socket.remoteAddress().host();
    this.parser = new FrameParser(limits.maxLoginFrameBytes(), this);
    byte[] secret = new byte[12];
    RANDOM.nextBytes(secret);
    this.replyPrefix =
        Wire.VERTX_INTERNAL_PREFIX
            + "reply."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(secret)
            + ".";
  }

  void start() {
    context = hub.vertx().getOrCreateContext();
    hub.opened(this);
    socket.handler(parser);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(
        e -> {
          log.debug("[{}] socket error: {}", this, e.toString());
          socket.close();
        });
    loginTimer =
        hub.vertx()
            .setTimer(
                limits.loginTimeoutMs(),
                t -> {
                  if (state == State.AWAITING_LOGIN || state == State.LOGGING_IN) {
                    refuseAndClose(
                        FailureCode.NOT_LOGGED_IN,
                        "no login within " + limits.loginTimeoutMs() + " ms",
                        null);
                  }
                });
    if (!hub.guards().admit(host)) {
      refuseAndClose(
          FailureCode.BUSY,
          "more than " + limits.maxConnectionsPerAddress() + " connections from " + host,
          null);
      return;
    }
    admitted = true;
    loginSlot = true;
    BridgeConnection pushedOut = hub.guards().startLogin(host, this);
    if (pushedOut != null) {
      pushedOut.pushOut();
    }
    log.debug("[{}] connected", this);
  }

  /**
   * Too many connections from this one's address are logging in and it has waited longest: it makes
   * room (may run on any thread).
   */
  private void pushOut() {
    context.runOnContext(
        v -> {
          if (state == State.AWAITING_LOGIN || state == State.LOGGING_IN) {
            refuseAndClose(
                FailureCode.BUSY,
                "more than "
                    + limits.maxPendingLoginsPerAddress()
                    + " connections from "
                    + host
                    + " were logging in at once; this one waited longest",
                null);
          }
        });
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
      refuseFrame(FailureCode.INTERNAL, "the hub failed to handle this frame", null);
    } finally {
      releaseFrameBuffer();
    }
  }

  /**
   * A frame larger than {@link Limits#SMALL_FRAME_BYTES} is read only while the identity's and the
   * hub's frame-buffer budgets have room for it; until then the connection is not read.
   */
  @Override
  public boolean admit(int length) {
    if (length <= Limits.SMALL_FRAME_BYTES || state == State.CLOSED) {
      return true;
    }
    Budget budget = hub.frameBuffers();
    if (!budget.fits(length)) {
      refuseAndClose(
          FailureCode.TOO_LARGE,
          "a frame of "
              + length
              + " bytes is more than the hub buffers for one peer ("
              + Math.min(budget.perIdentity(), budget.total())
              + ")",
          null);
      return false;
    }
    if (budget.tryTake(accountKey(), length)) {
      reservedFrameBytes = length;
      reservedKey = accountKey();
      memoryWaitSinceMs = 0;
      return true;
    }
    long now = nowMs();
    if (memoryWaitSinceMs == 0) {
      memoryWaitSinceMs = now;
    } else if (now - memoryWaitSinceMs > limits.defaultTimeoutMs()) {
      refuseAndClose(
          FailureCode.BUSY,
          "no room to buffer a frame of "
              + length
              + " bytes for "
              + limits.defaultTimeoutMs()
              + " ms",
          null);
      return false;
    }
    pausedForMemory = true;
    updateReading();
    hub.vertx()
        .setTimer(
            MEMORY_RETRY_MS,
            t -> {
              pausedForMemory = false;
              updateReading(); // reading again asks for room again
            });
    return false;
  }

  private void releaseFrameBuffer() {
    if (reservedFrameBytes > 0) {
      hub.frameBuffers().give(reservedKey, reservedFrameBytes);
      reservedFrameBytes = 0;
    }
  }

  private void dispatch(Buffer payload) {
    Envelope frame;
    try {
      frame = Envelope.read(payload, binary);
    } catch (FrameException e) {
      refuseFrame(e.code(), e, null);
      return;
    }
    Object type = frame.type();
    if (!(type instanceof String)) {
      refuseFrame(
          FailureCode.BAD_REQUEST,
          type == null ? "frame has no type" : "type must be a string",
          replyAddressOrNull(frame));
      return;
    }
    switch ((String) type) {
      case Wire.PING:
        onPing();
        break;
      case Wire.SEND:
      case Wire.PUBLISH:
      case Wire.REGISTER:
      case Wire.UNREGISTER:
        if (state == State.OPEN) {
          onAddressed((String) type, frame);
        } else if (Wire.SEND.equals(type) && Wire.HUB_LOGIN.equals(frame.address())) {
          onLogin(frame);
        } else {
          refuseAndClose(
              FailureCode.NOT_LOGGED_IN,
              "the first frame must be a send to " + Wire.HUB_LOGIN,
              replyAddressOrNull(frame));
        }
        break;
      default:
        refuseFrame(
            FailureCode.BAD_REQUEST,
            "unknown type \""
                + LogSafe.text(type, 64)
                + "\"; expected send, publish, register, unregister or ping",
            replyAddressOrNull(frame));
    }
  }

  @Override
  public void onOversize(long declaredLength, int maxFrameBytes) {
    refuseAndClose(
        FailureCode.TOO_LARGE,
        "declared frame length " + declaredLength + " is outside 0.." + maxFrameBytes,
        null);
  }

  private void onPing() {
    if (registrationsInFlight == 0) {
      writeRaw(Frames.pong());
    } else {
      // A pong after a register means the registration is in place: hold it until it is.
      pongsOwed++;
    }
  }

  private void onAddressed(String type, Envelope frame) {
    String replyAddress;
    String address;
    try {
      replyAddress = optionalString(frame.replyAddress(), Wire.REPLY_ADDRESS);
      address = optionalString(frame.address(), Wire.ADDRESS);
      if (address == null || address.isEmpty()) {
        throw new FrameException(FailureCode.BAD_REQUEST, "frame has no address");
      }
      AddressPolicy.checkShape(Wire.ADDRESS, address, limits.maxAddressChars());
      if (replyAddress != null) {
        AddressPolicy.checkShape(Wire.REPLY_ADDRESS, replyAddress, limits.maxAddressChars());
      }
    } catch (FrameException e) {
      refuseFrame(e.code(), e, replyAddressOrNull(frame));
      return;
    }
    try {
      switch (type) {
        case Wire.SEND:
          onSend(address, replyAddress, frame);
          break;
        case Wire.PUBLISH:
          hub.policy().checkPublish(login, address);
          checkRate();
          eventBus.publish(address, decodedBody(frame), deliveryOptions(frame));
          break;
        case Wire.REGISTER:
          onRegister(address);
          break;
        default:
          onUnregister(address);
      }
    } catch (IllegalArgumentException e) {
      // The event bus has no codec for the body (e.g. a JSON number too large for a long).
      refuseAddressed(
          type,
          address,
          replyAddress,
          new FrameException(
              FailureCode.BAD_REQUEST, "body cannot travel on the event bus: " + e.getMessage()));
    } catch (FrameException e) {
      refuseAddressed(type, address, replyAddress, e);
    }
  }

  /** Registration refusals go to the address's handler, request refusals to the caller's. */
  private void refuseAddressed(String type, String address, String replyAddress, FrameException e) {
    boolean subscription = Wire.REGISTER.equals(type) || Wire.UNREGISTER.equals(type);
    if (Wire.SEND.equals(type) && replyAddress != null) {
      writeFrame(
          Frames.replyError(
              replyAddress,
              address,
              ReplyFailure.RECIPIENT_FAILURE,
              e.code().code(),
              e.getMessage()));
    } else {
      writeFrame(Frames.refusal(e.code(), detailOf(e), subscription ? address : null));
    }
    log.debug(
        "[{}] refused {} {}: {}", this, type, LogSafe.text(address), LogSafe.text(e.getMessage()));
    audit(type, address, e.code(), detailOf(e));
  }

  /** An audit line for a refusal; capped per connection so a hostile peer cannot flood it. */
  private void audit(String type, String address, FailureCode code, String reason) {
    refusals++;
    if (refusals <= Audit.MAX_REFUSALS_PER_CONNECTION) {
      Audit.refused(identity(), remote, type, address, code.code(), reason);
    } else if (refusals == Audit.MAX_REFUSALS_PER_CONNECTION + 1) {
      Audit.refusalsCapped(identity(), remote);
    }
  }

  private void onSend(String address, String replyAddress, Envelope frame) throws FrameException {
    Delivery delivery = awaitingReply.remove(address);
    if (delivery != null) {
      onReply(delivery.message(), replyAddress, frame);
      return;
    }
    hub.policy().checkSend(login, address);
    checkRate();
    DeliveryOptions options = deliveryOptions(frame);
    // Only an agent's own connection consumes agent.<name>.* (the policy sees to it), so the body
    // can travel undecoded; anything else may be a Vert.x consumer that wants the value.
    Object body = Wire.isAgentCall(address) ? passedOn(frame) : decodedBody(frame);
    if (replyAddress == null) {
      eventBus.send(address, body, options);
      return;
    }
    if (hub.draining()) {
      throw new FrameException(FailureCode.UNAVAILABLE, "the hub is shutting down");
    }
    if (pendingRequests >= limits.maxPendingRequests()) {
      throw new FrameException(
          FailureCode.BUSY,
          "more than " + limits.maxPendingRequests() + " requests of this connection are pending");
    }
    Future<Message<Object>> reply = eventBus.request(address, body, options);
    pendingRequests++;
    hub.requestStarted();
    String agent = Wire.agentNameOf(address);
    if (agent != null) {
      watchCall(replyAddress, agent, address);
    }
    reply.onComplete(ar -> onRequestDone(address, replyAddress, ar));
  }

  /**
   * Remembers a call to an agent, so that it can be failed at once if the agent is announced {@code
   * left}: when the agent's hub dies, the clustered event bus would leave it waiting out its
   * timeout.
   */
  private void watchCall(String replyAddress, String agent, String address) {
    agentCalls.put(replyAddress, new AgentCall(agent, address));
    if (callsPerAgent.merge(agent, 1, Integer::sum) == 1) {
      hub.watch(agent, this);
    }
  }

  /** False when the call was already answered (failed because its agent left). */
  private boolean unwatchCall(String replyAddress) {
    AgentCall call = agentCalls.remove(replyAddress);
    if (call == null) {
      return false;
    }
    if (callsPerAgent.merge(call.agent(), -1, Integer::sum) == 0) {
      callsPerAgent.remove(call.agent());
      hub.unwatch(call.agent(), this);
    }
    return true;
  }

  /** Agent {@code agent} left (announced by whichever hub saw it go); may run on any thread. */
  void agentLeft(String agent, String agentHub) {
    context.runOnContext(
        v -> {
          if (state == State.CLOSED || !callsPerAgent.containsKey(agent)) {
            return;
          }
          String reason =
              FailureCode.UNAVAILABLE.message(
                  "agent " + agent + " left (it was on " + agentHub + ")");
          Iterator<Map.Entry<String, AgentCall>> it = agentCalls.entrySet().iterator();
          while (it.hasNext()) {
            Map.Entry<String, AgentCall> e = it.next();
            if (e.getValue().agent().equals(agent)) {
              it.remove();
              writeFrame(
                  Frames.replyError(
                      e.getKey(),
                      e.getValue().address(),
                      ReplyFailure.RECIPIENT_FAILURE,
                      FailureCode.UNAVAILABLE.code(),
                      reason));
            }
          }
          callsPerAgent.remove(agent);
          hub.unwatch(agent, this);
        });
  }

  private void checkRate() throws FrameException {
    if (!hub.guards().request(login.identity())) {
      throw new FrameException(
          FailureCode.BUSY,
          login.identity()
              + " sends more than "
              + limits.maxRequestsPerSecond()
              + " messages a second");
    }
  }

  /** The peer answers a message that was delivered to it. */
  private void onReply(Message<Object> message, String replyAddress, Envelope frame)
      throws FrameException {
    Object failureCode = frame.failureCode();
    if (failureCode != null) {
      if (!(failureCode instanceof Integer)) {
        message.fail(FailureCode.INTERNAL.code(), "replier sent a malformed failure");
        throw new FrameException(FailureCode.BAD_REQUEST, "failureCode must be an integer");
      }
      Object text = frame.message();
      message.fail((Integer) failureCode, text == null ? null : String.valueOf(text));
      return;
    }
    DeliveryOptions options;
    Object body;
    try {
      options = deliveryOptions(frame);
      // A requester that passed its request on undecoded (a bridge connection) takes the reply
      // undecoded too; a Vert.x requester gets values.
      body =
          message.body() instanceof RawJson && replyAddress == null
              ? passedOn(frame)
              : decodedBody(frame);
      if (replyAddress == null) {
        message.reply(body, options);
        return;
      }
    } catch (FrameException | IllegalArgumentException e) {
      message.fail(FailureCode.INTERNAL.code(), "replier sent a reply the hub cannot forward");
      throw e instanceof FrameException
          ? (FrameException) e
          : new FrameException(FailureCode.BAD_REQUEST, "body cannot travel on the event bus");
    }
    if (pendingRequests >= limits.maxPendingRequests()) {
      message.fail(FailureCode.BUSY.code(), FailureCode.BUSY.message("replier is overloaded"));
      throw new FrameException(
          FailureCode.BUSY,
          "more than " + limits.maxPendingRequests() + " requests of this connection are pending");
    }
    pendingRequests++;
    hub.requestStarted();
    String source = message.replyAddress();
    message
        .<Object>replyAndRequest(body, options)
        .onComplete(ar -> onRequestDone(source, replyAddress, ar));
  }

  private void onRequestDone(String address, String replyAddress, AsyncResult<Message<Object>> ar) {
    pendingRequests--;
    hub.requestDone();
    boolean answered = Wire.agentNameOf(address) != null && !unwatchCall(replyAddress);
    if (state == State.CLOSED || answered) {
      if (ar.succeeded() && ar.result().replyAddress() != null) {
        ar.result()
            .fail(
                FailureCode.UNAVAILABLE.code(), FailureCode.UNAVAILABLE.message(this + " is gone"));
      }
      return;
    }
    if (ar.succeeded()) {
      Message<Object> response = ar.result();
      forward(replyAddress, response, true);
      return;
    }
    Throwable cause = ar.cause();
    if (cause instanceof ReplyException) {
      ReplyException failure = (ReplyException) cause;
      writeFrame(
          Frames.replyError(
              replyAddress,
              address,
              failure.failureType(),
              failure.failureCode(),
              failure.getMessage()));
    } else {
      writeFrame(
          Frames.replyError(
              replyAddress,
              address,
              ReplyFailure.ERROR,
              FailureCode.INTERNAL.code(),
              FailureCode.INTERNAL.message(String.valueOf(cause.getMessage()))));
    }
  }

  private void onRegister(String address) throws FrameException {
    hub.policy().checkRegister(login, address);
    if (registrations.contains(address)) {
      return; // Registering twice is idempotent: one consumer per address and connection.
    }
    if (registrations.size() >= limits.maxRegistrations()) {
      throw new FrameException(
          FailureCode.BUSY,
          "a connection may register at most " + limits.maxRegistrations() + " addresses");
    }
    Budget budget = hub.registrationBudget();
    if (!budget.tryTake(identity(), 1)) {
      throw new FrameException(
          FailureCode.BUSY,
          budget.used(identity()) >= budget.perIdentity()
              ? identity() + " has " + budget.perIdentity() + " registrations, its most"
              : "the hub holds " + budget.total() + " registrations, its most");
    }
    registrations.add(address);
    registrationsInFlight++;
    subscriptions
        .add(address, this)
        .onComplete(
            ar -> {
              registrationsInFlight--;
              if (ar.failed() && state != State.CLOSED && registrations.remove(address)) {
                subscriptions.remove(address, this);
                budget.give(identity(), 1);
                writeFrame(
                    Frames.refusal(
                        FailureCode.INTERNAL,
                        "registration failed: " + ar.cause().getMessage(),
                        address));
              }
              if (registrationsInFlight == 0) {
                for (; pongsOwed > 0; pongsOwed--) {
                  writeRaw(Frames.pong());
                }
              }
            });
  }

  private void onUnregister(String address) throws FrameException {
    hub.policy().checkRegister(login, address);
    if (!registrations.remove(address)) {
      throw new FrameException(
          FailureCode.NOT_FOUND, "unknown_address " + address + " is not registered");
    }
    subscriptions.remove(address, this);
    hub.registrationBudget().give(identity(), 1);
  }

  // ---- login ----

  private void onLogin(Envelope frame) {
    String replyAddress = replyAddressOrNull(frame);
    if (replyAddress == null) {
      refuseAndClose(FailureCode.BAD_REQUEST, "hub.login needs a replyAddress", null);
      return;
    }
    if (hub.draining()) {
      loginRefused(
          replyAddress,
          FailureCode.UNAVAILABLE,
          FailureCode.UNAVAILABLE.message("the hub is shutting down"));
      return;
    }
    Login candidate;
    try {
      candidate = hub.gate().authenticate(frame.body(), certifiedName());
      binaryAsked =
          frame.body() instanceof JsonObject
              && Boolean.TRUE.equals(((JsonObject) frame.body()).getValue(Wire.LOGIN_BINARY));
    } catch (FrameException e) {
      loginRefused(replyAddress, e.code(), e.getMessage());
      return;
    }
    if (!hub.guards().connect(candidate.identity())) {
      loginRefused(
          replyAddress,
          FailureCode.BUSY,
          FailureCode.BUSY.message(
              candidate.identity()
                  + " has "
                  + limits.maxConnectionsPerIdentity()
                  + " connections open, its most"));
      return;
    }
    countedIdentity = candidate.identity();
    state = State.LOGGING_IN;
    pausedForLogin = true;
    updateReading();
    Future<Void> bound;
    AgentRecord record = null;
    if (candidate.name() != null) {
      record =
          new AgentRecord(
              candidate.name(), hub.hubName(), id, System.currentTimeMillis(), candidate.meta());
      bound = hub.registry().bind(record, this::bindingLost);
    } else {
      bound = Future.succeededFuture();
    }
    AgentRecord tried = record;
    bound.onComplete(
        ar -> {
          if (state == State.CLOSED) {
            if (ar.succeeded() && tried != null) {
              hub.registry().unbind(tried);
            }
            return;
          }
          if (ar.failed()) {
            ReplyException e = asReplyException(ar.cause());
            loginRefused(replyAddress, FailureCode.of(e.failureCode()), e.getMessage());
            return;
          }
          loggedIn(candidate, tried, replyAddress);
        });
  }

  /** The CN of the peer's verified client certificate, or {@code null} without one. */
  private String certifiedName() {
    if (!socket.isSsl()) {
      return null;
    }
    try {
      java.security.cert.Certificate[] chain = socket.sslSession().getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof java.security.cert.X509Certificate)) {
        return null;
      }
      String dn =
          ((java.security.cert.X509Certificate) chain[0]).getSubjectX500Principal().getName();
      for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(dn).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
      return null;
    } catch (javax.net.ssl.SSLPeerUnverifiedException | javax.naming.InvalidNameException e) {
      return null; // no client certificate
    }
  }

  /** Closes this connection if its token was revoked or has expired (may run on any thread). */
  void revalidate() {
    context.runOnContext(
        v -> {
          if (state == State.OPEN
              && login.grant() != null
              && !hub.gate().stillValid(login.grant())) {
            refuseAndClose(
                FailureCode.NOT_LOGGED_IN,
                "token " + login.grant().id() + " was revoked or has expired",
                null);
          }
        });
  }

  /** Another hub's connection holds this connection's name now (a healed cluster split). */
  private void bindingLost() {
    context.runOnContext(
        v -> {
          binding = null; // not ours to release any more
          refuseAndClose(
              FailureCode.CONFLICT, "agent name taken over by a connection on another hub", null);
        });
  }

  private void loggedIn(Login who, AgentRecord record, String replyAddress) {
    flushOutgoing(); // written before login counts against the connection, after against who
    login = who;
    binding = record;
    state = State.OPEN;
    hub.guards().endLogin(host, this);
    loginSlot = false;
    hub.vertx().cancelTimer(loginTimer);
    parser.setMaxFrameBytes(limits.maxFrameBytes());
    writeFrame(
        Frames.message(
            replyAddress,
            null,
            null,
            true,
            new JsonObject()
                .put(Wire.LOGIN_IDENTITY, who.identity())
                .put(Wire.LOGIN_ROLE, who.role().wireName())
                .put(Wire.LOGIN_HUB, hub.hubName())
                .put(Wire.LOGIN_BINARY, binaryAsked)));
    binary = binaryAsked;
    log.info("[{}] logged in as {} ({})", this, who.identity(), who.role().wireName());
    Audit.login(
        who.identity(),
        who.role().wireName(),
        who.grant() == null ? "-" : who.grant().id(),
        remote);
    pausedForLogin = false;
    updateReading();
  }

  private void loginRefused(String replyAddress, FailureCode code, String message) {
    FailureCode c = code == null ? FailureCode.INTERNAL : code;
    log.info("[{}] login refused: {}", this, LogSafe.text(message));
    Audit.loginRefused(c.code(), message, remote);
    JsonObject answer =
        Frames.replyError(
            replyAddress, Wire.HUB_LOGIN, ReplyFailure.RECIPIENT_FAILURE, c.code(), message);
    if (c == FailureCode.UNAVAILABLE || c == FailureCode.CONFLICT || c == FailureCode.BUSY) {
      closeAfter(answer); // not a guess at credentials
      return;
    }
    // A guesser learns nothing quickly: the answer waits, longer for an address that fails often.
    // A correct token from the same address is never held back.
    long delay = hub.guards().failureDelayMs(host);
    hub.guards().loginFailed(host);
    parser.stop();
    state = State.LOGGING_IN;
    hub.vertx().setTimer(Math.max(1, delay), t -> closeAfter(answer));
  }

  // ---- frames out ----

  /** A message sent to one of this peer's registrations (by {@link Subscriptions}). */
  void deliver(Message<Object> message) {
    if (state == State.CLOSED) {
      if (message.replyAddress() != null) {
        message.fail(
            FailureCode.UNAVAILABLE.code(), FailureCode.UNAVAILABLE.message(this + " is gone"));
      }
      return;
    }
    forward(message.address(), message, message.isSend());
  }

  /** A message published on one of this peer's registrations, as shared frame bytes. */
  void deliverPublished(Subscriptions.Published published) {
    Buffer frame = published.frame(binary);
    if (frame != null && state != State.CLOSED) {
      writeRaw(frame);
    }
  }

  /**
   * Writes a message (a delivery, or the reply to this peer's request, addressed to its reply
   * address) and remembers it when it waits for the peer's reply.
   */
  private void forward(String address, Message<Object> message, boolean send) {
    String replyAddress = null;
    if (message.replyAddress() != null) {
      replyAddress = awaitReply(message);
      if (replyAddress == null) {
        return;
      }
    }
    Buffer frame;
    try {
      frame = encode(address, replyAddress, message, send);
    } catch (EncodeException | IllegalStateException e) {
      String detail =
          "a message body of type "
              + message.body().getClass().getName()
              + " cannot be written as JSON";
      if (replyAddress != null) {
        awaitingReply.remove(replyAddress);
        message.fail(FailureCode.INTERNAL.code(), FailureCode.INTERNAL.message(detail));
      }
      log.warn("[{}] dropped a message on {}: {}", this, address, detail);
      return;
    }
    writeRaw(frame);
  }

  /**
   * The frame for a message: JSON passed on undecoded ({@link RawJson}) is copied in as it came;
   * binary data goes as a binary frame to a peer that asked for them (and as base64, like the stock
   * bridge, to others); anything else is encoded.
   */
  private Buffer encode(
      String address, String replyAddress, Message<Object> message, boolean send) {
    Object body = message.body();
    if (body instanceof Buffer && binary) {
      return Frames.encodeBinary(
          Frames.message(address, replyAddress, Frames.headers(message.headers()), send, null),
          (Buffer) body);
    }
    return FrameWriter.message(address, replyAddress, message.headers(), send, body);
  }

  /**
   * Remembers a message that waits for this peer's reply, under a reply address of this
   * connection's own (a secret prefix and a counter): another connection cannot guess it, and only
   * this connection's replies are looked up. Null when too many already wait (the sender is told).
   */
  private String awaitReply(Message<Object> message) {
    long now = nowMs();
    expireDeliveries(now);
    if (awaitingReply.size() >= limits.maxPendingDeliveries()) {
      message.fail(
          FailureCode.BUSY.code(),
          FailureCode.BUSY.message(
              identity()
                  + " already has "
                  + awaitingReply.size()
                  + " messages waiting for replies"));
      return null;
    }
    String replyAddress = replyPrefix + (++deliveries);
    awaitingReply.put(replyAddress, new Delivery(message, now + limits.maxTimeoutMs()));
    return replyAddress;
  }

  /** Entries older than the longest timeout a caller can ask for have been given up on. */
  private void expireDeliveries(long now) {
    Iterator<Delivery> it = awaitingReply.values().iterator();
    while (it.hasNext()) {
      if (it.next().expiresAtMs() > now) {
        return;
      }
      it.remove();
    }
  }

  private void writeFrame(JsonObject frame) {
    writeRaw(Frames.encode(frame));
  }

  /**
   * Queues a frame. Frames written during one turn of the event loop go out together in one write
   * (one flush, one system call) at the end of the turn; a large frame goes on its own.
   *
   * <p>Queued bytes count against this connection, its identity and the hub. A peer whose queue
   * passes its own bound is cut off; under pressure on its identity's or the hub's bound, so is one
   * that has more than {@link Limits#STALLED_BYTES} queued — the slow readers pay, not the others.
   */
  private void writeRaw(Buffer frame) {
    if (state == State.CLOSED) {
      return;
    }
    int length = frame.length();
    long mine = queuedBytes + length;
    Budget queued = hub.queuedWrites();
    String key = accountKey();
    if (mine > limits.maxQueuedWriteBytes()) {
      cutOff(
          "more than "
              + limits.maxQueuedWriteBytes()
              + " bytes queued and the peer is not reading");
      return;
    }
    if (mine > Limits.STALLED_BYTES
        && (queued.used(key) + length > queued.perIdentity()
            || queued.used() + length > queued.total())) {
      cutOff(
          "the hub is short of memory for queued writes and "
              + queuedBytes
              + " bytes wait for this peer");
      return;
    }
    queuedBytes = mine;
    queued.take(key, length);
    if (outgoing != null && !key.equals(outgoingKey)) {
      flushOutgoing(); // a batch is given back under the key it was taken under
    }
    if (length >= BATCH_LIMIT) {
      flushOutgoing();
      socket.write(frame).onComplete(ar -> onWritten(key, length));
    } else {
      if (outgoing == null) {
        outgoing = Buffer.buffer(1024);
        outgoingKey = key;
        context.runOnContext(v -> flushOutgoing());
      }
      outgoing.appendBuffer(frame);
      if (outgoing.length() >= BATCH_LIMIT) {
        flushOutgoing();
      }
    }
    if (!pausedForWrites && queuedBytes > limits.maxQueuedWriteBytes() / 2) {
      // Stop taking requests from a peer that does not take its replies.
      pausedForWrites = true;
      updateReading();
    }
  }

  private void cutOff(String reason) {
    log.warn("[{}] cut off: {}", this, reason);
    Audit.closed(identity(), remote, "cut off: " + reason);
    outgoing = null;
    socket.close();
    onClosed();
  }

  private void flushOutgoing() {
    Buffer batch = outgoing;
    String key = outgoingKey;
    outgoing = null;
    if (batch == null || batch.length() == 0) {
      return;
    }
    int length = batch.length();
    if (state == State.CLOSED) {
      onWritten(key, length);
      return;
    }
    socket.write(batch).onComplete(ar -> onWritten(key, length));
  }

  private void onWritten(String key, int length) {
    queuedBytes -= length;
    hub.queuedWrites().give(key, length);
    if (pausedForWrites && queuedBytes <= limits.maxQueuedWriteBytes() / 4) {
      pausedForWrites = false;
      updateReading();
    }
  }

  /** Whom this connection's memory counts against: its identity, or itself before login. */
  private String accountKey() {
    return login == null ? id : login.identity();
  }

  private void updateReading() {
    if (state == State.CLOSED) {
      return;
    }
    if (pausedForLogin || pausedForWrites || pausedForMemory) {
      socket.pause();
      parser.pause();
    } else {
      socket.resume();
      parser.resume();
    }
  }

  // ---- refusals and close ----

  /** Refuses one frame; before login that also ends the connection. */
  private void refuseFrame(FailureCode code, Object detail, String replyAddress) {
    String text =
        detail instanceof FrameException ? detailOf((FrameException) detail) : (String) detail;
    if (state != State.OPEN) {
      refuseAndClose(code, text, replyAddress);
      return;
    }
    if (replyAddress != null) {
      writeFrame(
          Frames.replyError(
              replyAddress, null, ReplyFailure.RECIPIENT_FAILURE, code.code(), code.message(text)));
    } else {
      writeFrame(Frames.refusal(code, text, null));
    }
    log.debug("[{}] refused a frame: {}", this, LogSafe.text(text));
    audit("?", null, code, text);
  }

  private void refuseAndClose(FailureCode code, String detail, String replyAddress) {
    log.info("[{}] closing: {}", this, LogSafe.text(code.message(detail)));
    Audit.closed(identity(), remote, code.message(detail));
    closeAfter(
        replyAddress == null
            ? Frames.refusal(code, detail, null)
            : Frames.replyError(
                replyAddress,
                null,
                ReplyFailure.RECIPIENT_FAILURE,
                code.code(),
                code.message(detail)));
  }

  /** Sends a last frame, then closes once it is out (or after a grace period, if it never is). */
  private void closeAfter(JsonObject lastFrame) {
    if (state == State.CLOSED) {
      return;
    }
    parser.stop();
    flushOutgoing();
    Future<Void> written = socket.write(Frames.encode(lastFrame));
    onClosed();
    long grace = hub.vertx().setTimer(CLOSE_GRACE_MS, t -> socket.close());
    written.onComplete(
        ar -> {
          hub.vertx().cancelTimer(grace);
          socket.close();
        });
  }

  private void onClosed() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    hub.closed(this);
    if (admitted) {
      hub.guards().release(host);
    }
    if (loginSlot) {
      hub.guards().endLogin(host, this);
      loginSlot = false;
    }
    if (countedIdentity != null) {
      hub.guards().disconnect(countedIdentity);
    }
    parser.stop();
    releaseFrameBuffer();
    if (outgoing != null) {
      Buffer unsent = outgoing;
      outgoing = null;
      onWritten(outgoingKey, unsent.length());
    }
    hub.vertx().cancelTimer(loginTimer);
    for (String address : registrations) {
      subscriptions.remove(address, this);
    }
    hub.registrationBudget().give(identity(), registrations.size());
    registrations.clear();
    String gone = FailureCode.UNAVAILABLE.message(identity() + " disconnected before replying");
    for (Delivery delivery : awaitingReply.values()) {
      delivery.message().fail(FailureCode.UNAVAILABLE.code(), gone);
    }
    awaitingReply.clear();
    for (String agent : callsPerAgent.keySet()) {
      hub.unwatch(agent, this);
    }
    callsPerAgent.clear();
    agentCalls.clear();
    if (binding != null) {
      hub.registry().unbind(binding);
    }
    log.info("[{}] closed", this);
  }

  // ---- helpers ----

  /**
   * The body to pass on to a bridge consumer, undecoded: binary data as a {@code Buffer}, JSON as
   * {@link RawJson} — the type, not a header, says which.
   */
  private static Object passedOn(Envelope frame) {
    if (frame.binary() != null) {
      return frame.binary();
    }
    return frame.hasBody() ? new RawJson(frame.rawBody()) : null;
  }

  private static Object decodedBody(Envelope frame) throws FrameException {
    Object body = frame.body();
    if (body instanceof java.math.BigInteger || body instanceof java.math.BigDecimal) {
      // No event-bus codec carries these between hubs; refuse them the same way on one hub.
      throw new FrameException(FailureCode.BAD_REQUEST, "body is a number out of range");
    }
    return body;
  }

  private DeliveryOptions deliveryOptions(Envelope frame) throws FrameException {
    Headers.Inbound asked = Headers.fromPeer(frame.headers());
    // The caller is who logged in, whatever the peer sent: set, never added beside a peer's value.
    MultiMap headers = asked.headers().set(Wire.HEADER_FROM, login.identity());
    // Every hub serves hub.*: the one the caller is connected to answers, so that a call never
    // travels to a hub elsewhere in the cluster that was just killed or is frozen.
    return new DeliveryOptions()
        .setHeaders(headers)
        .setSendTimeout(limits.clampTimeout(asked.timeoutMs()))
        .setLocalOnly(
            frame.address() instanceof String
                && ((String) frame.address()).startsWith(Wire.HUB_PREFIX));
  }

  private static String optionalString(Object value, String field) throws FrameException {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new FrameException(FailureCode.BAD_REQUEST, field + " must be a string");
  }

  /** The frame's reply address if it is one the hub may write back to, else null. */
  private String replyAddressOrNull(Envelope frame) {
    Object value = frame.replyAddress();
    if (!(value instanceof String)) {
      return null;
    }
    try {
      AddressPolicy.checkShape(Wire.REPLY_ADDRESS, (String) value, limits.maxAddressChars());
      return (String) value;
    } catch (FrameException e) {
      return null;
    }
  }

  private static String detailOf(FrameException e) {
    String label = e.code().label() + ": ";
    String message = e.getMessage();
    return message.startsWith(label) ? message.substring(label.length()) : message;
  }

  private static ReplyException asReplyException(Throwable t) {
    return t instanceof ReplyException
        ? (ReplyException) t
        : FailureCode.INTERNAL.exception(String.valueOf(t.getMessage()));
  }

  private static long nowMs() {
    return System.nanoTime() / 1_000_000;
  }

  private String identity() {
    return login == null ? id : login.identity();
  }

  @Override
  public String toString() {
    return login == null ? id + " " + remote : id + " " + login.identity() + "@" + remote;
  }
}
