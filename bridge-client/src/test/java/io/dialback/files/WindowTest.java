package io.dialback.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The download window, driven by made-up replies on a made-up clock. */
class WindowTest {
  private static final int CHUNK = 512 * 1024;
  private static final long MS = 1_000_000;

  /**
   * A link of {@code mibPerSecond} with {@code rttMs} of round trip: replies come back one chunk
   * time apart once the pipe is full, each {@code rttMs} after its request plus its queueing.
   */
  private static int settle(double mibPerSecond, long rttMs, int initial, int max) {
    Window window = new Window(initial, max, CHUNK);
    long chunkNanos = (long) (CHUNK / (mibPerSecond * 1024 * 1024) * 1e9);
    long now = 0;
    for (int i = 0; i < 2_000; i++) {
      // With w chunks in flight the link delivers min(bandwidth, w chunks per round trip).
      long perChunk = Math.max(chunkNanos, rttMs * MS / window.size());
      now += perChunk;
      // The first reply finds the link empty; later ones queue behind the window's others.
      long queued = i == 0 ? 0 : (long) window.size() * chunkNanos;
      long rtt = Math.max(rttMs * MS + chunkNanos, queued);
      window.delivered(CHUNK, rtt, now);
    }
    return window.size();
  }

  @Test
  void onLoopbackItStaysAtItsInitialSize() {
    assertThat(settle(150, 0, 8, 32)).isEqualTo(8);
  }

  @Test
  void withFiftyMillisecondsOfRoundTripItGrowsToHoldTheBandwidthDelayProduct() {
    // 100 MiB/s × 50 ms = 5 MiB = 10 chunks in flight to fill the link; twice that, plus two.
    int size = settle(100, 50, 8, 64);
    assertThat(size).isBetween(20, 26);
  }

  @Test
  void itNeverPassesItsMemoryBound() {
    assertThat(settle(1_000, 100, 8, 32)).isEqualTo(32);
  }

  @Test
  void aFixedWindowStaysFixed() {
    assertThat(settle(100, 50, 8, 8)).isEqualTo(8);
  }
}
