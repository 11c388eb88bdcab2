package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FramesTest {
  @Test
  void encodePrefixesTheUtf8LengthAndDecodeReadsItBack() throws Exception {
    JsonObject frame = Frames.message("a.b", "r.1", null, true, "héllo");
    Buffer encoded = Frames.encode(frame);
    assertThat(encoded.getInt(0)).isEqualTo(encoded.length() - 4);
    assertThat(Frames.decode(encoded.slice(4, encoded.length()))).isEqualTo(frame);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "[]", "\"s\"", "1", "null", "{", "\u0000binary"})
  void decodeRefusesWhatIsNotOneJsonObject(String payload) {
    assertThatThrownBy(() -> Frames.decode(Buffer.buffer(payload)))
        .isInstanceOfSatisfying(
            FrameException.class, e -> assertThat(e.code()).isEqualTo(FailureCode.BAD_REQUEST));
  }

  @Test
  void messageFramesLookLikeTheStockBridges() {
    assertThat(Frames.message("addr", null, null, false, new JsonObject().put("k", 1)))
        .isEqualTo(
            new JsonObject()
                .put("type", "message")
                .put("address", "addr")
                .put("headers", new JsonObject())
                .put("body", new JsonObject().put("k", 1))
                .put("send", false));
  }

  @Test
  void refusalsStartWithTheirLabel() {
    JsonObject err =
        Frames.refusal(FailureCode.DENIED, "agent.b.x belongs to agent b", "agent.b.x");
    assertThat(err.getString("message")).isEqualTo("access_denied: agent.b.x belongs to agent b");
    assertThat(err.getInteger("failureCode")).isEqualTo(403);
    assertThat(err.getString("address")).isEqualTo("agent.b.x");
  }
}
