package io.dialback.shell;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rm}: files (folders with -r) of a writable agent. */
@Command(
    name = "rm",
    mixinStandardHelpOptions = true,
    description = "Deletes files of a writable agent; folders, with all they hold, only with -r.")
final class RmCmd extends ShellCmd {
  @Option(
      names = {"-r", "--recursive"},
      description = "Folders too, with everything in them.")
  boolean recursive;

  @Parameters(paramLabel = "AGENT:PATH", arity = "1..*", description = "What to delete.")
  List<String> targets;

  @Override
  int run() {
    Remotes remotes = new Remotes(this);
    for (RemotePath remote : remotes.expand(targets)) {
      session.await(
          session.dialback().agent(remote.requireFile().agent()).delete(remote.bare(), recursive),
          Session.TIMEOUT,
          "rm " + remote);
    }
    return remotes.skipped == 0 ? Shell.OK : Shell.FAILED;
  }
}
