package io.dialback.agent.fs;

import io.dialback.wire.FailureCode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fs.mkdir}, {@code fs.delete} and {@code fs.move} of a writable agent. Every path is taken
 * through the {@link Jail} as a write target is: its folder must resolve below the root, and where
 * the name itself is a symlink, so must its target. A symlink is removed or renamed as the link it
 * is; its target is never touched. A recursive delete does not follow links either.
 */
final class Changes {
  private final Jail jail;

  Changes(Jail jail) {
    this.jail = jail;
  }

  /** {@code {path, parents?}}: one folder, or with {@code parents} every missing one on the way. */
  Callable<Object> mkdir(JsonObject req, String caller) {
    String path = Args.pathOf(req, false);
    boolean parents = Args.flag(req, "parents");
    return () -> {
      boolean created = parents ? mkdirs(path) : mkdir(path);
      if (created) {
        Audit.change(caller, "mkdir", path, null);
      }
      return new JsonObject().put("path", path).put("created", created);
    };
  }

  private boolean mkdir(String path) throws IOException {
    Path target = jail.writable(path);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FsException(FailureCode.CONFLICT, path + " already exists");
    }
    try {
      Files.createDirectory(target);
    } catch (FileAlreadyExistsException e) {
      throw new FsException(FailureCode.CONFLICT, path + " already exists");
    }
    return true;
  }

  /** Walks down from the root, each existing step resolved and checked, the rest created. */
  private boolean mkdirs(String path) throws IOException {
    List<String> names = jail.names(path);
    Path current = jail.root();
    boolean created = false;
    for (String name : names) {
      Path next = current.resolve(name);
      if (Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        Path real;
        try {
          real = next.toRealPath();
        } catch (IOException e) {
          throw new FsException(FailureCode.DENIED, path + " passes a dangling symlink");
        }
        jail.requireInside(real, path);
        if (!Files.isDirectory(real)) {
          throw new FsException(
              FailureCode.CONFLICT, jail.relative(next) + " exists and is not a directory");
        }
        current = real;
      } else {
        Files.createDirectory(next);
        created = true;
        current = next;
      }
    }
    return created;
  }

  /** {@code {path, recursive?}}: a file or link; a folder only with {@code recursive}. */
  Callable<Object> delete(JsonObject req, String caller) {
    String path = Args.pathOf(req, false);
    boolean recursive = Args.flag(req, "recursive");
    return () -> {
      Path target = jail.writable(path);
      BasicFileAttributes attrs = existing(target, path);
      long removed;
      if (attrs.isDirectory()) {
        if (!recursive) {
          throw new FsException(
              FailureCode.BAD_REQUEST, path + " is a directory; delete it with recursive: true");
        }
        removed = deleteTree(target);
      } else {
        Files.delete(target);
        removed = 1;
      }
      Audit.change(caller, "delete", path, removed + " entries");
      return new JsonObject().put("path", path).put("deleted", removed);
    };
  }

  /** {@code {from, to, replace?}}: one atomic rename below the root. */
  Callable<Object> move(JsonObject req, String caller) {
    String from = Args.stringOf(req, "from");
    String to = Args.stringOf(req, "to");
    boolean replace = Args.flag(req, "replace");
    return () -> {
      Path source = jail.writable(from);
      Path target = jail.writable(to);
      BasicFileAttributes attrs = existing(source, from);
      if (source.equals(target)) {
        return new JsonObject().put("from", from).put("to", to);
      }
      if (attrs.isDirectory() && target.startsWith(source)) {
        throw new FsException(
            FailureCode.BAD_REQUEST,
            "cannot move the folder " + from + " into itself (" + to + ")");
      }
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        if (!replace) {
          throw new FsException(
              FailureCode.CONFLICT, to + " already exists; give replace: true to replace it");
        }
        boolean targetIsDir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
        if (targetIsDir != attrs.isDirectory()) {
          throw new FsException(
              FailureCode.CONFLICT,
              "cannot replace "
                  + (targetIsDir ? "the folder " : "the file ")
                  + to
                  + " with "
                  + (attrs.isDirectory() ? "a folder" : "a file"));
        }
      }
      try {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (DirectoryNotEmptyException e) {
        throw new FsException(FailureCode.CONFLICT, to + " is a folder that is not empty");
      }
      Audit.change(caller, "move", from, "to " + to);
      return new JsonObject().put("from", from).put("to", to);
    };
  }

  private static BasicFileAttributes existing(Path target, String path) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FsException(FailureCode.NOT_FOUND, "no such file or directory: " + path);
    }
    return Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }

  /** Deletes a folder and everything below it, links as links; returns how many entries went. */
  private static long deleteTree(Path dir) throws IOException {
    long[] count = {0};
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            count[0]++;
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            count[0]++;
            return FileVisitResult.CONTINUE;
          }
        });
    return count[0];
  }
}
