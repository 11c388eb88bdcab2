package io.dialback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Keeps the fleet benchmark working: three hub processes, a small fleet in two processes, the
 * rehearsal fleet, the kill, and the report. It asserts that every moved agent came back and was
 * listed, not how fast: the figures belong to real runs.
 */
class FleetBenchSmokeTest {
  @Test
  void aSmallFleetSurvivesTheKillAndTheReportIsWritten(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("BENCHMARKS.md");

    int exit =
        new CommandLine(new FleetBench())
            .execute(
                "--agents=60",
                "--runs=1",
                "--sample=10",
                "--warm-listings=2",
                "--logs",
                dir.resolve("logs").toString(),
                "--out",
                out.toString());

    assertThat(exit).isZero();
    String md = Files.readString(out);
    assertThat(md)
        .contains(
            "<!-- fleet-bench: begin -->",
            "60 real agents",
            "a rehearsal (a fleet process of 20 more agents",
            "compile with C1 only",
            "target every agent listed once after a kill -9",
            "target a sample of 10 answers from every survivor after a kill -9")
        .doesNotContain("not within");
    assertThat(Files.list(dir.resolve("logs")).map(p -> p.getFileName().toString()))
        .anyMatch(name -> name.startsWith("rehearsal"));
  }
}
