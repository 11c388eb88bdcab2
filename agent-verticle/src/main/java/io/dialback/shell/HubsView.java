package io.dialback.shell;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell's {@code hubs}: the cluster's hubs and their counts, from {@code hub.hubs.list} (the
 * same answer as the admin API's {@code /api/hubs}), as table rows; {@code *} marks the hub the
 * shell is connected to.
 */
final class HubsView {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

  private HubsView() {}

  static List<String[]> rows(JsonObject answer) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {"HUB", "ADDRESS", "CONNECTIONS", "AGENTS", "CLIENTS", "PENDING", "SINCE"});
    for (Object o : answer.getJsonArray("hubs")) {
      JsonObject hub = (JsonObject) o;
      rows.add(
          new String[] {
            hub.getString("name") + (hub.getBoolean("self", false) ? " *" : ""),
            hub.getString("address", "?"),
            String.valueOf(hub.getInteger("connections", 0)),
            String.valueOf(hub.getInteger("agents", 0)),
            String.valueOf(hub.getInteger("clients", 0)),
            String.valueOf(hub.getInteger("pendingCalls", 0)),
            TIME.format(Instant.ofEpochMilli(hub.getLong("since", 0L)))
                + (hub.getBoolean("draining", false) ? " (draining)" : "")
          });
    }
    return rows;
  }
}
