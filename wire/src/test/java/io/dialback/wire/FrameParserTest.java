package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameParserTest {
  private final List<String> frames = new ArrayList<>();
  private final List<Long> oversize = new ArrayList<>();
  private final FrameParser parser =
      new FrameParser(
          64,
          new FrameParser.Listener() {
            @Override
            public void onFrame(Buffer payload) {
              frames.add(payload.toString(StandardCharsets.UTF_8));
            }

            @Override
            public void onOversize(long declaredLength, int maxFrameBytes) {
              oversize.add(declaredLength);
            }
          });

  private static Buffer frame(String payload) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(bytes.length).appendBytes(bytes);
  }

  @Test
  void splitsSeveralFramesInOneChunk() {
    parser.handle(frame("{\"a\":1}").appendBuffer(frame("")).appendBuffer(frame("{\"b\":2}")));
    assertThat(frames).containsExactly("{\"a\":1}", "", "{\"b\":2}");
  }

  @Test
  void reassemblesAFrameFedOneByteAtATime() {
    Buffer all = frame("{\"x\":\"yz\"}").appendBuffer(frame("{}"));
    for (int i = 0; i < all.length(); i++) {
      parser.handle(all.getBuffer(i, i + 1));
    }
    assertThat(frames).containsExactly("{\"x\":\"yz\"}", "{}");
    assertThat(parser.buffered()).isZero();
  }

  @Test
  void refusesAnOversizeLengthBeforeItsBytesArriveAndStops() {
    parser.handle(Buffer.buffer().appendInt(65));
    assertThat(oversize).containsExactly(65L);
    parser.handle(frame("{}"));
    assertThat(frames).as("nothing after an oversize frame").isEmpty();
  }

  @Test
  void refusesANegativeLength() {
    parser.handle(Buffer.buffer().appendInt(-5));
    assertThat(oversize).containsExactly(-5L);
  }

  @Test
  void holdsFramesWhilePausedAndHandsThemOutOnResume() {
    parser.pause();
    parser.handle(frame("1").appendBuffer(frame("2")));
    assertThat(frames).isEmpty();
    parser.resume();
    assertThat(frames).containsExactly("1", "2");
  }

  @Test
  void aSmallerBoundAppliesToFramesNotYetStarted() {
    parser.setMaxFrameBytes(4);
    parser.handle(frame("1234"));
    parser.handle(frame("12345"));
    assertThat(frames).containsExactly("1234");
    assertThat(oversize).containsExactly(5L);
  }
}
