package io.dialback.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of the code, checked with the JDK's own {@code jdeps} over every module's classes:
 * no package of ours reaches itself again through others, and no class is longer than 400 lines.
 * (This module depends on all the others, so their classes are built before it runs.)
 */
class LayeringTest {
  private static final List<String> MODULES =
      List.of("wire", "bridge-client", "hub-verticle", "agent-verticle");

  private static Path root() {
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("wire")) ? here : here.getParent();
  }

  @Test
  void noPackageDependsOnItselfThroughAnother() {
    Map<String, Set<String>> edges = new HashMap<>();
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    for (String module : MODULES) {
      Path classes = root().resolve(module).resolve("target/classes");
      assertThat(classes).as("built classes of " + module).isDirectory();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code =
          jdeps.run(
              new PrintStream(out, true, StandardCharsets.UTF_8),
              System.err,
              "-verbose:package",
              "-e",
              "io\\.dialback.*",
              classes.toString());
      assertThat(code).isZero();
      for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length >= 3 && parts[1].equals("->") && parts[2].startsWith("io.dialback")) {
          if (!parts[0].equals(parts[2])) {
            edges.computeIfAbsent(parts[0], k -> new HashSet<>()).add(parts[2]);
          }
        }
      }
    }
    assertThat(edges).as("jdeps found our packages").containsKey("io.dialback.hub.bridge");
    List<String> cycles = new ArrayList<>();
    for (String start : edges.keySet()) {
      if (reaches(edges, start, start, new HashSet<>())) {
        cycles.add(start);
      }
    }
    assertThat(cycles).as("packages that reach themselves through others").isEmpty();
  }

  private static boolean reaches(
      Map<String, Set<String>> edges, String from, String target, Set<String> seen) {
    for (String next : edges.getOrDefault(from, Set.of())) {
      if (next.equals(target)) {
        return true;
      }
      if (seen.add(next) && reaches(edges, next, target, seen)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void noClassInMainCodeIsLongerThan400Lines() throws Exception {
    List<String> tooLong = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root())) {
      for (Path p : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (p.toString().contains("/src/main/") && !p.toString().contains("/target/")) {
          long lines = Files.lines(p).count();
          if (lines > 400) {
            tooLong.add(root().relativize(p) + " " + lines);
          }
        }
      }
    }
    assertThat(tooLong).isEmpty();
  }
}
