package io.dialback.hub.hubs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemberSummariesTest {
  private final MemberSummaries summaries = new MemberSummaries();

  @Test
  void listsTheOtherMembersWithTheirSummaries() {
    assertThat(summaries.current(Set.of("a", "b", "c"), "a", Map.of("a", "A", "b", "B", "c", "C")))
        .containsExactlyInAnyOrder("B", "C");
  }

  @Test
  void keepsAMemberWhoseEntryTheMapMissedWithItsLastSummary() {
    summaries.current(Set.of("a", "b", "c"), "a", Map.of("b", "B1", "c", "C1"));

    assertThat(summaries.current(Set.of("a", "b", "c"), "a", Map.of("b", "B2")))
        .containsExactlyInAnyOrder("B2", "C1");
  }

  @Test
  void neverListsAHubThatIsNoLongerAMember() {
    summaries.current(Set.of("a", "b", "c"), "a", Map.of("b", "B", "c", "C"));

    assertThat(summaries.current(Set.of("a", "b"), "a", Map.of("b", "B", "c", "C")))
        .containsExactly("B");
    assertThat(summaries.current(Set.of("a", "b", "c"), "a", Map.of("b", "B")))
        .as("a member that comes back is listed once it publishes again")
        .containsExactly("B");
  }

  @Test
  void listsNoMemberItNeverHadASummaryOf() {
    assertThat(summaries.current(Set.of("a", "b"), "a", Map.of())).isEmpty();
  }
}
