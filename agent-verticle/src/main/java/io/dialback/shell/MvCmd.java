package io.dialback.shell;

import io.dialback.api.DialbackException;
import io.dialback.wire.FailureCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mv}: renames within one writable agent, in one atomic step. */
@Command(
    name = "mv",
    mixinStandardHelpOptions = true,
    description = {
      "Renames or moves a file or folder within one writable agent, atomically.",
      "TO may be a folder that exists (or ends with /): FROM moves into it."
    })
final class MvCmd extends ShellCmd {
  @Option(
      names = {"-f", "--force"},
      description = "Replace what TO names if it exists.")
  boolean force;

  @Parameters(index = "0", paramLabel = "AGENT:FROM", description = "What to move.")
  String from;

  @Parameters(index = "1", paramLabel = "AGENT:TO", description = "Where to.")
  String to;

  @Override
  int run() {
    RemotePath source = RemotePath.parse(from).requireFile();
    RemotePath target = RemotePath.parse(to);
    if (!source.agent().equals(target.agent())) {
      throw new Usage("mv moves within one agent; between agents, cp then rm");
    }
    var agent = session.dialback().agent(source.agent());
    if (target.path().isEmpty() || target.path().endsWith("/") || isFolder(target)) {
      target = target.child(source.fileName());
    }
    session.await(agent.move(source.bare(), target.bare(), force), Session.TIMEOUT, "mv " + source);
    return Shell.OK;
  }

  private boolean isFolder(RemotePath remote) {
    try {
      return new Remotes(this).stat(remote).isDirectory();
    } catch (DialbackException e) {
      if (e.code() == FailureCode.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
