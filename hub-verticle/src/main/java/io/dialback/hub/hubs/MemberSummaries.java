package io.dialback.hub.hubs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The other hubs' summaries for a list: those the summary map holds for current members, and for a
 * member whose entry the map does not give right now, the last one it gave.
 *
 * <p>While a member is dropped, the partitions it owned change owner, and a read of the map in that
 * window can miss entries of hubs that are alive: measured in FrozenHubUnderLoadTest, a healthy hub
 * once listed itself and the frozen hub but not the third, healthy one. A list shows membership, so
 * a member is never left out for want of a fresh summary; a hub that is no longer a member is never
 * shown, however recent its summary.
 */
final class MemberSummaries {
  private final Map<String, String> lastSeen = new ConcurrentHashMap<>();

  /**
   * The summaries to list for {@code members} other than {@code self}, given what the map holds now
   * ({@code fromMap}, by member id); remembers them for the next time.
   */
  List<String> current(Set<String> members, String self, Map<String, String> fromMap) {
    lastSeen.keySet().retainAll(members);
    List<String> summaries = new ArrayList<>();
    for (String member : members) {
      if (member.equals(self)) {
        continue;
      }
      String summary = fromMap.get(member);
      if (summary != null) {
        lastSeen.put(member, summary);
      } else {
        summary = lastSeen.get(member);
      }
      if (summary != null) {
        summaries.add(summary);
      }
    }
    return summaries;
  }
}
