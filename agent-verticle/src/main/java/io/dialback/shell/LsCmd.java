package io.dialback.shell;

import io.dialback.api.FileEntry;
import io.dialback.api.FileStat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ls}: a folder of an agent (or the entries a glob matches), names escaped. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = {
      "A folder of an agent: names, folders ending in /.",
      "AGENT or AGENT: is its root; a glob in the last part lists what matches (ls 'alpha:logs/*.txt')."
    })
final class LsCmd extends ShellCmd {
  @Option(names = "-l", description = "Long: type, size (KiB, MiB, ...), modified, name.")
  boolean longFormat;

  @Option(
      names = "--json",
      description =
          "One JSON document: {\"agent\", \"path\", \"entries\": [{name, type, size, modified}]}.")
  boolean json;

  @Parameters(paramLabel = "AGENT[:PATH]", arity = "1", description = "What to list.")
  String target;

  @Override
  int run() {
    RemotePath remote = RemotePath.parse(target);
    List<FileEntry> entries = entries(remote);
    if (json) {
      JsonArray all = new JsonArray();
      for (FileEntry e : entries) {
        all.add(
            new JsonObject()
                .put("name", e.name())
                .put("type", e.type())
                .put("size", e.size())
                .put("modified", e.modified().toEpochMilli()));
      }
      JsonOut.print(
          session.out,
          new JsonObject()
              .put("agent", remote.agent())
              .put("path", remote.bare())
              .put("entries", all));
      return Shell.OK;
    }
    if (!longFormat) {
      for (FileEntry e : entries) {
        session.out.println(Printable.of(e.name()) + (e.isDirectory() ? "/" : ""));
      }
      return Shell.OK;
    }
    Table table = new Table(false, true);
    for (FileEntry e : entries) {
      table.row(
          typeLetter(e.type()),
          e.isDirectory() ? "-" : Human.size(e.size()),
          Human.time(e.modified()),
          Printable.of(e.name()) + (e.isDirectory() ? "/" : ""));
    }
    table.print(session.out);
    return Shell.OK;
  }

  /** A folder's entries as the agent gives them; a file, or a glob's matches, as entries too. */
  private List<FileEntry> entries(RemotePath remote) {
    var agent = session.dialback().agent(remote.agent());
    if (Glob.isPattern(remote.fileName())) {
      Glob glob = Glob.of(remote.fileName());
      List<FileEntry> matches = new ArrayList<>();
      for (FileEntry e :
          session.await(agent.list(remote.parent().bare()), Session.TIMEOUT, "list " + remote)) {
        if (glob.matches(e.name())) {
          matches.add(e);
        }
      }
      return matches;
    }
    FileStat stat = session.await(agent.stat(remote.bare()), Session.TIMEOUT, "stat " + remote);
    if (!stat.isDirectory()) {
      return List.of(new FileEntry(remote.fileName(), stat.type(), stat.size(), stat.modified()));
    }
    return session.await(agent.list(remote.bare()), Session.TIMEOUT, "list " + remote);
  }

  static String typeLetter(String type) {
    switch (String.valueOf(type)) {
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
}
