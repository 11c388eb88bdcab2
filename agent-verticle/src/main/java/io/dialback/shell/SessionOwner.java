package io.dialback.shell;

/**
 * The parent of the shell's commands: {@link ShellCommand} when one command runs from the command
 * line, {@link Commands} for each line of the interactive shell. It owns the {@link Session}.
 */
abstract class SessionOwner {
  abstract Session session();

  /** Called after each command: a one-shot run lets go of the hub at once. */
  void done() {}
}
