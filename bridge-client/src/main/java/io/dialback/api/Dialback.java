package io.dialback.api;

import io.dialback.client.BridgeClient;
import io.dialback.transport.Reply;
import io.dialback.transport.Subscription;
import io.dialback.transport.Transport;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The typed way to find agents and use their files, over a bridge connection or a clustered event
 * bus alike:
 *
 * <pre>{@code
 * Dialback dialback = Dialback.over(client);            // or Dialback.over(clusteredVertx, "mirror")
 * dialback.agents().onSuccess(agents -> ...);
 * dialback.agent("alpha").download("logs/app.log", Path.of("app.log"), TransferOptions.defaults());
 * }</pre>
 *
 * Every future fails with a {@link DialbackException}; {@link #blocking()} gives the same calls for
 * scripts and tests.
 */
public final class Dialback {
  /** How long a single call waits for its reply unless told otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final Transport transport;
  private final Duration timeout;

  private Dialback(Transport transport, Duration timeout) {
    this.transport = Objects.requireNonNull(transport, "transport == null");
    this.timeout = Objects.requireNonNull(timeout, "timeout == null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  public static Dialback over(Transport transport) {
    return new Dialback(transport, DEFAULT_TIMEOUT);
  }

  /** Over a bridge client (see {@link BridgeClient#connect()}). */
  public static Dialback over(BridgeClient client) {
    return over(Transport.bridge(client));
  }

  /**
   * On the event bus of {@code vertx} — one that joined the hubs' cluster, or a hub's own — as
   * {@code identity} (what agents log as the caller of writes).
   */
  public static Dialback over(Vertx vertx, String identity) {
    return over(Transport.eventBus(vertx, identity));
  }

  /** The same, with another per-call timeout (transfers time each chunk with their own). */
  public Dialback withTimeout(Duration timeout) {
    return new Dialback(transport, timeout);
  }

  public Transport transport() {
    return transport;
  }

  Duration timeout() {
    return timeout;
  }

  /** The agents connected anywhere in the cluster. */
  public Future<List<AgentInfo>> agents() {
    return call(Wire.HUB_AGENTS_LIST, new JsonObject())
        .map(
            reply -> {
              JsonArray all = reply.getJsonArray("agents", new JsonArray());
              List<AgentInfo> agents = new ArrayList<>(all.size());
              for (Object o : all) {
                agents.add(AgentInfo.of((JsonObject) o));
              }
              return agents;
            });
  }

  /** Agents joining and leaving, anywhere in the cluster, from now on. */
  public Future<Subscription> onPresence(Handler<PresenceEvent> handler) {
    Objects.requireNonNull(handler, "handler == null");
    return subscribe(Wire.HUB_AGENTS_EVENTS, json -> handler.handle(PresenceEvent.of(json)));
  }

  /** One agent, by name (whether or not it is connected now: calls say so). */
  public RemoteAgent agent(String name) {
    Objects.requireNonNull(name, "name == null");
    if (name.isEmpty() || name.contains(".")) {
      throw new IllegalArgumentException("agent name must be non-empty without dots: " + name);
    }
    return new RemoteAgent(this, name);
  }

  /**
   * Any request-reply with a JSON object each way — for services beyond the file service ({@code
   * agent.<name>.<service>.<operation>}); fails typed like the rest.
   */
  public Future<JsonObject> call(String address, JsonObject body) {
    Objects.requireNonNull(address, "address == null");
    return request(address, body == null ? new JsonObject() : body).map(Reply::json);
  }

  /** The same calls, each waiting for its result on the calling thread. */
  public BlockingDialback blocking() {
    return new BlockingDialback(this);
  }

  Future<Reply> request(String address, JsonObject body) {
    try {
      return transport
          .request(address, body, timeout)
          .recover(e -> Future.failedFuture(DialbackException.of(e, address)));
    } catch (RuntimeException e) {
      return Future.failedFuture(DialbackException.of(e, address));
    }
  }

  Future<Subscription> subscribe(String address, Handler<JsonObject> handler) {
    return transport
        .subscribe(address, handler)
        .recover(e -> Future.failedFuture(DialbackException.of(e, address)));
  }
}
