package io.dialback.agent.fs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.RawJson;
import io.dialback.wire.RawJsonCodec;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file service of one agent: {@code list}, {@code stat}, {@code read} and (if writable) {@code
 * write} on {@code agent.<name>.fs.*}, served as local event-bus consumers in the agent's Vert.x
 * (the agent verticle bridges them to the hub).
 *
 * <p>Everything is served only below the root ({@link Jail}). File I/O runs on a small pool of
 * worker threads, never on an event loop; operations beyond the pool wait in a bounded queue, and
 * beyond that the caller gets {@code busy}. Memory per operation is one chunk.
 */
public final class FileService {
  private static final Logger log = LoggerFactory.getLogger(FileService.class);
  private static final JsonFactory JSON = new JsonFactory();

  private final Vertx vertx;
  private final Jail jail;
  private final FsSettings settings;
  private final String agentName;
  private final WorkerExecutor workers;
  private final Uploads uploads;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Watcher watcher;
  private int inFlight;

  public FileService(Vertx vertx, Jail jail, FsSettings settings, String agentName) {
    this.vertx = Objects.requireNonNull(vertx, "vertx == null");
    this.jail = Objects.requireNonNull(jail, "jail == null");
    this.settings = Objects.requireNonNull(settings, "settings == null");
    this.agentName = Objects.requireNonNull(agentName, "agentName == null");
    this.workers = vertx.createSharedWorkerExecutor("dialback-fs-" + agentName, settings.workers());
    this.uploads = new Uploads(vertx, jail, settings, workers);
  }

  /** The operations served, e.g. {@code list}; each at {@code agent.<name>.fs.<operation>}. */
  public List<String> operations() {
    return settings.writable()
        ? List.of(Wire.FS_LIST, Wire.FS_STAT, Wire.FS_READ, Wire.FS_WRITE)
        : List.of(Wire.FS_LIST, Wire.FS_STAT, Wire.FS_READ);
  }

  /** Registers the local consumers; call on the context that should own the service's state. */
  public Future<Void> start() {
    RawJsonCodec.install(vertx.eventBus()); // reads answer with RawJson
    register(Wire.FS_LIST, this::list);
    register(Wire.FS_STAT, this::stat);
    register(Wire.FS_READ, this::read);
    if (settings.writable()) {
      consumers.add(
          vertx
              .eventBus()
              .<Object>localConsumer(
                  Wire.localAddress(Wire.fsAddress(agentName, Wire.FS_WRITE)), uploads::write));
    } else {
      // Answer writes with a clear refusal rather than "no handlers".
      consumers.add(
          vertx
              .eventBus()
              .<Object>localConsumer(
                  Wire.localAddress(Wire.fsAddress(agentName, Wire.FS_WRITE)),
                  msg -> {
                    Audit.writeRefused(msg.headers().get(Wire.HEADER_FROM), "read-only");
                    msg.fail(
                        FailureCode.DENIED.code(),
                        FailureCode.DENIED.message("agent " + agentName + " is read-only"));
                  }));
    }
    uploads.start();
    if (settings.watch()) {
      watcher = new Watcher(jail, settings.maxWatchedDirs(), this::publishChange);
      try {
        watcher.start(vertx.getOrCreateContext());
      } catch (IOException e) {
        return Future.failedFuture(
            new IllegalStateException("cannot watch " + jail.root() + ": " + e.getMessage(), e));
      }
    }
    return Future.succeededFuture();
  }

  /** Hands a change to the agent, which publishes it on {@code agent.<name>.events.fs}. */
  private void publishChange(JsonObject event) {
    vertx
        .eventBus()
        .send(
            Wire.localEventsAddress(agentName),
            event,
            new DeliveryOptions().addHeader(Wire.HEADER_TOPIC, Wire.EVENTS_FS));
  }

  public Future<Void> stop() {
    if (watcher != null) {
      watcher.stop();
    }
    consumers.forEach(MessageConsumer::unregister);
    uploads.stop();
    return workers.close();
  }

