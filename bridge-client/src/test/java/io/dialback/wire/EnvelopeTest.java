package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeTest {
  private static Envelope read(String json) throws FrameException {
    return Envelope.read(Buffer.buffer(json), false);
  }

  @Test
  void readsTheRoutingFieldsAndKeepsTheBodyAsItCame() throws Exception {
    Envelope e =
        read(
            "{\"type\":\"send\",\"address\":\"a.b\",\"replyAddress\":\"r\",\"headers\":{\"x\":\"1\"},\"body\":{\"k\":[1, 2,\"é\"]}}");
    assertThat(e.type()).isEqualTo("send");
    assertThat(e.address()).isEqualTo("a.b");
    assertThat(e.replyAddress()).isEqualTo("r");
    assertThat(e.headers()).isEqualTo(new JsonObject().put("x", "1"));
    assertThat(e.rawBody().toString()).isEqualTo("{\"k\":[1, 2,\"é\"]}");
    assertThat(e.body())
        .isEqualTo(new JsonObject().put("k", new JsonArray().add(1).add(2).add("é")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"\"text with \\\"quotes\\\"\"", "42", "-4.5e3", "true", "null", "[1,{}]", "\"\""})
  void everyKindOfBodyHasItsExactSpan(String body) throws Exception {
    Envelope e = read("{\"type\":\"send\",\"body\":" + body + ",\"address\":\"a\"}");
    assertThat(e.rawBody().toString()).isEqualTo(body);
    assertThat(e.address()).isEqualTo("a");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "[]", "\"s\"", "{", "{\"type\":\"send\"} trailing", "{\"body\":{\"a\":}}"})
  void refusesWhatIsNotOneWellFormedObject(String payload) {
    assertThatThrownBy(() -> read(payload))
        .isInstanceOfSatisfying(
            FrameException.class, ex -> assertThat(ex.code()).isEqualTo(FailureCode.BAD_REQUEST));
  }

  @Test
  void binaryFramesCarryHeaderAndRawBytes() throws Exception {
    Buffer frame =
        Frames.encodeBinary(
            new JsonObject().put("type", "send").put("address", "a"),
            Buffer.buffer(new byte[] {0, 1, 2, (byte) 255}));
    Buffer payload = frame.slice(4, frame.length());
    assertThatThrownBy(() -> Envelope.read(payload, false))
        .hasMessageContaining("did not negotiate");
    Envelope e = Envelope.read(payload, true);
    assertThat(e.address()).isEqualTo("a");
    assertThat(e.binary().getBytes()).containsExactly(0, 1, 2, 255);
  }

  @Test
  void aRawBodyIsCopiedIntoAFrameUnchanged() throws Exception {
    Buffer raw = Buffer.buffer("{\"z\":\"unchanged\",\"n\":1}");
    Buffer frame = Frames.encodeWithRawBody(Frames.message("a", "r", null, true, null), raw);
    Envelope e = Envelope.read(frame.slice(4, frame.length()), false);
    assertThat(frame.getInt(0)).isEqualTo(frame.length() - 4);
    assertThat(e.rawBody()).isEqualTo(raw);
    assertThat(e.replyAddress()).isEqualTo("r");
  }
}
