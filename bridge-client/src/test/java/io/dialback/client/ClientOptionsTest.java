package io.dialback.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {
  @Test
  void parsesHubListsInOrder() {
    ClientOptions options =
        ClientOptions.builder().hubs(List.of("127.0.0.1:7000", "[::1]:7001")).token("t").build();
    assertThat(options.hubs())
        .extracting(h -> h.host() + "/" + h.port())
        .containsExactly("127.0.0.1/7000", "::1/7001");
  }

  @Test
  void namesTheArgumentThatIsWrong() {
    assertThatThrownBy(() -> ClientOptions.builder().hubs(List.of("127.0.0.1")))
        .hasMessageContaining("not a host:port");
    assertThatThrownBy(() -> ClientOptions.builder().hub("127.0.0.1", 0))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> ClientOptions.builder().token("t").build())
        .hasMessageContaining("hubs");
    assertThatThrownBy(() -> ClientOptions.builder().hub("127.0.0.1", 1).build())
        .hasMessageContaining("token");
    assertThatThrownBy(
            () ->
                ClientOptions.builder()
                    .hub("127.0.0.1", 1)
                    .token("t")
                    .pingInterval(Duration.ofSeconds(10))
                    .pingTimeout(Duration.ofSeconds(5))
                    .build())
        .hasMessageContaining("pingTimeout");
    assertThatThrownBy(() -> ClientOptions.builder().maxConnectAttempts(0))
        .hasMessageContaining("maxConnectAttempts");
  }
}
