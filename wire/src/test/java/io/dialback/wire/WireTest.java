package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireTest {
  @Test
  void agentAddressesAreBuiltAndTakenApartInOnePlace() {
    assertThat(Wire.agentAddress("alpha", "fs", "read")).isEqualTo("agent.alpha.fs.read");
    assertThat(Wire.agentNameOf("agent.alpha.fs.read")).isEqualTo("alpha");
    assertThat(Wire.agentNameOf("agent.alpha")).isNull();
    assertThat(Wire.agentNameOf("hub.login")).isNull();
    assertThat(Wire.agentEventsPrefix("alpha")).isEqualTo("agent.alpha.events.");
  }

  @Test
  void agentNamesAreShortAndPlain() {
    assertThat(Wire.isValidAgentName("build-box_2")).isTrue();
    assertThat(Wire.isValidAgentName("a.b")).isFalse();
    assertThat(Wire.isValidAgentName("-lead")).isFalse();
    assertThat(Wire.isValidAgentName("")).isFalse();
    assertThat(Wire.isValidAgentName("x".repeat(65))).isFalse();
  }
}
