package io.dialback.shell;

import io.dialback.api.DialbackException;
import io.dialback.files.TransferCancelled;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * One shell command: runs against the {@link Session} of its parent and turns what happened into
 * the exit code and, on failure, one line on stderr: 0 done, 1 failed, 2 a usage mistake, 3 no
 * connection to a hub, 130 cancelled (Ctrl-C). Text from agents in that line is escaped.
 */
abstract class ShellCmd implements Callable<Integer> {
  @ParentCommand SessionOwner owner;
  @Spec CommandSpec spec;

  Session session;

  @Override
  public final Integer call() {
    session = owner.session();
    session.begin();
    try {
      return run();
    } catch (Session.NoConnection e) {
      session.err.println(e.getMessage());
      return Shell.NO_CONNECTION;
    } catch (Usage | IllegalArgumentException e) {
      session.err.println("dialback: " + name() + ": " + Printable.of(e.getMessage()));
      return Shell.USAGE;
    } catch (TransferCancelled e) {
      session.err.println("dialback: " + name() + ": " + Printable.of(e.getMessage()));
      return Shell.CANCELLED;
    } catch (DialbackException e) {
      session.err.println("dialback: " + name() + ": " + Printable.of(Shell.describe(e)));
      return Shell.FAILED;
    } catch (Exception e) {
      session.err.println("dialback: " + name() + ": " + Printable.of(Shell.describe(e)));
      return Shell.FAILED;
    } finally {
      session.out.flush();
      session.err.flush();
      owner.done();
    }
  }

  /** Does the command's work; returns its exit code. */
  abstract int run() throws Exception;

  String name() {
    return spec.name();
  }

  /** A warning line that does not end the command (the exit code says it failed in part). */
  void warn(String message) {
    session.err.println("dialback: " + name() + ": " + message);
  }
}
