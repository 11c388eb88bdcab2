package io.dialback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Keeps the benchmark harness working: a short run of every part (small file, 50 agents), each
 * party in a process of its own, must finish, check its copies and write the report. It asserts no
 * figures: those belong to real runs.
 */
class BenchSmokeTest {
  @Test
  void aQuickRunMeasuresEveryPathAndWritesTheReport(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("BENCHMARKS.md");

    int exit =
        new CommandLine(new BenchMain())
            .execute("--quick", "--file-mib=8", "--agents=50", "--out", out.toString());

    assertThat(exit).isZero();
    String md = Files.readString(out);
    assertThat(md)
        .contains(
            "--quick",
            "| raw TCP ping-pong, same framing | 64 |",
            "| raw TLS ping-pong, same framing | 64 |",
            "| dialback hub, TLS: client → hub → agent | 64 |",
            "| dialback hub, TLS: fs.read chunks, binary extension (8 MiB) |",
            "| stock bridge: hub → agent | 64 |",
            "| stock bridge: client → hub → agent | 64 |",
            "| dialback hub: hub → agent | 64 |",
            "| dialback hub: client → hub → agent | 64 |",
            "| dialback hub over WebSocket: client → hub → agent | 64 |",
            "| dialback two-hub cluster: client → hub 2 → hub 1 → agent | 64 |",
            "| raw TCP copy (sendfile → disk) (8 MiB) |",
            "| stock bridge: fs.read chunks, base64 JSON (8 MiB) |",
            "| dialback hub: fs.read chunks, base64 JSON (8 MiB) |",
            "| dialback hub: fs.read chunks, binary extension (8 MiB) |",
            "| dialback hub over WebSocket: fs.read chunks, binary extension (8 MiB) |",
            "50 of 50 agents logged in",
            "## Targets")
        .doesNotContain("failed)");
  }
}
