package io.dialback.shell;

import io.dialback.api.FileEntry;
import io.dialback.api.FileStat;
import java.util.ArrayList;
import java.util.List;

/**
 * Remote paths as the commands take them: globs in the last segment expanded against the agent's
 * listing, and what each path is. Names from a listing are used only when they are plain ({@link
 * SafeName}); others are skipped, said with escapes.
 */
final class Remotes {
  private final ShellCmd command;
  private final Session session;

  /** How many names were skipped as not plain. */
  int skipped;

  Remotes(ShellCmd command) {
    this.command = command;
    this.session = command.session;
  }

  /** The paths {@code specs} name, each glob replaced by its matches (none: a failure). */
  List<RemotePath> expand(List<String> specs) {
    List<RemotePath> all = new ArrayList<>();
    for (String spec : specs) {
      all.addAll(expand(RemotePath.parse(spec)));
    }
    return all;
  }

  List<RemotePath> expand(RemotePath remote) {
    String last = remote.fileName();
    if (!Glob.isPattern(last)) {
      return List.of(remote);
    }
    Glob glob = Glob.of(last);
    List<RemotePath> matches = new ArrayList<>();
    for (FileEntry e : list(remote.parent())) {
      if (glob.matches(e.name())) {
        matches.add(remote.parent().child(e.name()));
      }
    }
    if (matches.isEmpty()) {
      throw io.dialback.wire.FailureCode.NOT_FOUND.exception("no match for " + remote);
    }
    return matches;
  }

  /** A folder's entries with plain names; the others are skipped with a warning. */
  List<FileEntry> list(RemotePath folder) {
    List<FileEntry> entries =
        session.await(
            session.dialback().agent(folder.agent()).list(folder.bare()),
            Session.TIMEOUT,
            "list " + folder);
    List<FileEntry> plain = new ArrayList<>();
    for (FileEntry e : entries) {
      if (SafeName.isPlain(e.name())) {
        plain.add(e);
      } else {
        command.warn(
            "skipped \""
                + Printable.of(e.name())
                + "\" in "
                + Printable.of(folder)
                + ": not a plain file name");
        skipped++;
      }
    }
    return plain;
  }

  FileStat stat(RemotePath remote) {
    return session.await(
        session.dialback().agent(remote.agent()).stat(remote.bare()),
        Session.TIMEOUT,
        "stat " + remote);
  }
}
