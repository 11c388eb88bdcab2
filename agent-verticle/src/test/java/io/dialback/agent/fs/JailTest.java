package io.dialback.agent.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.wire.FailureCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JailTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private Jail jail;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/a.txt"), "a");
    Files.createSymbolicLink(root.resolve("escape"), outside);
    Files.createSymbolicLink(root.resolve("escape.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("inside"), root.resolve("docs"));
    jail = new Jail(root);
  }

  private static void assertRefused(Runnable r, FailureCode code) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.code()).isEqualTo(code));
  }

  @Test
  void resolvesPathsBelowTheRoot() throws Exception {
    assertThat(jail.existing("docs/a.txt")).isEqualTo(root.toRealPath().resolve("docs/a.txt"));
    assertThat(jail.existing("")).isEqualTo(root.toRealPath());
    assertThat(jail.existing("inside/a.txt")).isEqualTo(root.toRealPath().resolve("docs/a.txt"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"..", "../outside/secret.txt", "docs/../../outside", "docs/..", "a/../../x"})
  void refusesTraversal(String path) {
    assertRefused(() -> jail.existing(path), FailureCode.DENIED);
    assertRefused(() -> jail.writable(path), FailureCode.DENIED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/passwd", "/", "\\windows", "C:\\x"})
  void refusesAbsolutePaths(String path) {
    assertRefused(() -> jail.existing(path), FailureCode.DENIED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"escape/secret.txt", "escape.txt", "escape"})
  void refusesSymlinksThatLeaveTheRoot(String path) {
    assertRefused(() -> jail.existing(path), FailureCode.DENIED);
  }

  @Test
  void refusesWritesThroughSymlinksThatLeaveTheRoot() {
    assertRefused(() -> jail.writable("escape/new.txt"), FailureCode.DENIED);
    assertRefused(() -> jail.writable("escape.txt"), FailureCode.DENIED);
  }

  @Test
  void refusesNulAndReportsMissingFiles() {
    assertRefused(() -> jail.existing("a\0b"), FailureCode.BAD_REQUEST);
    assertRefused(() -> jail.existing("docs/missing.txt"), FailureCode.NOT_FOUND);
    assertRefused(() -> jail.writable("nodir/new.txt"), FailureCode.NOT_FOUND);
  }

  @Test
  void writableAllowsNewFilesInExistingDirectories() throws Exception {
    assertThat(jail.writable("docs/new.txt")).isEqualTo(root.toRealPath().resolve("docs/new.txt"));
    assertThat(jail.writable("inside/new.txt"))
        .isEqualTo(root.toRealPath().resolve("docs/new.txt"));
  }
}
