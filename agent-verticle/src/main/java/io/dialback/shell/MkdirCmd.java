package io.dialback.shell;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mkdir}: folders on a writable agent. */
@Command(
    name = "mkdir",
    mixinStandardHelpOptions = true,
    description = "Makes folders on a writable agent.")
final class MkdirCmd extends ShellCmd {
  @Option(
      names = {"-p", "--parents"},
      description = "Make the missing folders on the way too; no error if it exists.")
  boolean parents;

  @Parameters(paramLabel = "AGENT:PATH", arity = "1..*", description = "Folders to make.")
  List<String> targets;

  @Override
  int run() {
    for (String target : targets) {
      RemotePath remote = RemotePath.parse(target).requireFile();
      session.await(
          session.dialback().agent(remote.agent()).mkdir(remote.bare(), parents),
          Session.TIMEOUT,
          "mkdir " + remote);
    }
    return Shell.OK;
  }
}