  /**
   * An fs.read reply: raw bytes with their metadata in headers (binary), or the whole reply as JSON
   * text ({@link RawJson}, data in base64).
   */
  private record Chunk(Buffer data, MultiMap headers) {}

  private void register(String operation, Function<JsonObject, Callable<Object>> op) {
    String address = Wire.localAddress(Wire.fsAddress(agentName, operation));
    consumers.add(
        vertx.eventBus().<Object>localConsumer(address, msg -> serve(operation, msg, op)));
  }

  private void serve(
      String operation, Message<Object> msg, Function<JsonObject, Callable<Object>> op) {
    if (!(msg.body() instanceof JsonObject)) {
      msg.fail(
          FailureCode.BAD_REQUEST.code(),
          FailureCode.BAD_REQUEST.message("body must be an object"));
      return;
    }
    Callable<Object> task;
    try {
      task = op.apply((JsonObject) msg.body());
    } catch (FsException e) {
      fail(msg, e);
      return;
    }
    if (inFlight >= settings.workers() + settings.maxQueued()) {
      msg.fail(
          FailureCode.BUSY.code(),
          FailureCode.BUSY.message(
              "agent " + agentName + " has " + inFlight + " file operations queued"));
      return;
    }
    inFlight++;
    workers
        .executeBlocking(task, false)
        .onComplete(
            ar -> {
              inFlight--;
              if (ar.succeeded() && ar.result() instanceof Chunk) {
                Chunk chunk = (Chunk) ar.result();
                msg.reply(chunk.data(), new DeliveryOptions().setHeaders(chunk.headers()));
              } else if (ar.succeeded()) {
                msg.reply(ar.result());
              } else {
                fail(msg, ar.cause(), operation);
              }
            });
  }

  static void fail(Message<?> msg, Throwable cause, String operation) {
    if (cause instanceof FsException) {
      fail(msg, (FsException) cause);
    } else if (cause instanceof NoSuchFileException) {
      msg.fail(
          FailureCode.NOT_FOUND.code(),
          FailureCode.NOT_FOUND.message("no such file: " + cause.getMessage()));
    } else if (cause instanceof AccessDeniedException) {
      msg.fail(
          FailureCode.DENIED.code(),
          FailureCode.DENIED.message("permission denied: " + cause.getMessage()));
    } else {
      // The message of an I/O error quotes the caller's path: it is escaped before it is logged.
      log.warn("fs.{} failed", operation, LogSafe.exception(cause));
      msg.fail(
          FailureCode.INTERNAL.code(),
          FailureCode.INTERNAL.message(operation + " failed: " + cause));
    }
  }

  static void fail(Message<?> msg, FsException e) {
    msg.fail(e.code().code(), e.getMessage());
  }

  // ---- operations: each validates its request on the event loop, then returns the blocking work

