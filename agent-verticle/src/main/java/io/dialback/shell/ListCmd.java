package io.dialback.shell;

import io.dialback.api.AgentInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code list}: the agents connected anywhere in the cluster. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Agents connected to the hub(s): name, hub, access, host, root, since when.")
final class ListCmd extends ShellCmd {
  @Option(names = "--json", description = "One JSON document: {\"agents\": [...]}.")
  boolean json;

  @Override
  int run() {
    List<AgentInfo> agents =
        session.await(session.dialback().agents(), Session.TIMEOUT, "hub.agents.list");
    if (json) {
      JsonArray all = new JsonArray();
      for (AgentInfo a : agents) {
        all.add(
            new JsonObject()
                .put("name", a.name())
                .put("hub", a.hub())
                .put("writable", a.writable())
                .put("connectedAt", a.connectedAt().toEpochMilli())
                .put("meta", a.meta()));
      }
      JsonOut.print(session.out, new JsonObject().put("agents", all));
      return Shell.OK;
    }
    Table table = new Table();
    table.row("NAME", "HUB", "ACCESS", "HOST", "ROOT", "CONNECTED");
    for (AgentInfo a : agents) {
      table.row(
          Printable.of(a.name()),
          Printable.of(a.hub()),
          a.writable() ? "read-write" : "read-only",
          Printable.of(String.valueOf(a.meta().getValue("host", "?"))),
          Printable.of(String.valueOf(a.meta().getValue("root", "?"))),
          Human.time(a.connectedAt()));
    }
    table.print(session.out);
    return Shell.OK;
  }
}
