package io.dialback.hub.registry;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the registry's stored entries into a listing, re-using what the previous listing parsed:
 * most entries are unchanged from one listing to the next, and parsing every one (10,000 each time)
 * was 40 % of a listing's worker time during a storm (JFR). One listing at a time ({@link
 * ClusteredAgentRegistry#list} runs them so).
 */
final class Listing {
  private record Read(String member, AgentRecord record) {}

  private volatile Map<String, Read> last = Map.of();

  /** The records among {@code stored} whose member is one of {@code members}, by name. */
  List<AgentRecord> read(Collection<String> stored, Set<String> members) {
    Map<String, Read> before = last;
    Map<String, Read> now = new HashMap<>();
    List<AgentRecord> all = new ArrayList<>();
    for (String value : stored) {
      Read read = before.get(value);
      if (read == null) {
        JsonObject json = new JsonObject(value);
        read = new Read(json.getString("member"), AgentRecord.fromStored(json));
      }
      now.put(value, read);
      if (members.contains(read.member())) {
        all.add(read.record());
      }
    }
    last = now;
    all.sort(Comparator.comparing(AgentRecord::name));
    return all;
  }
}
