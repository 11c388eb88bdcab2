package io.dialback.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.hub.TestHub;
import io.dialback.hub.TestHub.Target;
import io.dialback.testkit.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shell --share DIR}: the shell is an agent too, as in the original share program. */
class ShareTest {
  @TempDir Path tmp;

  @Test
  void aSharingShellServesItsFolderWhileItRuns() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("shared"));
    Files.writeString(dir.resolve("hello.txt"), "shared by the shell itself");
    try (TestHub hub = TestHub.start(Target.DIALBACK)) {
      String hubAddress = "127.0.0.1:" + hub.port;
      // One process: shares dir as alpha, then reads alpha:hello.txt through the hub.
      JavaProcess.Result cat = shareAndRun(hubAddress, dir, "alpha", "cat", "alpha:hello.txt");
      assertThat(cat.exitCode()).as(cat.err()).isZero();
      assertThat(cat.out()).isEqualTo("shared by the shell itself");

      JavaProcess.Result wrongName = shareAndRun(hubAddress, dir, "beta", "list");
      assertThat(wrongName.exitCode()).isEqualTo(ShellCommand.NO_CONNECTION);
      assertThat(wrongName.err()).contains("may not bind the name beta").hasLineCount(1);
    }
  }

  /**
   * One shell process that shares {@code dir} as {@code name} with alpha's token and runs a
   * command.
   */
  private static JavaProcess.Result shareAndRun(
      String hubAddress, Path dir, String name, String... command) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("shell", "--hub", hubAddress, "--share", dir.toString(), "--name", name));
    args.addAll(List.of(command));
    return JavaProcess.exec(
        "io.dialback.agent.cli.AgentMain",
        args,
        Map.of("DIALBACK_TOKEN", TestHub.ALPHA_TOKEN),
        Duration.ofSeconds(60));
  }
}
