package io.dialback.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogSafeTest {

  @Test
  void plainTextIsKeptAsItIs() {
    assertThat(LogSafe.text("agent.alpha.fs.read")).isEqualTo("agent.alpha.fs.read");
    assertThat(LogSafe.text("héllo wörld ✓")).isEqualTo("héllo wörld ✓");
    assertThat(LogSafe.text(null)).isEqualTo("null");
  }

  @Test
  void aNewLineCannotStartAForgedLine() {
    String forged = "x\r\n2026-11-30 audit - login identity=root role=agent";
    String safe = LogSafe.text(forged);
    assertThat(safe).doesNotContain("\n").doesNotContain("\r");
    assertThat(safe).startsWith("x\\r\\n2026-11-30 audit");
  }

  @Test
  void quotesAndBackslashesCannotCloseAQuotedField() {
    assertThat(LogSafe.text("a\" code=200 reason=\"ok\\"))
        .isEqualTo("a\\\" code=200 reason=\\\"ok\\\\");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\u0000",
        "\u0007",
        "\u001b[31m",
        "\u007f",
        "\u0085",
        "\u009b",
        "\u2028",
        "\u2029",
        "\u202e",
        "\u2066",
        "\u200f",
        "\ufeff",
        "\ud800",
        "\udc00"
      })
  void everyControlAndLineBreakingCharacterIsEscaped(String hostile) {
    String safe = LogSafe.text("a" + hostile + "b");
    assertThat(safe).startsWith("a\\u").endsWith("b");
    for (char c : safe.toCharArray()) {
      assertThat(c).isBetween(' ', '~');
    }
  }

  @Test
  void surrogatePairsStayWhole() {
    assertThat(LogSafe.text("😀")).isEqualTo("😀");
    String cut = LogSafe.text("a😀", 2);
    assertThat(cut).isEqualTo("a…(+2 chars)");
  }

  @Test
  void longTextIsCutAndSaysHowMuch() {
    String safe = LogSafe.text("x".repeat(1_000_000));
    assertThat(safe).hasSizeLessThan(LogSafe.DEFAULT_MAX + 30);
    assertThat(safe).endsWith("…(+999800 chars)");
  }

  @Test
  void anExceptionIsRetoldWithEscapedMessagesAndTheSameFrames() {
    java.io.IOException inner = new java.io.IOException("x\r\nFORGED line");
    RuntimeException outer = new IllegalStateException("write of a\nb failed", inner);
    Throwable safe = LogSafe.exception(outer);
    assertThat(safe.getMessage())
        .isEqualTo("java.lang.IllegalStateException: write of a\\nb failed");
    assertThat(safe.getStackTrace()).isEqualTo(outer.getStackTrace());
    assertThat(safe.getCause().getMessage()).isEqualTo("java.io.IOException: x\\r\\nFORGED line");
    assertThat(safe.getCause().getStackTrace()).isEqualTo(inner.getStackTrace());
    assertThat(String.valueOf(safe)).doesNotContain("\n");
    assertThat(LogSafe.exception(new NullPointerException()).getMessage())
        .isEqualTo("java.lang.NullPointerException");
  }
}
