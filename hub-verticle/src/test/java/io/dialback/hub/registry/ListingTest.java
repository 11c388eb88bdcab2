package io.dialback.hub.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Listings that re-use what the previous one parsed still say what the map holds now. */
class ListingTest {
  private static String stored(String name, String hub, String member, String role) {
    return new AgentRecord(name, hub, "c1", 1_000L, new JsonObject().put("role", role))
        .toStored(member)
        .encode();
  }

  @Test
  void aChangedEntryIsReadAfreshAndOnlyLiveMembersEntriesAreListed() {
    Listing listing = new Listing();
    String beta = stored("beta", "hub1", "m1", "old");
    List<AgentRecord> first =
        listing.read(List.of(beta, stored("alpha", "hub2", "m2", "x")), Set.of("m1", "m2"));
    assertThat(first).extracting(AgentRecord::name).containsExactly("alpha", "beta");

    // beta moved to hub 2 with other meta; hub 1's member left.
    List<AgentRecord> second =
        listing.read(
            List.of(
                stored("beta", "hub2", "m2", "new"),
                stored("alpha", "hub2", "m2", "x"),
                stored("gamma", "hub1", "m1", "y")),
            Set.of("m2"));
    assertThat(second).extracting(AgentRecord::name).containsExactly("alpha", "beta");
    assertThat(second.get(1).hub()).isEqualTo("hub2");
    assertThat(second.get(1).meta().getString("role")).isEqualTo("new");

    // The same stored text again: the same record, and what a caller does to its JSON view does
    // not reach the next listing.
    second.get(0).toJson().getJsonObject("meta").put("role", "changed by a caller");
    List<AgentRecord> third =
        listing.read(List.of(stored("alpha", "hub2", "m2", "x")), Set.of("m2"));
    assertThat(third.get(0)).isSameAs(second.get(0));
    assertThat(third.get(0).meta().getString("role")).isEqualTo("x");
  }
}
