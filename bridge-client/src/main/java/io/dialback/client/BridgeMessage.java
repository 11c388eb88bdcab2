package io.dialback.client;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A message received over the bridge: a delivery to one of the client's consumers, or the reply to
 * one of its requests. When it carries a reply address, answer it with {@link #reply} or {@link
 * #fail}.
 */
public final class BridgeMessage {
  private final BridgeClient client;
  private final long connection;
  private final String address;
  private final String replyAddress;
  private final JsonObject headers;
  private final Object body;
  private final boolean send;

  BridgeMessage(
      BridgeClient client,
      long connection,
      String address,
      String replyAddress,
      JsonObject headers,
      Object body,
      boolean send) {
    this.client = client;
    this.connection = connection;
    this.address = address;
    this.replyAddress = replyAddress;
    this.headers = headers == null ? new JsonObject() : headers;
    this.body = body;
    this.send = send;
  }

  public String address() {
    return address;
  }

  /** Where a reply goes, or {@code null} when none is expected. */
  public String replyAddress() {
    return replyAddress;
  }

  public JsonObject headers() {
    return headers;
  }

  /** The JSON body: a {@code JsonObject}, {@code JsonArray}, string, number, boolean or null. */
  public Object body() {
    return body;
  }

  /** The body as an object; fails with a clear message when it is something else. */
  public JsonObject bodyAsJsonObject() {
    if (body instanceof JsonObject) {
      return (JsonObject) body;
    }
    throw new IllegalStateException(
        "body of message on " + address + " is not an object: " + describe(body));
  }

  public JsonArray bodyAsJsonArray() {
    if (body instanceof JsonArray) {
      return (JsonArray) body;
    }
    throw new IllegalStateException(
        "body of message on " + address + " is not an array: " + describe(body));
  }

  /** True for a point-to-point send, false for a publish. */
  public boolean isSend() {
    return send;
  }

  /** Answers this message. */
  public Future<Void> reply(Object replyBody) {
    return reply(replyBody, null);
  }

  public Future<Void> reply(Object replyBody, JsonObject replyHeaders) {
    return client.replyTo(this, connection, replyBody, replyHeaders);
  }

  /** Answers with a failure; the caller sees {@code RECIPIENT_FAILURE} with this code. */
  public Future<Void> fail(int failureCode, String message) {
    return client.failTo(this, connection, failureCode, message);
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return "BridgeMessage[address=" + address + ", replyAddress=" + replyAddress + "]";
  }
}