  private Callable<Object> list(JsonObject req) {
    String path = Args.pathOf(req, true);
    int offset = Args.intOf(req, "offset", 0);
    return () -> {
      Path dir = jail.existing(path);
      if (!Files.isDirectory(dir)) {
        throw new FsException(FailureCode.BAD_REQUEST, Jail.display(path) + " is not a directory");
      }
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
        for (Path child : stream) {
          if (!Uploads.isTempFile(child.getFileName().toString())) {
            children.add(child);
          }
        }
      }
      children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
      JsonArray entries = new JsonArray();
      int end = Math.min(children.size(), offset + settings.maxListEntries());
      for (int i = offset; i < end; i++) {
        entries.add(describe(children.get(i), false));
      }
      return new JsonObject()
          .put("path", jail.relative(dir))
          .put("entries", entries)
          .put("offset", offset)
          .put("total", children.size())
          .put("more", end < children.size());
    };
  }

  private Callable<Object> stat(JsonObject req) {
    String path = Args.pathOf(req, true);
    return () -> describe(jail.existing(path), true).put("path", path);
  }

  private Callable<Object> read(JsonObject req) {
    String path = Args.pathOf(req, false);
    long offset = Args.longOf(req, "offset", 0);
    long asked = Args.longOf(req, "length", settings.chunkBytes());
    int length = (int) Math.min(asked, settings.chunkBytes());
    boolean binary = Boolean.TRUE.equals(req.getValue("binary"));
    return () -> {
      Path file = jail.existing(path);
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      Args.requireRegular(attrs, path);
      long size = attrs.size();
      if (offset > size) {
        throw new FsException(
            FailureCode.BAD_REQUEST,
            "offset " + offset + " is beyond the end of " + path + " (" + size + " bytes)");
      }
      int n = (int) Math.min(length, size - offset);
      ByteBuffer buf = ByteBuffer.allocate(n);
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        while (buf.hasRemaining()) {
          if (channel.read(buf, offset + buf.position()) < 0) {
            break; // the file shrank under us; eof says so
          }
        }
      }
      int got = buf.position();
      byte[] bytes = got == n ? buf.array() : Arrays.copyOf(buf.array(), got);
      if (binary) {
        MultiMap headers =
            MultiMap.caseInsensitiveMultiMap()
                .add(Wire.FS_PATH, path)
                .add(Wire.FS_OFFSET, String.valueOf(offset))
                .add(Wire.FS_SIZE, String.valueOf(size))
                .add(Wire.FS_MODIFIED, String.valueOf(attrs.lastModifiedTime().toMillis()))
                .add(Wire.FS_EOF, String.valueOf(offset + got >= size));
        return new Chunk(Buffer.buffer(bytes), headers);
      }
      // The JSON is written here, on the worker, straight from the bytes: the event loops pass
      // it on undecoded (a RawJson body), so a base64 chunk costs them no JSON work at all.
      ByteArrayBuilder json = new ByteArrayBuilder(got / 3 * 4 + 256);
      try (JsonGenerator g = JSON.createGenerator(json)) {
        g.writeStartObject();
        g.writeStringField("path", path);
        g.writeNumberField("offset", offset);
        g.writeNumberField("size", size);
        g.writeNumberField("modified", attrs.lastModifiedTime().toMillis());
        g.writeFieldName("data");
        // Standard padded base64 (the JDK's encoder is several times faster than Jackson's), which
        // is plain ASCII and never needs escaping.
        byte[] base64 = Base64.getEncoder().encode(bytes);
        g.writeRawUTF8String(base64, 0, base64.length);
        g.writeBooleanField("eof", offset + got >= size);
        g.writeEndObject();
      }
      return new RawJson(Buffer.buffer(json.toByteArray()));
    };
  }

  // ---- helpers ----

  /** A listing entry or a stat reply for a real path. */
  private JsonObject describe(Path path, boolean full) throws IOException {
    BasicFileAttributes own =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    BasicFileAttributes attrs = own;
    String type;
    if (own.isSymbolicLink()) {
      // Follow a link only if it stays below the root; otherwise it is shown, never opened.
      Path target;
      try {
        target = path.toRealPath();
      } catch (IOException e) {
        target = null;
      }
      if (target != null && jail.contains(target)) {
        attrs = Files.readAttributes(target, BasicFileAttributes.class);
        type = typeOf(attrs);
      } else {
        type = "link";
      }
    } else {
      type = typeOf(own);
    }
    JsonObject entry =
        new JsonObject()
            .put("name", path.equals(jail.root()) ? "" : path.getFileName().toString())
            .put("type", type)
            .put("size", attrs.isRegularFile() ? attrs.size() : 0L)
            .put("modified", attrs.lastModifiedTime().toMillis());
    if (full) {
      entry.put("created", attrs.creationTime().toMillis());
      entry.put("writable", settings.writable() && Files.isWritable(path));
      try {
        entry.put(
            "permissions", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
    }
    return entry;
  }

  private static String typeOf(BasicFileAttributes attrs) {
    if (attrs.isRegularFile()) {
      return "file";
    }
    if (attrs.isDirectory()) {
      return "dir";
    }
    return attrs.isSymbolicLink() ? "link" : "other";
  }
}
