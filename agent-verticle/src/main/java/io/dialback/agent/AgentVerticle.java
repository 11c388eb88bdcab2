package io.dialback.agent;

import io.dialback.agent.fs.FileService;
import io.dialback.agent.fs.Jail;
import io.dialback.client.BridgeClient;
import io.dialback.client.BridgeMessage;
import io.dialback.client.ClientState;
import io.dialback.client.LoginReply;
import io.dialback.client.Registration;
import io.dialback.conf.ConfigException;
import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Headers;
import io.dialback.wire.RawJsonCodec;
import io.dialback.wire.Wire;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent: dials out to its hubs, logs in with its name, and offers its services — the file
 * service, and any listed under {@code services} in its conf — on {@code agent.<name>.*}, for as
 * long as it runs: after any drop it reconnects with backoff, logs in again and registers its
 * addresses again.
 *
 * <p>Services are local event-bus consumers in the agent's Vert.x; this verticle bridges each of
 * their addresses between the hub connection and them. {@link #start()} completes once the services
 * are in place, without waiting for a hub; {@link #connected()} completes at the first login, or
 * fails if the hub refuses the agent's credentials.
 *
 * <pre>{@code
 * vertx.deployVerticle(new AgentVerticle(), new DeploymentOptions().setConfig(agentJson));
 * }</pre>
 */
public final class AgentVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(AgentVerticle.class);

  /** How long a local service may take before the caller hears {@code unavailable}. */
  private static final long LOCAL_TIMEOUT_MS = 300_000;

  /** How long a stopping agent waits for the calls it is serving. */
  private static final long DRAIN_MS = 10_000;

  private final Map<String, String> env;
  private final Promise<LoginReply> connected = Promise.promise();
  private final List<Future<Registration>> registrations = new ArrayList<>();
  private AgentConfig cfg;
  private FileService files;
  private MessageConsumer<Object> events;
  private BridgeClient client;
  private int inFlight;

  public AgentVerticle() {
    this(System.getenv());
  }

  /** An agent that takes overrides from {@code env} instead of the process environment. */
  public AgentVerticle(Map<String, String> env) {
    this.env = Map.copyOf(Objects.requireNonNull(env, "env == null"));
  }

  @Override
  public Future<?> start() {
    cfg = AgentConfig.from(config(), env);
    RawJsonCodec.install(vertx.eventBus()); // the file service answers reads with RawJson
    Jail jail;
    try {
      jail = new Jail(cfg.root());
    } catch (IOException e) {
      throw new ConfigException("root", "cannot use " + cfg.root() + ": " + e.getMessage());
    }
    files = new FileService(vertx, jail, cfg.fs(), cfg.name());
    client = BridgeClient.create(vertx, cfg.clientOptions(loginMeta(jail.root())));
    List<String> addresses = new ArrayList<>();
    for (String operation : files.operations()) {
      addresses.add(Wire.fsAddress(cfg.name(), operation));
    }
    events =
        vertx.eventBus().localConsumer(Wire.localEventsAddress(cfg.name()), this::publishEvent);
    Future<?> ready = files.start();
    for (ServiceSpec spec : cfg.services()) {
      String prefix = Wire.agentPrefix(cfg.name()) + spec.name();
      for (String operation : spec.operations()) {
        addresses.add(prefix + "." + operation);
      }
      ready = ready.compose(v -> deployService(spec, prefix, jail.root()));
    }
    return ready.onSuccess(v -> expose(addresses, jail.root()));
  }

  /**
   * Drains before leaving: the agent's addresses are unregistered first (the hub stops routing
   * calls here), calls already being served finish (up to {@link #DRAIN_MS}), then it disconnects.
   */
  @Override
  public Future<?> stop() {
    if (client == null) {
      return Future.succeededFuture();
    }
    // Unregistering tells the hub to send no new calls here. Without a connection there is no one
    // to tell, and the registrations would wait for the next one: then stop straight away.
    List<Future<Void>> unregistered = new ArrayList<>();
    if (client.state() == ClientState.CONNECTED) {
      for (Future<Registration> r : registrations) {
        unregistered.add(r.compose(Registration::unregister).otherwiseEmpty());
      }
    }
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + DRAIN_MS * 1_000_000;
    Future.join(unregistered)
        .timeout(DRAIN_MS, TimeUnit.MILLISECONDS)
        .onComplete(v -> awaitIdle(drained, deadline));
    return drained
        .future()
        .compose(v -> events.unregister())
        .compose(v -> client.close())
        .compose(v -> files.stop())
        .onComplete(v -> log.info("agent {} stopped", cfg.name()));
  }

  /**
   * Completes at the first successful login; fails with a {@link ConfigException} naming the
   * setting when the hub refuses the agent ({@code token} or {@code name}).
   */
  public Future<LoginReply> connected() {
    return connected.future();
  }

  /** The agent's own connection, for calling other agents (as the shell does). */
  public BridgeClient client() {
    return client;
  }

  /** The parsed conf (after {@link #start()}). */
  public AgentConfig settings() {
    return cfg;
  }

  private Future<String> deployService(ServiceSpec spec, String address, Path root) {
    JsonObject config =
        spec.config()
            .copy()
            .put(AgentService.ADDRESS, Wire.localAddress(address))
            .put(AgentService.ROOT, root.toString())
            .put("agent", cfg.name());
    try {
      return vertx
          .deployVerticle(spec.create(), new DeploymentOptions().setConfig(config))
          .recover(
              e ->
                  Future.failedFuture(
                      new ConfigException(
                          "services", spec.name() + " failed to start: " + e.getMessage())));
    } catch (ReflectiveOperationException e) {
      return Future.failedFuture(new ConfigException("services", spec.name() + ": " + e));
    }
  }

  /** Registers every address with the client (sent to the hub at every login) and connects. */
  private void expose(List<String> addresses, Path root) {
    for (String address : addresses) {
      registrations.add(client.consumer(address, this::forward));
    }
    log.info(
        "agent {} sharing {} ({}) via {}{}",
        cfg.name(),
        root,
        cfg.fs().writable() ? "writable" : "read-only",
        cfg.hubs(),
        cfg.proxy().proxy() == null ? "" : " through " + cfg.proxy());
    client
        .connect()
        .onSuccess(connected::tryComplete)
        .onFailure(
            e -> {
              int code = e instanceof ReplyException ? ((ReplyException) e).failureCode() : 503;
              ConfigException refused = AgentConfig.refusal(code, e.getMessage());
              log.warn("agent {}: {}", cfg.name(), LogSafe.text(refused.getMessage(), 500));
              connected.tryFail(refused);
            });
  }

  /**
   * Publishes what a local service hands over on {@code agent.<name>.events.<topic>}. Events are
   * not kept while the agent is disconnected: publish/subscribe is for what happens now.
   */
  private void publishEvent(Message<Object> event) {
    String topic = event.headers().get(Wire.HEADER_TOPIC);
    Future<Void> published;
    if (!Wire.isValidTopic(topic)) {
      published =
          Future.failedFuture(
              FailureCode.BAD_REQUEST.exception(
                  "header " + Wire.HEADER_TOPIC + " must name a topic, e.g. fs: " + topic));
    } else if (client.state() != ClientState.CONNECTED) {
      published =
          Future.failedFuture(
              FailureCode.UNAVAILABLE.exception("agent " + cfg.name() + " is not connected"));
    } else {
      published = client.publish(Wire.agentEventsAddress(cfg.name(), topic), event.body());
    }
    published.onComplete(
        ar -> {
          if (event.replyAddress() != null) {
            if (ar.succeeded()) {
              event.reply(null);
            } else {
              int code =
                  ar.cause() instanceof ReplyException
                      ? ((ReplyException) ar.cause()).failureCode()
                      : FailureCode.BAD_REQUEST.code();
              event.fail(code, ar.cause().getMessage());
            }
          } else if (ar.failed()) {
            log.debug(
                "agent {}: event on {} dropped: {}",
                cfg.name(),
                LogSafe.text(topic),
                LogSafe.text(ar.cause().getMessage()));
          }
        });
  }

  private void awaitIdle(Promise<Void> drained, long deadline) {
    if (inFlight == 0 || System.nanoTime() > deadline) {
      if (inFlight > 0) {
        log.warn("agent {} leaving with {} calls still running", cfg.name(), inFlight);
      }
      drained.tryComplete();
      return;
    }
    vertx.setTimer(20, t -> awaitIdle(drained, deadline));
  }

  /** A call from the hub goes to the local service; its answer (or failure) goes back. */
  private void forward(BridgeMessage call) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(LOCAL_TIMEOUT_MS);
    String from = call.headers().getString(Wire.HEADER_FROM);
    if (from != null) {
      options.addHeader(Wire.HEADER_FROM, from);
    }
    inFlight++;
    vertx
        .eventBus()
        .request(Wire.localAddress(call.address()), call.body(), options)
        .onComplete(
            ar -> {
              inFlight--;
              if (call.replyAddress() == null) {
                return;
              }
              if (ar.succeeded()) {
                // Headers carry a binary reply's metadata (fs.read with binary: true); a reply
                // the service wrote as JSON text (RawJson) goes on as it is.
                Message<Object> answer = ar.result();
                JsonObject headers = Headers.toPeer(answer.headers());
                call.reply(answer.body(), headers.isEmpty() ? null : headers);
              } else if (ar.cause() instanceof ReplyException) {
                ReplyException e = (ReplyException) ar.cause();
                if (e.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
                  call.fail(e.failureCode(), e.getMessage());
                } else {
                  call.fail(
                      FailureCode.UNAVAILABLE.code(),
                      FailureCode.UNAVAILABLE.message(call.address() + ": " + e.getMessage()));
                }
              } else {
                call.fail(
                    FailureCode.INTERNAL.code(),
                    FailureCode.INTERNAL.message(String.valueOf(ar.cause().getMessage())));
              }
            });
  }

  private JsonObject loginMeta(Path root) {
    JsonArray services = new JsonArray().add(Wire.FS);
    cfg.services().forEach(spec -> services.add(spec.name()));
    JsonObject meta =
        new JsonObject()
            .put("host", hostName())
            .put("root", root.getFileName() == null ? "/" : root.getFileName().toString())
            .put("version", version())
            .put("writable", cfg.fs().writable())
            .put("services", services);
    return meta.mergeIn(cfg.meta());
  }

  /** The machine's name, read locally: asking the resolver could send a query off the machine. */
  public static String hostName() {
    try {
      String name = Files.readString(Path.of("/etc/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable
    }
    String env = System.getenv("HOSTNAME");
    if (env == null) {
      env = System.getenv("COMPUTERNAME");
    }
    return env == null || env.isBlank() ? "unknown" : env;
  }

  /** This build's version, or {@code dev} outside a jar. */
  public static String version() {
    String v = AgentVerticle.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
