package io.dialback.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Sections of {@code docs/BENCHMARKS.md} that a benchmark of their own writes between markers
 * ({@code <!-- name: begin -->} … {@code <!-- name: end -->}), and that the main harness keeps when
 * it rewrites the rest.
 */
final class Sections {
  /**
   * Every such section, in the order the report shows them; {@code rolling-restart} and {@code
   * fleet-10k} hold runs too large for a harness run, written by hand from their commands' output.
   */
  static final List<String> ALL =
      List.of("shell-bench", "rolling-restart", "fleet-bench", "fleet-10k");

  private Sections() {}

  static String begin(String name) {
    return "<!-- " + name + ": begin -->";
  }

  static String end(String name) {
    return "<!-- " + name + ": end -->";
  }

  /** Replaces section {@code name} of the report, or appends it. */
  static void write(Path report, String name, String section) throws Exception {
    String text = Files.exists(report) ? Files.readString(report) : "# Benchmarks\n\n";
    String block = begin(name) + "\n" + section + end(name) + "\n";
    int begin = text.indexOf(begin(name));
    int end = text.indexOf(end(name));
    text =
        begin >= 0 && end > begin
            ? text.substring(0, begin) + block + text.substring(end + end(name).length() + 1)
            : text + "\n" + block;
    Files.writeString(report, text);
  }

  /** Every section of an existing report, each after a blank line, to keep in a rewrite. */
  static String kept(Path report) {
    String text;
    try {
      text = Files.readString(report);
    } catch (Exception e) {
      return "";
    }
    StringBuilder kept = new StringBuilder();
    for (String name : ALL) {
      int begin = text.indexOf(begin(name));
      int end = text.indexOf(end(name));
      if (begin >= 0 && end > begin) {
        kept.append('\n').append(text, begin, end + end(name).length()).append('\n');
      }
    }
    return kept.toString();
  }
}
