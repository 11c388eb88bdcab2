package io.dialback.shell;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code completion}: a bash/zsh completion script for the shell's commands and options. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a completion script for bash and zsh (zsh through bashcompinit). With",
      "  alias dialback='java -jar /path/to/dialback-agent.jar shell'",
      "load it with: source <(dialback completion)"
    })
final class CompletionCmd extends ShellCmd {
  @Option(
      names = "--name",
      defaultValue = "dialback",
      description = "The command (or alias) to complete (default: ${DEFAULT-VALUE}).")
  String name;

  @Override
  int run() {
    session.out.print(AutoComplete.bash(name, new CommandLine(new ShellCommand())));
    return Shell.OK;
  }
}
