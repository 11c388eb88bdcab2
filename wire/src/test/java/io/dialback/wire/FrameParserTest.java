package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
  void neverWritesIntoAChunkItWasHanded() {
    // Over an in-process pipe a chunk is the writer's own buffer, which it may write elsewhere too.
    Buffer shared = frame("{\"a\":1}");
    Buffer sharedPart = frame("{\"b\":2}").getBuffer(0, 6);
    parser.pause();
    parser.handle(shared);
    parser.handle(frame("{\"c\":3}"));
    parser.resume();
    parser.handle(sharedPart);
    parser.handle(frame("{\"b\":2}").getBuffer(6, 11));
    assertThat(frames).containsExactly("{\"a\":1}", "{\"c\":3}", "{\"b\":2}");
    assertThat(shared).isEqualTo(frame("{\"a\":1}"));
    assertThat(sharedPart).isEqualTo(frame("{\"b\":2}").getBuffer(0, 6));
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

  @Test
  void handsOutEveryFrameWhereverTheChunksSplitThem() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      List<String> sent = new ArrayList<>();
      Buffer all = Buffer.buffer();
      for (int i = 0; i < 30; i++) {
        String payload = "f" + round + "." + i + "x".repeat(random.nextInt(60));
        sent.add(payload);
        all.appendBuffer(frame(payload));
      }
      List<String> got = new ArrayList<>();
      boolean pauseEach = round % 2 == 1;
      FrameParser[] self = new FrameParser[1];
      self[0] =
          new FrameParser(
              128,
              new FrameParser.Listener() {
                @Override
                public void onFrame(Buffer payload) {
                  got.add(payload.toString(StandardCharsets.UTF_8));
                  if (pauseEach) {
                    self[0].pause();
                  }
                }

                @Override
                public void onOversize(long declaredLength, int maxFrameBytes) {
                  throw new AssertionError("oversize " + declaredLength);
                }
              });
      int at = 0;
      while (at < all.length()) {
        int next = Math.min(all.length(), at + 1 + random.nextInt(150));
        self[0].handle(all.getBuffer(at, next));
        at = next;
        if (pauseEach && random.nextBoolean()) {
          self[0].resume();
        }
      }
      while (got.size() < sent.size() && pauseEach) {
        int before = got.size();
        self[0].resume();
        assertThat(got.size()).as("resume hands out the next frame").isGreaterThan(before);
      }
      assertThat(got).as("round %d", round).isEqualTo(sent);
      assertThat(self[0].buffered()).isZero();
    }
  }
}
