package io.dialback.bench;

import io.dialback.api.AgentInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One look at a surviving hub's listing in {@link FleetBench}: how many of the killed hub's agents
 * are back on a live hub, and whether the listing is whole (every agent once, none on the dead hub
 * 1).
 */
record Look(int back, boolean whole) {
  static Look of(List<AgentInfo> list, List<String> moved, int agents) {
    Map<String, String> where = new HashMap<>();
    boolean whole = list.size() == agents;
    for (AgentInfo a : list) {
      whole &= where.put(a.name(), a.hub()) == null && !a.hub().equals("hub1");
    }
    int back = 0;
    for (String m : moved) {
      String h = where.get(m);
      back += h != null && !h.equals("hub1") ? 1 : 0;
    }
    return new Look(back, whole);
  }
}
