package io.dialback.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyTableTest {
  @Test
  void anEntryIsAnsweredOnce() {
    ReplyTable<String> table = new ReplyTable<>();
    table.put("r1", "call 1", 100);
    assertThat(table.remove("r1")).isEqualTo("call 1");
    assertThat(table.remove("r1")).isNull();
    assertThat(table.isEmpty()).isTrue();
  }

  @Test
  void expiryTakesOutWhatIsDueAndLeavesTheRest() {
    ReplyTable<String> table = new ReplyTable<>();
    table.put("a", "A", 100);
    table.put("b", "B", 300);
    table.put("c", "C", 200);
    List<String> expired = new ArrayList<>();
    table.expire(250, false, (id, e) -> expired.add(id + "=" + e));
    assertThat(expired).containsExactly("a=A", "c=C");
    assertThat(table.contains("b")).isTrue();
  }

  @Test
  void theEarliestDeadlineIsFoundWhateverTheOrderAndAcrossTheClocksWrap() {
    ReplyTable<String> table = new ReplyTable<>();
    table.put("a", "A", 300);
    table.put("b", "B", 100);
    table.put("c", "C", 200);
    assertThat(table.earliestDeadline()).isEqualTo(100);
    table.remove("b");
    assertThat(table.earliestDeadline()).isEqualTo(200);
    // System.nanoTime may wrap: a deadline just past Long.MAX_VALUE is later, not earlier.
    ReplyTable<String> wrapping = new ReplyTable<>();
    wrapping.put("late", "L", Long.MIN_VALUE + 10);
    wrapping.put("soon", "S", Long.MAX_VALUE - 10);
    assertThat(wrapping.earliestDeadline()).isEqualTo(Long.MAX_VALUE - 10);
  }

  @Test
  void inOrderExpiryStopsAtTheFirstEntryNotYetDue() {
    ReplyTable<String> table = new ReplyTable<>();
    table.put("a", "A", 100);
    table.put("b", "B", 300);
    table.put("c", "C", 200); // out of order: not looked at
    List<String> expired = new ArrayList<>();
    table.expire(250, true, (id, e) -> expired.add(id));
    assertThat(expired).containsExactly("a");
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void drainingHandsOutEverythingOnceEvenWhenTheCallbackAddsMore() {
    ReplyTable<String> table = new ReplyTable<>();
    table.put("a", "A", 100);
    table.put("b", "B", 100);
    List<String> failed = new ArrayList<>();
    table.drain(
        (id, e) -> {
          failed.add(id);
          table.put("late-" + id, e, 0);
        });
    assertThat(failed).containsExactly("a", "b");
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void removeIfTakesOutTheChosenEntries() {
    ReplyTable<String> table = new ReplyTable<>();
    table.put("a", "agent alpha", 100);
    table.put("b", "agent beta", 100);
    table.put("c", "agent alpha", 100);
    List<String> gone = new ArrayList<>();
    table.removeIf(e -> e.endsWith("alpha"), (id, e) -> gone.add(id));
    assertThat(gone).containsExactly("a", "c");
    assertThat(table.contains("b")).isTrue();
  }
}
