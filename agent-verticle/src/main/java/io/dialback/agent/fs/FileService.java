package io.dialback.agent.fs;

import io.dialback.logging.LogSafe;
import io.dialback.wire.FailureCode;
import io.dialback.wire.RawJsonCodec;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file service of one agent on {@code agent.<name>.fs.*}: {@code list}, {@code stat}, {@code
 * read} and {@code hash} always; {@code write}, {@code mkdir}, {@code delete} and {@code move} when
 * writable (a read-only agent answers them with {@code access_denied}). Served as local event-bus
 * consumers in the agent's Vert.x (the agent verticle bridges them to the hub).
 *
 * <p>Everything is served only below the root ({@link Jail}). File I/O runs on a small pool of
 * worker threads, never on an event loop; operations beyond the pool wait in a bounded queue, and
 * beyond that the caller gets {@code busy}. Memory per operation is one chunk.
 */
public final class FileService {
  private static final Logger log = LoggerFactory.getLogger(FileService.class);

  /** Operations that change the tree: served only by a writable agent. */
  private static final List<String> WRITING =
      List.of(Wire.FS_WRITE, Wire.FS_MKDIR, Wire.FS_DELETE, Wire.FS_MOVE);

  private final Vertx vertx;
  private final Jail jail;
  private final FsSettings settings;
  private final String agentName;
  private final WorkerExecutor workers;
  private final Uploads uploads;
  private final Listing listing;
  private final Reading reading;
  private final Changes changes;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Watcher watcher;
  private int inFlight;

  /** One operation: checks its request on the event loop, returns the blocking work. */
  @FunctionalInterface
  private interface Operation {
    Callable<Object> prepare(JsonObject request, String caller);
  }

  public FileService(Vertx vertx, Jail jail, FsSettings settings, String agentName) {
    this.vertx = Objects.requireNonNull(vertx, "vertx == null");
    this.jail = Objects.requireNonNull(jail, "jail == null");
    this.settings = Objects.requireNonNull(settings, "settings == null");
    this.agentName = Objects.requireNonNull(agentName, "agentName == null");
    this.workers = vertx.createSharedWorkerExecutor("dialback-fs-" + agentName, settings.workers());
    this.uploads = new Uploads(vertx, jail, settings, workers);
    this.listing = new Listing(jail, settings);
    this.reading = new Reading(jail, settings);
    this.changes = new Changes(jail);
  }

  /**
   * Every operation answered at {@code agent.<name>.fs.<operation>}, e.g. {@code list}: the writing
   * ones too on a read-only agent, which refuses them plainly rather than as "no handlers".
   */
  public List<String> operations() {
    List<String> all =
        new ArrayList<>(List.of(Wire.FS_LIST, Wire.FS_STAT, Wire.FS_READ, Wire.FS_HASH));
    all.addAll(WRITING);
    return all;
  }

  /** Registers the local consumers; call on the context that should own the service's state. */
  public Future<Void> start() {
    RawJsonCodec.install(vertx.eventBus()); // reads answer with RawJson
    register(Wire.FS_LIST, (req, caller) -> listing.list(req));
    register(Wire.FS_STAT, (req, caller) -> listing.stat(req));
    register(Wire.FS_READ, (req, caller) -> reading.read(req));
    register(Wire.FS_HASH, (req, caller) -> reading.hash(req));
    if (settings.writable()) {
      consumers.add(
          vertx
              .eventBus()
              .<Object>localConsumer(
                  Wire.localAddress(Wire.fsAddress(agentName, Wire.FS_WRITE)), uploads::write));
      register(Wire.FS_MKDIR, changes::mkdir);
      register(Wire.FS_DELETE, changes::delete);
      register(Wire.FS_MOVE, changes::move);
    } else {
      for (String operation : WRITING) {
        refuse(operation);
      }
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

  /** Answers a writing operation of a read-only agent with a clear refusal. */
  private void refuse(String operation) {
    consumers.add(
        vertx
            .eventBus()
            .<Object>localConsumer(
                Wire.localAddress(Wire.fsAddress(agentName, operation)),
                msg -> {
                  Audit.writeRefused(msg.headers().get(Wire.HEADER_FROM), operation, "read-only");
                  msg.fail(
                      FailureCode.DENIED.code(),
                      FailureCode.DENIED.message("agent " + agentName + " is read-only"));
                }));
  }

  private void register(String operation, Operation op) {
    String address = Wire.localAddress(Wire.fsAddress(agentName, operation));
    consumers.add(
        vertx.eventBus().<Object>localConsumer(address, msg -> serve(operation, msg, op)));
  }

  private void serve(String operation, Message<Object> msg, Operation op) {
    if (!(msg.body() instanceof JsonObject)) {
      msg.fail(
          FailureCode.BAD_REQUEST.code(),
          FailureCode.BAD_REQUEST.message("body must be an object"));
      return;
    }
    Callable<Object> task;
    try {
      task = op.prepare((JsonObject) msg.body(), msg.headers().get(Wire.HEADER_FROM));
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
              if (ar.succeeded() && ar.result() instanceof Reading.BinaryChunk) {
                Reading.BinaryChunk chunk = (Reading.BinaryChunk) ar.result();
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
}
