package io.dialback.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.25);

  @Test
  void growsExponentiallyWithinItsJitter() {
    for (int i = 0; i < 200; i++) {
      assertThat(backoff.delayMs(1)).isBetween(75L, 125L);
      assertThat(backoff.delayMs(2)).isBetween(150L, 250L);
      assertThat(backoff.delayMs(4)).isBetween(600L, 1000L);
    }
  }

  @Test
  void isCappedEvenForHugeAttemptCounts() {
    for (int attempt : new int[] {7, 30, 63, 1_000_000}) {
      assertThat(backoff.delayMs(attempt)).isBetween(1L, 5_000L);
    }
  }

  @Test
  void firstRetryAfterADropIsSpreadOverTheInitialDelay() {
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 500; i++) {
      long d = backoff.delayMs(0);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertThat(min).isLessThan(30);
    assertThat(max).isBetween(70L, 100L);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0.1))
        .hasMessageContaining("initial");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0.1))
        .hasMessageContaining("max");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.5))
        .hasMessageContaining("jitter");
  }
}
