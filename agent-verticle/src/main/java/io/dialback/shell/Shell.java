package io.dialback.shell;

import io.dialback.api.AgentInfo;
import io.dialback.api.BlockingAgent;
import io.dialback.api.BlockingDialback;
import io.dialback.api.Chunk;
import io.dialback.api.Dialback;
import io.dialback.api.DialbackException;
import io.dialback.api.FileEntry;
import io.dialback.api.FileStat;
import io.dialback.api.RemoteAgent;
import io.dialback.client.BridgeClient;
import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The dialback shell's commands, run against a connected {@link BridgeClient}: {@code list}, {@code
 * ls}, {@code stat}, {@code cat}, {@code get}, {@code put}, {@code help}. Each returns an exit
 * code: 0 done, 1 the operation failed (a one-line error on {@code err}), 2 a usage mistake.
 * Blocking by design: it runs on the caller's thread (a terminal's or a script's), never on an
 * event loop.
 */
public final class Shell {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  static final List<String> COMMANDS =
      List.of("list", "hubs", "ls", "stat", "cat", "get", "put", "help", "quit");

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneId.systemDefault());

  /** What {@code cat} asks for per request (the agent may answer less: its chunk size). */
  private static final int CAT_CHUNK = 1024 * 1024;

  private static final Duration TIMEOUT = Dialback.DEFAULT_TIMEOUT;
  private static final long BAR_THRESHOLD = 1024 * 1024;

  private final BlockingDialback dialback;
  private final Dialback async;
  private final PrintStream out;
  private final PrintStream err;
  private final Progress progress;

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
    this.async = Dialback.over(Objects.requireNonNull(client, "client == null"));
    this.dialback = async.blocking();
    this.out = Objects.requireNonNull(out, "out == null");
    this.err = Objects.requireNonNull(err, "err == null");
    this.progress = Objects.requireNonNull(progress, "progress == null");
  }

  /** The typed API this shell runs on (for completion). */
  BlockingDialback api() {
    return dialback;
  }

  /** Runs one command line, already split into words. */
  public int run(List<String> words) {
    if (words.isEmpty()) {
      return OK;
    }
    String command = words.get(0);
    List<String> args = words.subList(1, words.size());
    try {
      switch (command) {
        case "list":
          return expect(command, args, 0, 0) ? list() : USAGE;
        case "hubs":
          return expect(command, args, 0, 0) ? hubs() : USAGE;
        case "ls":
          return expect(command, args, 1, 1) ? ls(RemotePath.parse(args.get(0))) : USAGE;
        case "stat":
          return expect(command, args, 1, 1)
              ? stat(RemotePath.parse(args.get(0)).requireFile())
              : USAGE;
        case "cat":
          return expect(command, args, 1, 1)
              ? cat(RemotePath.parse(args.get(0)).requireFile())
              : USAGE;
        case "get":
          return expect(command, args, 1, 2)
              ? get(
                  RemotePath.parse(args.get(0)).requireFile(), args.size() > 1 ? args.get(1) : null)
              : USAGE;
        case "put":
          return expect(command, args, 2, 2)
              ? put(Path.of(args.get(0)), RemotePath.parse(args.get(1)))
              : USAGE;
        case "help":
          help();
          return OK;
        default:
          err.println("dialback: unknown command \"" + command + "\"; try help");
          return USAGE;
      }
    } catch (IllegalArgumentException e) {
      err.println("dialback: " + command + ": " + e.getMessage());
      return USAGE;
    } catch (Exception e) {
      err.println("dialback: " + command + ": " + describe(e));
      return FAILED;
    }
  }

  private boolean expect(String command, List<String> args, int min, int max) {
    if (args.size() < min || args.size() > max) {
      err.println("dialback: usage: " + usage(command));
      return false;
    }
    return true;
  }

  static String usage(String command) {
    switch (command) {
      case "list":
        return "list                      agents connected to the hub(s)";
      case "hubs":
        return "hubs                      the cluster's hubs and their counts";
      case "ls":
        return "ls AGENT[:PATH]           list a folder of an agent";
      case "stat":
        return "stat AGENT:PATH           details of a file or folder";
      case "cat":
        return "cat AGENT:PATH            print a file";
      case "get":
        return "get AGENT:PATH [DEST]     download a file (to DEST: a file, or a folder that exists)";
      case "put":
        return "put LOCAL AGENT:PATH      upload a file (to a writable agent)";
      case "help":
        return "help                      this list";
      default:
        return "quit                      leave the shell";
    }
  }

  private void help() {
    for (String command : COMMANDS) {
      out.println(usage(command));
    }
  }

  // ---- commands ----

  private int list() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "HUB", "ACCESS", "HOST", "ROOT", "CONNECTED"});
    for (AgentInfo agent : dialback.agents()) {
      rows.add(
          new String[] {
            agent.name(),
            agent.hub(),
            agent.writable() ? "read-write" : "read-only",
            agent.meta().getString("host", "?"),
            agent.meta().getString("root", "?"),
            TIME.format(agent.connectedAt())
          });
    }
    printTable(rows);
    return OK;
  }

  private int hubs() {
    printTable(
        HubsView.rows(
            dialback.call(
                io.dialback.wire.Wire.HUB_HUBS_LIST, new io.vertx.core.json.JsonObject())));
    return OK;
  }

  private int ls(RemotePath remote) {
    List<String[]> rows = new ArrayList<>();
    for (FileEntry e : dialback.agent(remote.agent()).list(remote.path())) {
      rows.add(
          new String[] {
            typeLetter(e.type()),
            e.isDirectory() ? "-" : String.valueOf(e.size()),
            TIME.format(e.modified()),
            e.name() + (e.isDirectory() ? "/" : "")
          });
    }
    printTable(rows);
    return OK;
  }

  private int stat(RemotePath remote) {
    FileStat s = dialback.agent(remote.agent()).stat(remote.path());
    out.println("path:        " + remote);
    out.println("type:        " + s.type());
    out.println("size:        " + s.size());
    out.println("modified:    " + s.modified());
    out.println("created:     " + s.created());
    out.println("writable:    " + s.writable());
    if (s.permissions() != null) {
      out.println("permissions: " + s.permissions());
    }
    return OK;
  }

  /** Streams the file in order, with a few chunk requests ahead. */
  private int cat(RemotePath remote) throws IOException {
    RemoteAgent agent = async.agent(remote.agent());
    String where = remote.toString();
    Chunk first =
        BlockingDialback.await(agent.readChunk(remote.path(), 0, CAT_CHUNK), TIMEOUT, where);
    write(out, first.data().getBytes());
    long stride = first.data().length();
    long next = stride;
    ArrayDeque<Future<Chunk>> ahead = new ArrayDeque<>();
    while (!first.eof() && (next < first.size() || !ahead.isEmpty())) {
      while (next < first.size() && ahead.size() < 4) {
        ahead.add(agent.readChunk(remote.path(), next, CAT_CHUNK));
        next += stride;
      }
      Chunk chunk = BlockingDialback.await(ahead.poll(), TIMEOUT, where);
      if (chunk.size() != first.size() || chunk.modified() != first.modified()) {
        throw new IOException(remote + " changed while it was being read");
      }
      write(out, chunk.data().getBytes());
    }
    out.flush();
    return OK;
  }

  private int get(RemotePath remote, String dest) throws IOException {
    Path target = dest == null ? Path.of(remote.fileName()) : Path.of(dest);
    if (Files.isDirectory(target)) {
      target = target.resolve(remote.fileName());
    } else if (dest != null && (dest.endsWith("/") || dest.endsWith(java.io.File.separator))) {
      throw new IOException("no such folder: " + dest); // as cp: never a file named like a folder
    }
    Path folder = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      throw new IOException("no such folder: " + folder);
    }
    BlockingAgent agent = dialback.agent(remote.agent());
    FileStat s = agent.stat(remote.path());
    if (!s.isFile()) {
      throw new IOException(remote + " is not a file (" + s.type() + ")");
    }
    TransferOptions options =
        TransferOptions.defaults().withProgress(bar("get " + remote, s.size()));
    TransferResult result;
    try {
      result = agent.download(remote.path(), target, options);
    } finally {
      progress.finish();
    }
    summary("got", remote.toString(), target.toString(), result);
    return OK;
  }

  private int put(Path local, RemotePath remote) throws IOException {
    if (!Files.isRegularFile(local)) {
      throw new IllegalArgumentException(local + " is not a file");
    }
    RemotePath target =
        remote.path().isEmpty() || remote.path().endsWith("/")
            ? new RemotePath(remote.agent(), remote.path() + local.getFileName())
            : remote;
    TransferOptions options =
        TransferOptions.defaults().withProgress(bar("put " + target, Files.size(local)));
    TransferResult result;
    try {
      result = dialback.agent(target.agent()).upload(local, target.path(), options);
    } finally {
      progress.finish();
    }
    summary("put", local.toString(), target.toString(), result);
    return OK;
  }

  // ---- helpers ----

  private void summary(String verb, String from, String to, TransferResult r) {
    if (progress != Progress.NONE) {
      String rate =
          r.bytes() < BAR_THRESHOLD
              ? ""
              : String.format(Locale.ROOT, ", %.1f MiB/s", r.mibPerSecond());
      err.printf(Locale.ROOT, "%s %s -> %s: %s%s%n", verb, from, to, human(r.bytes()), rate);
    }
  }

  /** A bar for a transfer this small would flash by; say only what happened. */
  private TransferOptions.Progress bar(String task, long total) {
    return total < BAR_THRESHOLD ? null : progress.start(task, total);
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static void write(OutputStream out, byte[] data) throws IOException {
    out.write(data);
  }

  private void printTable(List<String[]> rows) {
    if (rows.isEmpty()) {
      return;
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        boolean number = i < row.length - 1 && row[i].matches("\\d+");
        String cell = number ? " ".repeat(widths[i] - row[i].length()) + row[i] : row[i];
        line.append(cell);
        if (i < row.length - 1) {
          line.append(" ".repeat(number ? 2 : widths[i] - row[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private static String typeLetter(String type) {
    switch (type) {
      case "dir":
        return "d";
      case "file":
        return "-";
      case "link":
        return "l";
      default:
        return "?";
    }
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
