package io.dialback.shell;

import io.dialback.wire.Wire;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hubs}: the cluster's hubs and their counts ({@code hub.hubs.list}). */
@Command(
    name = "hubs",
    mixinStandardHelpOptions = true,
    description =
        "The cluster's hubs: name (* the one you are connected to), address, connections, agents,"
            + " clients, calls pending, since when.")
final class HubsCmd extends ShellCmd {
  @Option(names = "--json", description = "The hub's answer as it is: {\"hubs\": [...]}.")
  boolean json;

  @Override
  int run() {
    JsonObject answer =
        session.await(
            session.dialback().call(Wire.HUB_HUBS_LIST, new JsonObject()),
            Session.TIMEOUT,
            Wire.HUB_HUBS_LIST);
    if (json) {
      JsonOut.print(session.out, answer);
      return Shell.OK;
    }
    Table table = new Table();
    for (String[] row : HubsView.rows(answer)) {
      String[] printable = new String[row.length];
      for (int i = 0; i < row.length; i++) {
        printable[i] = Printable.of(row[i]); // names and addresses come from other hubs
      }
      table.row(printable);
    }
    table.print(session.out);
    return Shell.OK;
  }
}
