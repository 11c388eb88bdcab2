package io.dialback.agent.fs;

import io.dialback.wire.FailureCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a caller's path into a file below the root, or refuses it.
 *
 * <p>A caller's path is relative to the root, with {@code /} between names; {@code ""} and {@code
 * "."} are the root itself. Refused: absolute paths, any {@code ..} segment, NUL bytes, and
 * anything whose real path (symlinks followed) is not below the root's real path. The check is on
 * the real path, so a symlink inside the root that points outside cannot be used, and a symlink
 * that stays inside can.
 */
public final class Jail {
  private final Path root;

  /** A jail at {@code root}, which must be an existing directory. */
  public Jail(Path root) throws IOException {
    Objects.requireNonNull(root, "root == null");
    this.root = root.toRealPath();
    if (!Files.isDirectory(this.root)) {
      throw new IOException("root is not a directory: " + root);
    }
  }

  public Path root() {
    return root;
  }

  /** The real path of an existing file or directory below the root. */
  public Path existing(String path) {
    Path candidate = lexical(path);
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      throw new FsException(FailureCode.NOT_FOUND, "no such file or directory: " + display(path));
    } catch (IOException e) {
      throw new FsException(
          FailureCode.NOT_FOUND, "cannot resolve " + display(path) + ": " + e.getMessage());
    }
    requireInside(real, path);
    return real;
  }

  /**
   * Where a file that may not exist yet would be written: its parent must exist below the root, and
   * if the file exists it must be below the root too (a symlink may not redirect a write).
   */
  public Path writable(String path) {
    Path candidate = lexical(path);
    if (candidate.equals(root)) {
      throw new FsException(FailureCode.BAD_REQUEST, "cannot write to the root directory itself");
    }
    Path parent;
    try {
      parent = candidate.getParent().toRealPath();
    } catch (IOException e) {
      throw new FsException(FailureCode.NOT_FOUND, "no such directory: " + display(parentOf(path)));
    }
    requireInside(parent, path);
    if (!Files.isDirectory(parent)) {
      throw new FsException(
          FailureCode.BAD_REQUEST, display(parentOf(path)) + " is not a directory");
    }
    Path target = parent.resolve(candidate.getFileName());
    if (Files.isSymbolicLink(target)) {
      try {
        requireInside(target.toRealPath(), path);
      } catch (IOException e) {
        throw new FsException(FailureCode.DENIED, display(path) + " is a dangling symlink");
      }
    }
    return target;
  }

  /**
   * The names of a path below the root, checked as every path is ({@code ..}, absolute, NUL); empty
   * for the root. For walking down a path that may not exist yet ({@code mkdir -p}).
   */
  List<String> names(String path) {
    Path relative = root.relativize(lexical(path));
    List<String> names = new ArrayList<>();
    for (Path name : relative) {
      if (!name.toString().isEmpty()) {
        names.add(name.toString());
      }
    }
    return names;
  }

  /** The caller's name for a real path below the root ("" for the root). */
  public String relative(Path real) {
    return root.relativize(real).toString().replace('\\', '/');
  }

  /** Whether a real path lies below the root (for entries of a listing). */
  public boolean contains(Path real) {
    return real.startsWith(root);
  }

  private Path lexical(String path) {
    if (path == null) {
      throw new FsException(FailureCode.BAD_REQUEST, "path is required");
    }
    if (path.indexOf('\0') >= 0) {
      throw new FsException(FailureCode.BAD_REQUEST, "path contains a NUL byte");
    }
    if (path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*")) {
      throw new FsException(
          FailureCode.DENIED,
          "absolute paths are refused; give a path relative to the shared root");
    }
    for (String segment : path.split("[/\\\\]")) {
      if (segment.equals("..")) {
        throw new FsException(
            FailureCode.DENIED, "\"..\" is refused: paths may not leave the shared root");
      }
    }
    try {
      Path resolved = root.resolve(path).normalize();
      if (!resolved.startsWith(root)) {
        throw new FsException(FailureCode.DENIED, display(path) + " leaves the shared root");
      }
      return resolved;
    } catch (InvalidPathException e) {
      throw new FsException(FailureCode.BAD_REQUEST, "invalid path: " + e.getMessage());
    }
  }

  void requireInside(Path real, String asked) {
    if (!real.startsWith(root)) {
      throw new FsException(
          FailureCode.DENIED,
          display(asked) + " resolves (through a symlink) outside the shared root");
    }
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  static String display(String path) {
    return path.isEmpty() ? "/" : path;
  }
}
