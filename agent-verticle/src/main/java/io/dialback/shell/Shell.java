package io.dialback.shell;

import io.dialback.client.BridgeClient;
import io.dialback.client.BridgeMessage;
import io.dialback.files.Download;
import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import io.dialback.files.Upload;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
      List.of("list", "ls", "stat", "cat", "get", "put", "help", "quit");

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneId.systemDefault());
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final long BAR_THRESHOLD = 1024 * 1024;

  private final Vertx vertx;
  private final BridgeClient client;
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
    this.vertx = Objects.requireNonNull(vertx, "vertx == null");
    this.client = Objects.requireNonNull(client, "client == null");
    this.out = Objects.requireNonNull(out, "out == null");
    this.err = Objects.requireNonNull(err, "err == null");
    this.progress = Objects.requireNonNull(progress, "progress == null");
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
      case "ls":
        return "ls AGENT[:PATH]           list a folder of an agent";
      case "stat":
        return "stat AGENT:PATH           details of a file or folder";
      case "cat":
        return "cat AGENT:PATH            print a file";
      case "get":
        return "get AGENT:PATH [DEST]     download a file (to DEST, a file or folder)";
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

  private int list() throws Exception {
    JsonArray agents = call(Wire.HUB_AGENTS_LIST, new JsonObject()).getJsonArray("agents");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "HUB", "ACCESS", "HOST", "ROOT", "CONNECTED"});
    for (Object o : agents) {
      JsonObject agent = (JsonObject) o;
      JsonObject meta = agent.getJsonObject("meta", new JsonObject());
      rows.add(
          new String[] {
            agent.getString("name"),
            agent.getString("hub"),
            meta.getBoolean("writable", false) ? "read-write" : "read-only",
            meta.getString("host", "?"),
            meta.getString("root", "?"),
            TIME.format(Instant.ofEpochMilli(agent.getLong("connectedAt", 0L)))
          });
    }
    printTable(rows);
    return OK;
  }

  private int ls(RemotePath remote) throws Exception {
    int offset = 0;
    List<String[]> rows = new ArrayList<>();
    while (true) {
      JsonObject page =
          call(
              Wire.fsAddress(remote.agent(), Wire.FS_LIST),
              new JsonObject().put("path", remote.path()).put("offset", offset));
      JsonArray entries = page.getJsonArray("entries");
      for (Object o : entries) {
        JsonObject e = (JsonObject) o;
        String type = e.getString("type");
        rows.add(
            new String[] {
              typeLetter(type),
              "dir".equals(type) ? "-" : String.valueOf(e.getLong("size")),
              TIME.format(Instant.ofEpochMilli(e.getLong("modified", 0L))),
              e.getString("name") + ("dir".equals(type) ? "/" : "")
            });
      }
      offset += entries.size();
      if (!page.getBoolean("more", false) || entries.isEmpty()) {
        break;
      }
    }
    printTable(rows);
    return OK;
  }

  private int stat(RemotePath remote) throws Exception {
    JsonObject s =
        call(
            Wire.fsAddress(remote.agent(), Wire.FS_STAT),
            new JsonObject().put("path", remote.path()));
    out.println("path:        " + remote);
    out.println("type:        " + s.getString("type"));
    out.println("size:        " + s.getLong("size"));
    out.println("modified:    " + Instant.ofEpochMilli(s.getLong("modified", 0L)));
    out.println("created:     " + Instant.ofEpochMilli(s.getLong("created", 0L)));
    out.println("writable:    " + s.getBoolean("writable", false));
    if (s.containsKey("permissions")) {
      out.println("permissions: " + s.getString("permissions"));
    }
    return OK;
  }

  /** Streams the file in order, with a few chunk requests ahead. */
  private int cat(RemotePath remote) throws Exception {
    String address = Wire.fsAddress(remote.agent(), Wire.FS_READ);
    JsonObject first = call(address, new JsonObject().put("path", remote.path()).put("offset", 0));
    byte[] data = Base64.getDecoder().decode(first.getString("data"));
    write(out, data);
    long size = first.getLong("size");
    long modified = first.getLong("modified", 0L);
    long stride = data.length;
    long next = stride;
    ArrayDeque<Future<BridgeMessage>> ahead = new ArrayDeque<>();
    while (!first.getBoolean("eof") && (next < size || !ahead.isEmpty())) {
      while (next < size && ahead.size() < 4) {
        ahead.add(
            client.request(
                address,
                new JsonObject().put("path", remote.path()).put("offset", next),
                CALL_TIMEOUT,
                null));
        next += stride;
      }
      JsonObject chunk = await(ahead.poll()).bodyAsJsonObject();
      if (chunk.getLong("size") != size || chunk.getLong("modified", 0L) != modified) {
        throw new IOException(remote + " changed while it was being read");
      }
      write(out, Base64.getDecoder().decode(chunk.getString("data")));
    }
    out.flush();
    return OK;
  }

  private int get(RemotePath remote, String dest) throws Exception {
    Path target = dest == null ? Path.of(remote.fileName()) : Path.of(dest);
    if (Files.isDirectory(target)) {
      target = target.resolve(remote.fileName());
    }
    JsonObject s =
        call(
            Wire.fsAddress(remote.agent(), Wire.FS_STAT),
            new JsonObject().put("path", remote.path()));
    if (!"file".equals(s.getString("type"))) {
      throw new IOException(remote + " is not a file (" + s.getString("type") + ")");
    }
    TransferOptions options =
        TransferOptions.defaults().withProgress(bar("get " + remote, s.getLong("size")));
    TransferResult result;
    try {
      result =
          await(
              Download.toFile(vertx, client, remote.agent(), remote.path(), target, options),
              Duration.ofHours(24));
    } finally {
      progress.finish();
    }
    summary("got", remote.toString(), target.toString(), result);
    return OK;
  }

  private int put(Path local, RemotePath remote) throws Exception {
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
      result =
          await(
              Upload.fromFile(vertx, client, local, target.agent(), target.path(), options),
              Duration.ofHours(24));
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

  JsonObject call(String address, JsonObject body) throws Exception {
    return await(client.request(address, body, CALL_TIMEOUT, null)).bodyAsJsonObject();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return await(f, CALL_TIMEOUT.plusSeconds(5));
  }

  private static <T> T await(Future<T> f, Duration wait) throws Exception {
    try {
      return f.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException("no answer within " + wait.toSeconds() + " s");
    }
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
    if (e instanceof ReplyException) {
      ReplyException r = (ReplyException) e;
      switch (r.failureType()) {
        case NO_HANDLERS:
          return "no such agent or service (" + r.getMessage() + ")";
        case TIMEOUT:
          return "timed out waiting for a reply";
        default:
          return r.getMessage();
      }
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
