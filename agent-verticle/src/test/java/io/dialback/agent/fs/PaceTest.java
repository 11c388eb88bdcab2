package io.dialback.agent.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pace of an upload, on a clock the test moves by hand. */
class PaceTest {
  private static final long MS = 1_000_000;

  @Test
  void nothingIsJudgedBeforeTheFirstWindowEnds() {
    Pace pace = new Pace(1_000, 30_000, 1024, 0);
    assertThat(pace.tooSlow(29_999 * MS, 0)).isNull();
    assertThat(pace.tooSlow(30_000 * MS, 0))
        .isEqualTo(
            "0 bytes arrived in 30.0 s of waiting for the sender, below"
                + " fs.uploadMinBytesPerSecond (1000 bytes/s)");
  }

  @Test
  void eachWindowMustCarryTheMinimumOnItsOwn() {
    Pace pace = new Pace(1_000, 1_000, 100, 0);
    assertThat(pace.tooSlow(1_000 * MS, 5_000)).as("a fast first window").isNull();
    assertThat(pace.tooSlow(1_500 * MS, 5_000)).as("the next window is not over").isNull();
    assertThat(pace.tooSlow(2_000 * MS, 5_999)).as("999 bytes in the second").isNotNull();
  }

  @Test
  void exactlyTheMinimumIsEnough() {
    Pace pace = new Pace(1_000, 1_000, 100, 0);
    assertThat(pace.tooSlow(1_000 * MS, 1_000)).isNull();
  }

  @Test
  void timeTheAgentTakesWithAChunkIsNotTheSendersFault() {
    Pace pace = new Pace(1_000, 1_000, 100, 0);
    pace.chunkStarted(100 * MS);
    assertThat(pace.tooSlow(1_000 * MS, 0)).as("never judged while a chunk is written").isNull();
    pace.chunkDone(1_900 * MS); // a slow disk took 1.8 s
    // 300 bytes in 2 s, but the agent waited for the sender only 0.2 s of it.
    assertThat(pace.tooSlow(2_000 * MS, 300)).isNull();
  }

  @Test
  void aMinimumOfZeroNeverEndsAnUpload() {
    Pace pace = new Pace(0, 100, 8 * 1024 * 1024, 0);
    assertThat(pace.tooSlow(1_000_000 * MS, 0)).isNull();
  }

  @Test
  void aWindowLastsAtLeastTwoWholeChunksAtTheMinimumRate() {
    // 512 KiB chunks at 16 KiB/s take 32 s each: a 30 s window could hold none of them.
    assertThat(Pace.windowNanos(16 * 1024, 30_000, 512 * 1024)).isEqualTo(64_000 * MS);
    assertThat(Pace.windowNanos(16 * 1024, 30_000, 64 * 1024)).isEqualTo(30_000 * MS);
    // A sender at 1.5 times the minimum with such chunks is never judged too slow.
    Pace pace = new Pace(16 * 1024, 30_000, 512 * 1024, 0);
    long chunkTime = 512 * 1024 * 1000 / (24 * 1024) * MS; // at 24 KiB/s
    long offset = 0;
    for (long t = 0; t < 3_600_000 * MS; t += 100 * MS) {
      if (t >= (offset / (512 * 1024) + 1) * chunkTime) {
        offset += 512 * 1024;
      }
      assertThat(pace.tooSlow(t, offset)).as("at %d ms", t / MS).isNull();
    }
  }
}
