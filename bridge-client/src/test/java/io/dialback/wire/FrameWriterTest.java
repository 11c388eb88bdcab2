package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FrameWriter must write what the JSON-tree path ({@link Frames}) means, for any strings. */
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

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
  void messageFramesMeanTheSameAsTheJsonTreeOnes(int i) throws Exception {
    String s = AWKWARD[i];
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("h-" + s, s).add("n", "1");
    Object body = new JsonObject().put(s, s).put("list", new JsonArray().add(s).add(2.5));

    Buffer written = FrameWriter.message("agent." + s, "r." + s, headers, true, body);

    assertThat(written.getInt(0)).isEqualTo(written.length() - 4);
    JsonObject expected =
        Frames.message("agent." + s, "r." + s, Frames.headers(headers), true, body);
    assertThat(Frames.decode(written.slice(4, written.length()))).isEqualTo(expected);
  }

  @Test
  void theHubsOwnHeadersStayOutInAnySpellingExceptFrom() throws Exception {
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
  void rawJsonBodiesAreCopiedAsTheyCame() throws Exception {
    Buffer raw = Buffer.buffer("{\"z\":1, \"a\" : [true,null]}");

    Buffer written = FrameWriter.message("x", "r.1", null, true, new RawJson(raw));

    assertThat(written.toString()).contains(",\"body\":{\"z\":1, \"a\" : [true,null]},");
    assertThat(decode(written).getJsonObject("body"))
        .isEqualTo(new JsonObject().put("z", 1).put("a", new JsonArray().add(true).addNull()));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2, 3, 4, 6})
  void sendFramesMeanTheSameAsTheJsonTreeOnes(int i) throws Exception {
    String s = AWKWARD[i];
    JsonObject headers = new JsonObject().put("timeout", 1500L).put("flag", true).put("k" + s, s);

    Buffer written = FrameWriter.send(Wire.SEND, s, "r.7", headers, s);

    assertThat(decode(written)).isEqualTo(Frames.send(Wire.SEND, s, "r.7", headers, s));
  }

  @Test
  void publishWithoutHeadersOrReplyAddressHasNeither() throws Exception {
    JsonObject frame = decode(FrameWriter.send(Wire.PUBLISH, "news", null, null, 42));

    assertThat(frame)
        .isEqualTo(new JsonObject().put("type", "publish").put("address", "news").put("body", 42));
  }

  @Test
  void buffersWithoutTheBinaryExtensionGoAsBase64LikeTheStockBridge() throws Exception {
    Buffer data = Buffer.buffer(new byte[] {0, 1, (byte) 0xff});

    JsonObject frame = decode(FrameWriter.send(Wire.SEND, "x", null, null, data));

    assertThat(frame.getBinary("body")).isEqualTo(data.getBytes());
  }

  private static JsonObject decode(Buffer frame) throws FrameException {
    assertThat(frame.getInt(0)).isEqualTo(frame.length() - 4);
    return Frames.decode(frame.slice(4, frame.length()));
  }
}
