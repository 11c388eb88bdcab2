package io.dialback.agent.fs;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import io.dialback.logging.LogSafe;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches an agent's root and reports what changed below it as {@code fs} events: {@code {event:
 * created|modified|deleted, path, type, size, modified, at}}, paths relative to the root.
 *
 * <p>Changes are coalesced per path until the tree has been quiet for {@link #SETTLE_MS} (or for at
 * most {@link #MAX_HOLD_MS} while it keeps changing): a file written in many pieces is one event, a
 * file created and deleted in between is none. Folders created later are watched too, up to a
 * bound; symbolic links are never followed. If the system drops events (overflow), one {@code
 * modified} event for the root ({@code path: ""}) says "look again". The watching runs on a thread
 * of its own; events are handed over on the Vert.x context that started it.
 */
final class Watcher {
  static final long SETTLE_MS = 200;
  static final long MAX_HOLD_MS = 1_000;
  private static final Logger log = LoggerFactory.getLogger(Watcher.class);

  private enum Kind {
    CREATED,
    MODIFIED,
    DELETED
  }

  private final Jail jail;
  private final int maxDirs;
  private final Handler<JsonObject> publish;
  private final Map<WatchKey, Path> dirs = new HashMap<>();
  private final LinkedHashMap<Path, Kind> pending = new LinkedHashMap<>();
  private Context context;
  private WatchService service;
  private Thread thread;
  private boolean warnedFull;
  private volatile boolean running;

  Watcher(Jail jail, int maxDirs, Handler<JsonObject> publish) {
    this.jail = jail;
    this.maxDirs = maxDirs;
    this.publish = publish;
  }

  /** Starts watching; events are published on the calling Vert.x context. */
  void start(Context context) throws IOException {
    this.context = context;
    service = jail.root().getFileSystem().newWatchService();
    registerTree(jail.root(), false);
    running = true;
    thread = new Thread(this::run, "dialback-fs-watch");
    thread.setDaemon(true);
    thread.start();
    log.info("watching {} ({} folders)", jail.root(), dirs.size());
  }

  void stop() {
    running = false;
    try {
      if (service != null) {
        service.close(); // wakes the thread
      }
    } catch (IOException e) {
      log.debug("closing the watch service: {}", LogSafe.text(e));
    }
  }

  private void run() {
    long firstPending = 0;
    try {
      while (running) {
        WatchKey key = service.poll(SETTLE_MS, TimeUnit.MILLISECONDS);
        boolean quiet = key == null; // nothing changed for SETTLE_MS
        while (key != null) {
          collect(key);
          key = service.poll();
        }
        long now = System.nanoTime();
        if (pending.isEmpty()) {
          firstPending = 0;
          continue;
        }
        if (firstPending == 0) {
          firstPending = now;
        }
        if (quiet || now - firstPending > MAX_HOLD_MS * 1_000_000) {
          flush();
          firstPending = 0;
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException e) {
      // stopped
    } catch (RuntimeException e) {
      log.warn("watching {} stopped: {}", jail.root(), LogSafe.text(e, 500));
    }
  }

  private void collect(WatchKey key) {
    Path dir = dirs.get(key);
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == OVERFLOW || dir == null) {
        note(jail.root(), Kind.MODIFIED);
        continue;
      }
      Path path = dir.resolve((Path) event.context());
      if (Uploads.isTempFile(path.getFileName().toString())) {
        continue; // an upload in progress: its rename into place is the event
      }
      if (event.kind() == ENTRY_CREATE) {
        note(path, Kind.CREATED);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          registerTree(path, true); // what was made inside before we watched it counts as created
        }
      } else if (event.kind() == ENTRY_MODIFY) {
        note(path, Kind.MODIFIED);
      } else if (event.kind() == ENTRY_DELETE) {
        note(path, Kind.DELETED);
      }
    }
    if (!key.reset()) {
      dirs.remove(key); // the folder is gone
    }
  }

  /** Merges a change into what is pending for the path. */
  private void note(Path path, Kind kind) {
    Kind before = pending.get(path);
    if (before == null) {
      pending.put(path, kind);
    } else if (kind == Kind.DELETED) {
      if (before == Kind.CREATED) {
        pending.remove(path); // came and went: nobody needs to know
      } else {
        pending.put(path, Kind.DELETED);
      }
    } else if (before == Kind.DELETED) {
      pending.put(path, Kind.MODIFIED); // replaced
    }
    // CREATED or MODIFIED followed by CREATED or MODIFIED stays what it was.
  }

  private void flush() {
    List<JsonObject> events = new ArrayList<>(pending.size());
    long at = System.currentTimeMillis();
    for (Map.Entry<Path, Kind> change : pending.entrySet()) {
      JsonObject event = describe(change.getKey(), change.getValue(), at);
      if (event != null) {
        events.add(event);
      }
    }
    pending.clear();
    if (!events.isEmpty()) {
      context.runOnContext(v -> events.forEach(publish::handle));
    }
  }

  private JsonObject describe(Path path, Kind kind, long at) {
    JsonObject event = new JsonObject().put("path", jail.relative(path)).put("at", at);
    if (kind == Kind.DELETED) {
      return event.put("event", "deleted");
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return kind == Kind.CREATED ? null : event.put("event", "deleted");
    } catch (IOException e) {
      return null;
    }
    return event
        .put("event", kind == Kind.CREATED ? "created" : "modified")
        .put("type", attrs.isDirectory() ? "dir" : attrs.isRegularFile() ? "file" : "other")
        .put("size", attrs.isDirectory() ? 0 : attrs.size())
        .put("modified", attrs.lastModifiedTime().toMillis());
  }

  /**
   * Watches {@code top} and the folders below it; {@code report} notes what is found as created.
   */
  private void registerTree(Path top, boolean report) {
    try {
      Files.walkFileTree(
          top,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (report && !dir.equals(top)) {
                note(dir, Kind.CREATED);
              }
              if (dirs.size() >= maxDirs) {
                if (!warnedFull) {
                  warnedFull = true;
                  log.warn(
                      "watching only {} folders below {} (fs.maxWatchedDirs); changes deeper"
                          + " in are not reported",
                      maxDirs,
                      jail.root());
                }
                return FileVisitResult.SKIP_SUBTREE;
              }
              try {
                dirs.put(dir.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE), dir);
              } catch (IOException e) {
                log.debug("cannot watch {}: {}", LogSafe.text(dir, 500), LogSafe.text(e, 500));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (report && !Uploads.isTempFile(file.getFileName().toString())) {
                note(file, Kind.CREATED);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      log.debug("cannot walk {}: {}", LogSafe.text(top, 500), LogSafe.text(e, 500));
    }
  }
}
