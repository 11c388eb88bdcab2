package io.dialback.shell;

import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import java.util.Locale;

/** What the transfer commands say about a transfer: its progress bar, its summary, a resume. */
final class Transfers {
  private static final long BAR_THRESHOLD = 1024 * 1024;

  private Transfers() {}

  /** A bar for a transfer this small would flash by: then none. */
  static TransferOptions.Progress bar(Session session, String task, long total) {
    return total < BAR_THRESHOLD ? null : session.progress.start(Printable.of(task), total);
  }

  /**
   * A resumed transfer always says from which byte (on stderr); a summary with the rate follows on
   * a terminal.
   */
  static void summary(Session session, String verb, String from, String to, TransferResult r) {
    if (r.resumedFrom() > 0) {
      session.err.printf(
          Locale.ROOT,
          "%s: resumed at byte %d of %d (%s of %s transferred)%n",
          Printable.of(from),
          r.resumedFrom(),
          r.bytes(),
          Human.size(r.bytes() - r.resumedFrom()),
          Human.size(r.bytes()));
    }
    if (session.onTerminal()) {
      long moved = r.bytes() - r.resumedFrom();
      String rate =
          moved < BAR_THRESHOLD ? "" : String.format(Locale.ROOT, ", %.1f MiB/s", r.mibPerSecond());
      session.err.printf(
          Locale.ROOT,
          "%s %s -> %s: %s%s%n",
          verb,
          Printable.of(from),
          Printable.of(to),
          Human.size(r.bytes()),
          rate);
    }
  }
}
