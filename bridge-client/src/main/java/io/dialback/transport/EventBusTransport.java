package io.dialback.transport;

import io.dialback.link.NoHandlerRetry;
import io.dialback.wire.RawJsonCodec;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Objects;

/**
 * {@link Transport} on a Vert.x event bus: requests go to the hub that holds the agent's
 * connection, wherever it is in the cluster, and binary data crosses as {@code Buffer}s.
 */
final class EventBusTransport implements Transport {
  private final Vertx vertx;
  private final String identity;

  EventBusTransport(Vertx vertx, String identity) {
    this.vertx = Objects.requireNonNull(vertx, "vertx == null");
    this.identity = Objects.requireNonNull(identity, "identity == null");
    RawJsonCodec.install(vertx.eventBus()); // hubs may pass agents' replies on undecoded
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public boolean binary() {
    return true;
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public boolean closed() {
    return false;
  }

  @Override
  public Future<Reply> request(String address, JsonObject body, Duration timeout) {
    DeliveryOptions options =
        new DeliveryOptions()
            .setSendTimeout(timeout.toMillis())
            .addHeader(Wire.HEADER_FROM, identity);
    // An agent moving between hubs is briefly served by none: send again (nothing ran).
    return NoHandlerRetry.<Message<Object>>send(
            vertx,
            timeout.toMillis(),
            ms ->
                vertx
                    .eventBus()
                    .request(address, body, new DeliveryOptions(options).setSendTimeout(ms)))
        .map(EventBusReply::new);
  }

  @Override
  public Future<Subscription> subscribe(String address, Handler<JsonObject> handler) {
    MessageConsumer<Object> consumer =
        vertx
            .eventBus()
            .consumer(
                address,
                m -> {
                  if (m.body() instanceof JsonObject) {
                    handler.handle((JsonObject) m.body());
                  }
                });
    return consumer.completion().map(v -> new EventBusSubscription(address, consumer));
  }

  private record EventBusSubscription(String address, MessageConsumer<Object> consumer)
      implements Subscription {
    @Override
    public Future<Void> cancel() {
      return consumer.unregister();
    }
  }

  private record EventBusReply(Message<Object> message) implements Reply {
    @Override
    public Buffer data() {
      return message.body() instanceof Buffer ? (Buffer) message.body() : null;
    }

    @Override
    public String header(String name) {
      return message.headers().get(name);
    }

    @Override
    public JsonObject json() {
      Object body = message.body();
      if (body instanceof JsonObject) {
        return (JsonObject) body;
      }
      throw new IllegalStateException(
          "reply body is " + (body == null ? "empty" : "a " + body.getClass().getSimpleName()));
    }

    @Override
    public Buffer jsonText() {
      return null;
    }
  }
}
