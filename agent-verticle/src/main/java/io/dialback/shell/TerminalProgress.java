package io.dialback.shell;

import io.dialback.files.TransferOptions;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars with rate and ETA on stderr, for {@code get} and {@code put} on a terminal. */
final class TerminalProgress implements Shell.Progress {
  private ProgressBar bar;

  @Override
  public TransferOptions.Progress start(String task, long total) {
    bar =
        new ProgressBarBuilder()
            .setTaskName(task.length() > 30 ? "…" + task.substring(task.length() - 29) : task)
            .setInitialMax(total)
            .setUnit(" MiB", 1024 * 1024)
            .setStyle(ProgressBarStyle.ASCII)
            .showSpeed()
            .setUpdateIntervalMillis(200)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .build();
    ProgressBar b = bar;
    return (done, max) -> b.stepTo(done);
  }

  @Override
  public void finish() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
