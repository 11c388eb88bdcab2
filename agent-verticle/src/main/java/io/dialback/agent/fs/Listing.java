package io.dialback.agent.fs;

import io.dialback.wire.FailureCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fs.list} and {@code fs.stat}: what is below the root, described. A symlink is followed
 * only when it stays below the root; otherwise it is shown as {@code link} and never opened.
 */
final class Listing {
  private final Jail jail;
  private final FsSettings settings;

  Listing(Jail jail, FsSettings settings) {
    this.jail = jail;
    this.settings = settings;
  }

  Callable<Object> list(JsonObject req) {
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
          if (!UploadState.isTempFile(child.getFileName().toString())) {
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

  Callable<Object> stat(JsonObject req) {
    String path = Args.pathOf(req, true);
    return () -> describe(jail.existing(path), true).put("path", path);
  }

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
