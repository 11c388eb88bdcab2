package io.dialback.client;

import io.dialback.wire.Frame;
import io.dialback.wire.RawJson;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A message received over the bridge: a delivery to one of the client's consumers, or the reply to
 * one of its requests. When it carries a reply address, answer it with {@link #reply} or {@link
 * #fail}.
 */
public final class BridgeMessage {
  private final Link link;
  private final String address;
  private final String replyAddress;
  private final JsonObject headers;
  private final Frame frame;
  private Object body;
  private boolean decoded;
  private final boolean send;
  private boolean tracked;

  BridgeMessage(
      Link link,
      String address,
      String replyAddress,
      JsonObject headers,
      Frame frame,
      boolean send) {
    this.link = link;
    this.address = address;
    this.replyAddress = replyAddress;
    this.headers = headers == null ? new JsonObject() : headers;
    this.frame = frame;
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

  /**
   * The body: a {@code JsonObject}, {@code JsonArray}, string, number, boolean or null — or a
   * {@code Buffer} for binary-extension data. Decoded on first use.
   */
  public Object body() {
    if (!decoded) {
      body = frame.body();
      decoded = true;
    }
    return body;
  }

  /**
   * The JSON body as it arrived, undecoded (for passing it on: a reply or request with it as body
   * copies it verbatim); {@code null} for binary data or no body.
   */
  public RawJson rawBody() {
    Buffer raw = frame.rawBody();
    return raw == null ? null : new RawJson(raw);
  }

  /** Binary-extension data, or {@code null} for a JSON body. */
  public Buffer binary() {
    return frame.binary();
  }

  /** The body as an object; fails with a clear message when it is something else. */
  public JsonObject bodyAsJsonObject() {
    Object body = body();
    if (body instanceof JsonObject) {
      return (JsonObject) body;
    }
    throw new IllegalStateException(
        "body of message on " + address + " is not an object: " + describe(body));
  }

  public JsonArray bodyAsJsonArray() {
    Object body = body();
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
    return answer(() -> link.reply(replyAddress, replyBody, replyHeaders));
  }

  /** Answers with a failure; the caller sees {@code RECIPIENT_FAILURE} with this code. */
  public Future<Void> fail(int failureCode, String message) {
    return answer(
        () -> {
          link.fail(replyAddress, failureCode, message);
          return Future.succeededFuture();
        });
  }

  /** Counts this delivery as waiting for its consumer's answer on its connection. */
  void track() {
    if (replyAddress != null && !tracked) {
      tracked = true;
      link.outstanding(1);
    }
  }

  private Future<Void> answer(java.util.function.Supplier<Future<Void>> write) {
    if (replyAddress == null) {
      return Future.failedFuture(
          new IllegalStateException("message on " + address + " expects no reply"));
    }
    return link.onContext(
        () -> {
          if (tracked) {
            tracked = false;
            link.outstanding(-1);
          }
          return link.ended()
              ? Future.failedFuture(
                  new IllegalStateException(
                      "the connection that delivered the message is gone; the caller was told"))
              : write.get();
        });
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return "BridgeMessage[address=" + address + ", replyAddress=" + replyAddress + "]";
  }
}
