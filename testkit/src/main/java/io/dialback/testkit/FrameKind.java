package io.dialback.testkit;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The frames a peer can carry a message in — a request (JSON or binary), a send without reply, a
 * publish (JSON or binary) — for tests that try one attack through each of them.
 */
public enum FrameKind {
  SEND_REPLY_JSON(true, false, "send"),
  SEND_REPLY_BINARY(true, true, "send"),
  SEND_JSON(false, false, "send"),
  PUBLISH_JSON(false, false, "publish"),
  PUBLISH_BINARY(false, true, "publish");

  /** Whether the frame carries a reply address. */
  public final boolean withReply;

  /** Whether it is a binary-extension frame. */
  public final boolean binary;

  public final String type;

  FrameKind(boolean withReply, boolean binary, String type) {
    this.withReply = withReply;
    this.binary = binary;
    this.type = type;
  }

  /** Sends {@code body} (JSON text, or the bytes of a binary frame) to {@code address}. */
  public void send(RawBridgeSocket s, String address, String reply, JsonObject headers, String body)
      throws IOException {
    JsonObject frame = new JsonObject().put("type", type).put("address", address);
    if (reply != null) {
      frame.put("replyAddress", reply);
    }
    if (!headers.isEmpty()) {
      frame.put("headers", headers);
    }
    if (binary) {
      s.sendBinary(frame, body.getBytes(StandardCharsets.UTF_8));
    } else {
      String json = frame.encode();
      s.sendBytes(
          (json.substring(0, json.length() - 1) + ",\"body\":" + body + "}")
              .getBytes(StandardCharsets.UTF_8));
    }
  }
}
