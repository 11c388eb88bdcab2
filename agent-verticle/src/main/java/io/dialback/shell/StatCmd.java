package io.dialback.shell;

import io.dialback.api.FileStat;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stat}: details of a file or folder. */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = "Details of a file or folder of an agent.")
final class StatCmd extends ShellCmd {
  @Option(
      names = "--json",
      description =
          "One JSON document: {agent, path, type, size, modified, created, writable, permissions}.")
  boolean json;

  @Parameters(paramLabel = "AGENT:PATH", arity = "1", description = "What to describe.")
  String target;

  @Override
  int run() {
    RemotePath remote = RemotePath.parse(target);
    FileStat s =
        session.await(
            session.dialback().agent(remote.agent()).stat(remote.bare()),
            Session.TIMEOUT,
            "stat " + remote);
    if (json) {
      JsonOut.print(
          session.out,
          new JsonObject()
              .put("agent", remote.agent())
              .put("path", remote.bare())
              .put("type", s.type())
              .put("size", s.size())
              .put("modified", s.modified().toEpochMilli())
              .put("created", s.created().toEpochMilli())
              .put("writable", s.writable())
              .put("permissions", s.permissions()));
      return Shell.OK;
    }
    session.out.println("path:        " + Printable.of(remote));
    session.out.println("type:        " + Printable.of(s.type()));
    session.out.println("size:        " + s.size() + " (" + Human.size(s.size()) + ")");
    session.out.println("modified:    " + s.modified());
    session.out.println("created:     " + s.created());
    session.out.println("writable:    " + s.writable());
    if (s.permissions() != null) {
      session.out.println("permissions: " + Printable.of(s.permissions()));
    }
    return Shell.OK;
  }
}
