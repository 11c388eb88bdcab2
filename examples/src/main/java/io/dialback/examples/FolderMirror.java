package io.dialback.examples;

import io.dialback.api.BlockingAgent;
import io.dialback.api.DialbackException;
import io.dialback.api.FileEntry;
import io.dialback.api.FileEvent;
import io.dialback.api.RemoteAgent;
import io.dialback.files.TransferOptions;
import io.dialback.transport.Subscription;
import io.dialback.wire.FailureCode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Mirrors one folder of an agent into a local folder with the typed API, whichever way it reaches
 * the agent (bridge or cluster): a first pass copies what is missing or differs, then, if asked, it
 * follows the agent's file-change events. The same code runs in {@link ClusteredMirror} and {@link
 * BridgeMirror}.
 */
final class FolderMirror {
  private final RemoteAgent agent;
  private final BlockingAgent blocking;
  private final String from;
  private final Path to;
  private final PrintStream out;

  /** What one pass did. */
  record Result(int copied, int unchanged, long bytes) {}

  FolderMirror(RemoteAgent agent, String from, Path to, PrintStream out) {
    this.agent = agent;
    this.blocking = agent.blocking();
    this.from = trimSlashes(from);
    this.to = to;
    this.out = out;
  }

  /** Copies every file below {@code from} that is missing locally or differs in size or time. */
  Result mirror() throws IOException {
    Files.createDirectories(to);
    int[] counts = new int[2];
    long[] bytes = new long[1];
    mirrorFolder(from, to, counts, bytes);
    return new Result(counts[0], counts[1], bytes[0]);
  }

  private void mirrorFolder(String remote, Path local, int[] counts, long[] bytes)
      throws IOException {
    for (FileEntry entry : blocking.list(remote)) {
      String path = remote.isEmpty() ? entry.name() : remote + "/" + entry.name();
      Path target = local.resolve(entry.name());
      if (entry.isDirectory()) {
        Files.createDirectories(target);
        mirrorFolder(path, target, counts, bytes);
      } else if (entry.isFile()) {
        if (sameAsLocal(entry, target)) {
          counts[1]++;
        } else {
          copy(path, target, entry.modified().toEpochMilli());
          counts[0]++;
          bytes[0] += entry.size();
        }
      }
    }
  }

  /**
   * Applies the agent's file-change events below {@code from} until {@code stop} is set: created
   * and modified files are fetched, deleted ones removed. Blocks the calling thread.
   */
  void follow(java.util.concurrent.atomic.AtomicBoolean stop) throws Exception {
    BlockingQueue<FileEvent> events = new LinkedBlockingQueue<>();
    Subscription subscription = agent.onFileEvents(events::add).await(30, TimeUnit.SECONDS);
    out.println("following changes of " + agent.name() + ":" + from);
    try {
      while (!stop.get()) {
        FileEvent event = events.poll(200, TimeUnit.MILLISECONDS);
        if (event != null) {
          apply(event);
        }
      }
    } finally {
      subscription.cancel();
    }
  }

  private void apply(FileEvent event) throws IOException {
    String path = event.path();
    if (!from.isEmpty() && !path.equals(from) && !path.startsWith(from + "/")) {
      return; // outside the mirrored folder
    }
    String inside =
        from.isEmpty() ? path : path.substring(Math.min(path.length(), from.length() + 1));
    if (inside.isEmpty()) {
      mirror(); // the folder itself, or "look again" after dropped notifications
      return;
    }
    Path target = to.resolve(inside).normalize();
    if (!target.startsWith(to)) {
      return;
    }
    if (event.kind() == FileEvent.Kind.DELETED) {
      if (Files.isDirectory(target)) {
        deleteTree(target);
      } else {
        Files.deleteIfExists(target);
      }
      out.println("removed " + inside);
    } else if ("dir".equals(event.type())) {
      Files.createDirectories(target);
    } else if ("file".equals(event.type())) {
      try {
        var stat = blocking.stat(path);
        copy(path, target, stat.modified().toEpochMilli());
        out.println("updated " + inside + " (" + stat.size() + " bytes)");
      } catch (DialbackException e) {
        if (e.code() != FailureCode.NOT_FOUND) {
          throw e;
        }
        // gone again already: its deletion is the next event
      }
    }
  }

  private void copy(String remote, Path target, long modified) throws IOException {
    Files.createDirectories(target.getParent());
    blocking.download(remote, target, TransferOptions.defaults());
    Files.setLastModifiedTime(target, FileTime.fromMillis(modified));
  }

  private static boolean sameAsLocal(FileEntry entry, Path local) throws IOException {
    return Files.isRegularFile(local)
        && Files.size(local) == entry.size()
        && Files.getLastModifiedTime(local).toMillis() == entry.modified().toEpochMilli();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String trimSlashes(String path) {
    String p = path == null ? "" : path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
