package io.dialback.shell;

import io.dialback.api.DialbackException;
import io.dialback.client.BridgeClient;
import io.dialback.files.TransferOptions;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * The dialback shell's commands — {@code list}, {@code ls}, {@code stat}, {@code cat}, {@code get},
 * {@code put}, {@code cp}, {@code mv}, {@code rm}, {@code mkdir}, {@code completion}, {@code help}
 * — run against a connected {@link BridgeClient}, one command line at a time. Each returns an exit
 * code: 0 done, 1 the operation failed (a one-line error on {@code err}), 2 a usage mistake, 3 no
 * hub, 130 cancelled. Blocking by design: it runs on the caller's thread (a terminal's or a
 * script's), never on an event loop.
 */
public final class Shell {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int NO_CONNECTION = 3;
  public static final int CANCELLED = 130;

  /** The command names (for completion). */
  static final List<String> COMMANDS = Commands.NAMES;

  private final Session session;

  /** How {@code get} and {@code put} show progress; {@link #NONE} when not on a terminal. */
  public interface Progress {
    TransferOptions.Progress start(String task, long total);

    void finish();

    Progress NONE =
        new Progress() {
          @Override
          public TransferOptions.Progress start(String task, long total) {
            return null;
          }

          @Override
          public void finish() {}
        };
  }

  public Shell(
      Vertx vertx, BridgeClient client, PrintStream out, PrintStream err, Progress progress) {
    Objects.requireNonNull(vertx, "vertx == null");
    Objects.requireNonNull(client, "client == null");
    this.session =
        new Session(
            Objects.requireNonNull(out, "out == null"),
            Objects.requireNonNull(err, "err == null"),
            Objects.requireNonNull(progress, "progress == null"),
            () -> client);
  }

  /** Runs one command line, already split into words. */
  public int run(List<String> words) {
    if (words.isEmpty()) {
      return OK;
    }
    return Commands.execute(new Commands(session), session, words.toArray(String[]::new));
  }

  /** Cancels the command that runs now (from another thread: a Ctrl-C handler). */
  public void cancel() {
    session.cancel();
  }

  /** A failure as one line: the hub's or agent's message, which starts with its code's label. */
  static String describe(Throwable e) {
    if (e instanceof DialbackException) {
      DialbackException d = (DialbackException) e;
      if (d.noSuchAddress()) {
        return "no such agent or service (" + d.address() + ")";
      }
      if (d.timedOut()) {
        return "timed out waiting for a reply";
      }
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
