package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every frame shape the writer makes, read back by Jackson as the stock bridge's clients would read
 * it, for awkward strings too; and the exact shapes the stock {@code TcpEventBusBridge} writes.
 */
class FrameWriterTest {
  private static final String[] AWKWARD = {
    "plain.address",
    "",
    "quote\"back\\slash",
    "tab\tnew\nline\u0000nul\u001f",
    "héllo wörld",
    "日本語",
    "emoji \uD83D\uDE00",
    "del\u007f",
  };

  private static JsonObject decode(Buffer frame) {
    assertThat(frame.getInt(0)).as("length prefix").isEqualTo(frame.length() - 4);
    return new JsonObject(frame.slice(4, frame.length()));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
  void messageFramesCarryAnyStringExactly(int i) {
    String s = AWKWARD[i];
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("h-" + s, s).add("n", "1");
    JsonObject frame = decode(FrameWriter.message("agent." + s, "r." + s, headers, true, s));
    assertThat(frame)
        .isEqualTo(
            new JsonObject()
                .put("type", "message")
                .put("address", "agent." + s)
                .put("replyAddress", "r." + s)
                .put("headers", new JsonObject().put("h-" + s, s).put("n", "1"))
                .put("body", s)
                .put("send", true));
  }

  @Test
  void messageFramesLookLikeTheStockBridges() {
    assertThat(
            FrameWriter.message("addr", null, null, false, new JsonObject().put("k", 1))
                .toString()
                .substring(4))
        .isEqualTo(
            "{\"type\":\"message\",\"address\":\"addr\",\"headers\":{},\"body\":{\"k\":1},\"send\":false}");
  }

  @Test
  void theHubsOwnHeadersStayOutInAnySpellingExceptFrom() {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add(Wire.HEADER_FROM, "agent.a")
            .add("dialback.body", "json")
            .add("Dialback.Body", "json")
            .add("DIALBACK.TOPIC", "x")
            .add("user", "u");

    JsonObject frame = decode(FrameWriter.message("x", null, headers, false, null));

    assertThat(frame.getJsonObject("headers"))
        .isEqualTo(new JsonObject().put(Wire.HEADER_FROM, "agent.a").put("user", "u"));
    assertThat(frame.containsKey("body")).isFalse();
    assertThat(frame.containsKey("replyAddress")).isFalse();
    assertThat(frame.getBoolean("send")).isFalse();
  }

  @Test
  void rawJsonBodiesAreCopiedAsTheyCame() {
    Buffer raw = Buffer.buffer("{\"z\":1, \"a\" : [true,null]}");

    Buffer written = FrameWriter.message("x", "r.1", null, true, new RawJson(raw));

    assertThat(written.toString()).contains(",\"body\":{\"z\":1, \"a\" : [true,null]},");
    assertThat(decode(written).getJsonObject("body"))
        .isEqualTo(new JsonObject().put("z", 1).put("a", new JsonArray().add(true).addNull()));
  }

  @Test
  void binaryDataGoesAsABinaryFrameToPeersThatAskedAndAsBase64ToOthers() throws Exception {
    Buffer data = Buffer.buffer(new byte[] {0, 1, 2, (byte) 255});
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("size", "4");

    Buffer binary = FrameWriter.message("a", "r", headers, true, data, true);
    Frame read = Frame.read(binary.slice(4, binary.length()), true);
    assertThat(read.type()).isEqualTo(FrameType.MESSAGE);
    assertThat(read.replyAddress()).isEqualTo("r");
    assertThat(read.headers()).isEqualTo(new JsonObject().put("size", "4"));
    assertThat(read.binary().getBytes()).containsExactly(0, 1, 2, 255);

    JsonObject base64 = decode(FrameWriter.message("a", "r", headers, true, data, false));
    assertThat(base64.getBinary("body")).isEqualTo(data.getBytes());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 3, 4, 6})
  void sendFramesCarryAnyStringExactly(int i) {
    String s = AWKWARD[i];
    JsonObject headers = new JsonObject().put("timeout", 1500L).put("flag", true).put("k" + s, s);

    JsonObject frame = decode(FrameWriter.send(Wire.SEND, s, "r.7", headers, s));

    assertThat(frame)
        .isEqualTo(
            new JsonObject()
                .put("type", "send")
                .put("address", s)
                .put("replyAddress", "r.7")
                .put("headers", headers)
                .put("body", s));
  }

