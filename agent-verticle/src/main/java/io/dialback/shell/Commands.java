package io.dialback.shell;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The shell's commands, as one picocli command each, and the root they hang from in the interactive
 * shell (where every line runs as {@code COMMAND ARGS} against the session). The same commands hang
 * from {@link ShellCommand} for one-shot use, through {@link AddCommands}.
 */
@Command(
    name = "dialback",
    modelTransformer = Commands.AddCommands.class,
    subcommands = CommandLine.HelpCommand.class,
    description = "Commands (each has --help):",
    synopsisHeading = "",
    customSynopsis = "")
final class Commands extends SessionOwner implements Runnable {
  /** The command names, for Tab completion in the interactive shell. */
  static final List<String> NAMES =
      List.of(
          "list",
          "hubs",
          "ls",
          "stat",
          "cat",
          "get",
          "put",
          "cp",
          "mv",
          "rm",
          "mkdir",
          "completion",
          "help",
          "quit");

  private final Session session;

  Commands(Session session) {
    this.session = session;
  }

  @Override
  Session session() {
    return session;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(session.out);
  }

  /** Adds every command of the shell to a root's spec (picocli's hook for that). */
  static final class AddCommands implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      for (Object command :
          List.of(
              new ListCmd(),
              new HubsCmd(),
              new LsCmd(),
              new StatCmd(),
              new CatCmd(),
              new GetCmd(),
              new PutCmd(),
              new CpCmd(),
              new MvCmd(),
              new RmCmd(),
              new MkdirCmd(),
              new CompletionCmd())) {
        CommandSpec sub = CommandSpec.forAnnotatedObject(command);
        spec.addSubcommand(sub.name(), sub);
      }
      return spec;
    }
  }

  /**
   * Runs one command line on {@code root}: a usage mistake is one line and a hint (exit 2), never
   * the whole usage; {@code --help} and {@code help} print to {@code out}.
   */
  static int execute(Object root, Session session, String... words) {
    CommandLine line = new CommandLine(root);
    line.setOut(new PrintWriter(session.out, true));
    line.setErr(new PrintWriter(session.err, true));
    return handleMistakes(line, session.err).execute(words);
  }

  /**
   * Makes a usage mistake in {@code line} or its commands one line and a hint on {@code err} (exit
   * 2), and an unexpected failure one line (exit 1), never a stack trace.
   */
  static CommandLine handleMistakes(CommandLine line, PrintStream err) {
    line.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine where = e.getCommandLine();
          String name = where.getCommandSpec().name();
          boolean shellLevel = where.getCommandSpec().userObject() instanceof SessionOwner;
          if (shellLevel && e instanceof CommandLine.UnmatchedArgumentException) {
            err.println(
                "dialback: unknown command \""
                    + Printable.of(
                        ((CommandLine.UnmatchedArgumentException) e).getUnmatched().get(0))
                    + "\"; try help");
          } else {
            err.println("dialback: " + name + ": " + Printable.of(e.getMessage()));
            err.println("usage: " + name + " ... (see " + name + " --help)");
          }
          return Shell.USAGE;
        });
    line.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          err.println("dialback: " + Printable.of(Shell.describe(e)));
          return Shell.FAILED;
        });
    return line;
  }
}
