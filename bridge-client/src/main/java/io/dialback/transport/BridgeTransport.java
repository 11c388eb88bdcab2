package io.dialback.transport;

import io.dialback.client.BridgeClient;
import io.dialback.client.BridgeMessage;
import io.dialback.client.ClientState;
import io.dialback.client.Registration;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Objects;

/** {@link Transport} over a {@link BridgeClient}. */
final class BridgeTransport implements Transport {
  private final BridgeClient client;

  BridgeTransport(BridgeClient client) {
    this.client = Objects.requireNonNull(client, "client == null");
  }

  @Override
  public Vertx vertx() {
    return client.vertx();
  }

  @Override
  public boolean binary() {
    return client.binary();
  }

  @Override
  public boolean ready() {
    return client.state() == ClientState.CONNECTED;
  }

  @Override
  public boolean closed() {
    return client.state() == ClientState.CLOSED;
  }

  @Override
  public Future<Reply> request(String address, JsonObject body, Duration timeout) {
    return client.request(address, body, timeout, null).map(BridgeReply::new);
  }

  @Override
  public Future<Subscription> subscribe(String address, Handler<JsonObject> handler) {
    return client
        .consumer(address, m -> handler.handle(m.bodyAsJsonObject()))
        .map(registration -> new BridgeSubscription(address, registration));
  }

  private record BridgeSubscription(String address, Registration registration)
      implements Subscription {
    @Override
    public Future<Void> cancel() {
      return registration.unregister();
    }
  }

  private record BridgeReply(BridgeMessage message) implements Reply {
    @Override
    public Buffer data() {
      return message.binary();
    }

    @Override
    public String header(String name) {
      return message.headers().getString(name);
    }

    @Override
    public JsonObject json() {
      return message.bodyAsJsonObject();
    }

    @Override
    public Buffer jsonText() {
      return message.rawBody() == null ? null : message.rawBody().json();
    }
  }
}