  @Test
  void publishWithoutHeadersOrReplyAddressHasNeither() {
    JsonObject frame = decode(FrameWriter.send(Wire.PUBLISH, "news", null, null, 42));

    assertThat(frame)
        .isEqualTo(new JsonObject().put("type", "publish").put("address", "news").put("body", 42));
  }

  @Test
  void clientBinarySendsCarryTheirHeaderAndRawBytes() throws Exception {
    Buffer data = Buffer.buffer(new byte[] {9, 8, 7});
    Buffer frame = FrameWriter.send(Wire.SEND, "x", "r.1", null, data, true);
    Frame read = Frame.read(frame.slice(4, frame.length()), true);
    assertThat(read.type()).isEqualTo(FrameType.SEND);
    assertThat(read.address()).isEqualTo("x");
    assertThat(read.binary().getBytes()).containsExactly(9, 8, 7);
    assertThat(decode(FrameWriter.send(Wire.SEND, "x", null, null, data)).getBinary("body"))
        .as("without the extension, base64 like the stock bridge")
        .isEqualTo(data.getBytes());
  }

  @Test
  void errFramesAnswerARequestLikeTheStockBridge() {
    assertThat(decode(FrameWriter.replyError("r.1", "a.b", ReplyFailure.NO_HANDLERS, -1, "none")))
        .isEqualTo(
            new JsonObject()
                .put("type", "err")
                .put("address", "r.1")
                .put("sourceAddress", "a.b")
                .put("failureCode", -1)
                .put("failureType", "NO_HANDLERS")
                .put("message", "none"));
  }

  @Test
  void refusalsStartWithTheirLabel() {
    JsonObject err =
        decode(
            FrameWriter.refusal(FailureCode.DENIED, "agent.b.x belongs to agent b", "agent.b.x"));
    assertThat(err.getString("message")).isEqualTo("access_denied: agent.b.x belongs to agent b");
    assertThat(err.getInteger("failureCode")).isEqualTo(403);
    assertThat(err.getString("address")).isEqualTo("agent.b.x");
    assertThat(decode(FrameWriter.refusal(FailureCode.BUSY, "x", null)).containsKey("address"))
        .isFalse();
  }

  @Test
  void failureRepliesSubscriptionsPingAndPong() {
    assertThat(decode(FrameWriter.failure("r.2", 404, "not_found: x")))
        .isEqualTo(
            new JsonObject()
                .put("type", "send")
                .put("address", "r.2")
                .put("failureCode", 404)
                .put("message", "not_found: x"));
    assertThat(decode(FrameWriter.subscription(Wire.REGISTER, "a.b")))
        .isEqualTo(new JsonObject().put("type", "register").put("address", "a.b"));
    assertThat(decode(FrameWriter.ping())).isEqualTo(new JsonObject().put("type", "ping"));
    assertThat(decode(FrameWriter.pong())).isEqualTo(new JsonObject().put("type", "pong"));
  }

  @Test
  void aRequestCarriesItsTimeoutInPlaceOfAnyInItsHeaders() {
    JsonObject body = new JsonObject().put("path", "/tmp");
    JsonObject[] headersCases = {
      null,
      new JsonObject(),
      new JsonObject().put("timeout", 99).put("trace", "t-1"),
      new JsonObject().put("trace", "q\"uote").put("n", 7).put("flag", true),
    };
    for (JsonObject headers : headersCases) {
      JsonObject expected = headers == null ? new JsonObject() : headers.copy();
      expected.put("timeout", 2500L);
      JsonObject viaSend =
          decode(FrameWriter.send(Wire.SEND, "agent.a.fs.stat", "r.1", expected, body));
      JsonObject viaRequest =
          decode(FrameWriter.request("agent.a.fs.stat", "r.1", headers, 2500, body, false));
      assertThat(viaRequest).as("headers %s", headers).isEqualTo(viaSend);
      assertThat(viaRequest.getJsonObject("headers").getLong("timeout")).isEqualTo(2500L);
    }
    assertThat(headersCases[2].getInteger("timeout"))
        .as("the caller's headers untouched")
        .isEqualTo(99);
  }
}
