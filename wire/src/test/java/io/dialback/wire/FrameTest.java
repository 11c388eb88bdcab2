package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameTest {
  private static Frame read(String json) throws FrameException {
    return Frame.read(Buffer.buffer(json), false);
  }

  @Test
  void readsTypedFieldsAndKeepsTheBodyAsItCame() throws Exception {
    Frame f =
        read(
            "{\"type\":\"send\",\"address\":\"a.b\",\"replyAddress\":\"r\",\"headers\":{\"x\":\"1\"},\"body\":{\"k\":[1, 2,\"é\"]}}");
    assertThat(f.type()).isEqualTo(FrameType.SEND);
    assertThat(f.address()).isEqualTo("a.b");
    assertThat(f.replyAddress()).isEqualTo("r");
    assertThat(f.headers()).isEqualTo(new JsonObject().put("x", "1"));
    assertThat(f.rawBody().toString()).isEqualTo("{\"k\":[1, 2,\"é\"]}");
    assertThat(f.body())
        .isEqualTo(new JsonObject().put("k", new JsonArray().add(1).add(2).add("é")));
  }

  @Test
  void readsTheServersFramesToo() throws Exception {
    Frame err =
        read(
            "{\"type\":\"err\",\"address\":\"r.1\",\"failureCode\":404,\"failureType\":\"RECIPIENT_FAILURE\",\"message\":\"not_found: x\"}");
    assertThat(err.type()).isEqualTo(FrameType.ERR);
    assertThat(err.failureCode()).isEqualTo(404);
    assertThat(err.failureType()).isEqualTo("RECIPIENT_FAILURE");
    assertThat(err.message()).isEqualTo("not_found: x");
    assertThat(read("{\"type\":\"message\",\"address\":\"a\",\"send\":false}").isSend()).isFalse();
    assertThat(read("{\"type\":\"message\",\"address\":\"a\"}").isSend()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"\"text with \\\"quotes\\\"\"", "42", "-4.5e3", "true", "null", "[1,{}]", "\"\""})
  void everyKindOfBodyHasItsExactSpan(String body) throws Exception {
    Frame f = read("{\"type\":\"send\",\"body\":" + body + ",\"address\":\"a\"}");
    assertThat(f.rawBody().toString()).isEqualTo(body);
    assertThat(f.address()).isEqualTo("a");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "[]", "\"s\"", "{", "{\"type\":\"send\"} trailing", "{\"body\":{\"a\":}}"})
  void refusesWhatIsNotOneWellFormedObject(String payload) {
    assertThatThrownBy(() -> read(payload))
        .isInstanceOfSatisfying(
            FrameException.class, ex -> assertThat(ex.code()).isEqualTo(FailureCode.BAD_REQUEST));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"replyAddress\":\"r.9\"}|frame has no type",
        "{\"type\":7,\"replyAddress\":\"r.9\"}|type must be a string",
        "{\"type\":\"Send\",\"replyAddress\":\"r.9\"}|unknown type \"Send\"",
        "{\"type\":\"send\",\"address\":5,\"replyAddress\":\"r.9\"}|address must be a string",
        "{\"type\":\"send\",\"headers\":[1],\"replyAddress\":\"r.9\"}|headers must be an object",
        "{\"type\":\"send\",\"failureCode\":\"x\",\"replyAddress\":\"r.9\"}|failureCode must be an integer"
      })
  void aFieldOfTheWrongKindIsRefusedAndTheRefusalKnowsWhereToGo(String input) {
    String[] parts = input.split("\\|");
    assertThatThrownBy(() -> read(parts[0]))
        .isInstanceOfSatisfying(
            FrameException.class,
            ex -> {
              assertThat(ex.getMessage()).contains(parts[1]);
              assertThat(ex.replyAddress()).isEqualTo("r.9");
            });
  }

  @Test
  void aReplyAddressOfTheWrongKindIsRefusedWithoutOne() {
    assertThatThrownBy(() -> read("{\"type\":\"send\",\"replyAddress\":{}}"))
        .isInstanceOfSatisfying(
            FrameException.class,
            ex -> {
              assertThat(ex.getMessage()).contains("replyAddress must be a string");
              assertThat(ex.replyAddress()).isNull();
            });
  }

  @Test
  void binaryFramesCarryHeaderAndRawBytes() throws Exception {
    Buffer frame =
        FrameWriter.send(
            Wire.SEND, "a", null, null, Buffer.buffer(new byte[] {0, 1, 2, (byte) 255}), true);
    Buffer payload = frame.slice(4, frame.length());
    assertThatThrownBy(() -> Frame.read(payload, false)).hasMessageContaining("did not negotiate");
    Frame f = Frame.read(payload, true);
    assertThat(f.address()).isEqualTo("a");
    assertThat(f.binary().getBytes()).containsExactly(0, 1, 2, 255);
    assertThat(f.body()).isEqualTo(f.binary());
  }

  @Test
  void aRawBodyIsCopiedIntoAFrameUnchanged() throws Exception {
    Buffer raw = Buffer.buffer("{\"z\":\"unchanged\",\"n\":1}");
    Buffer frame = FrameWriter.message("a", "r", null, true, new RawJson(raw));
    Frame f = Frame.read(frame.slice(4, frame.length()), false);
    assertThat(f.rawBody()).isEqualTo(raw);
    assertThat(f.replyAddress()).isEqualTo("r");
  }
}
