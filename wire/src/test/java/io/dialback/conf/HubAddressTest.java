package io.dialback.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.conf.HubAddress.Scheme;
import org.junit.jupiter.api.Test;

class HubAddressTest {
  @Test
  void readsHostPortAsTheBridgePort() {
    assertThat(HubAddress.parse("127.0.0.1:7000"))
        .isEqualTo(new HubAddress(Scheme.TCP, "127.0.0.1", 7000, null));
    assertThat(HubAddress.parse("[::1]:7001").host()).isEqualTo("::1");
    assertThat(HubAddress.parse("[::1]:7001")).hasToString("[::1]:7001");
  }

  @Test
  void readsWebSocketUrlsWithDefaultPortsAndPath() {
    assertThat(HubAddress.parse("ws://127.0.0.1:7443/bridge"))
        .isEqualTo(new HubAddress(Scheme.WS, "127.0.0.1", 7443, "/bridge"));
    assertThat(HubAddress.parse("wss://10.0.0.5"))
        .isEqualTo(new HubAddress(Scheme.WSS, "10.0.0.5", 443, "/bridge"));
    assertThat(HubAddress.parse("WS://10.0.0.5/hub/ws?x=1"))
        .isEqualTo(new HubAddress(Scheme.WS, "10.0.0.5", 80, "/hub/ws?x=1"));
    assertThat(HubAddress.parse("wss://[::1]:8443/b")).hasToString("wss://[::1]:8443/b");
    assertThat(HubAddress.parse("ws://127.0.0.1:7443/bridge").webSocket()).isTrue();
  }

  @Test
  void refusesWhatIsNeitherAndQuotesIt() {
    assertThatThrownBy(() -> HubAddress.parse("127.0.0.1")).hasMessageContaining("\"127.0.0.1\"");
    assertThatThrownBy(() -> HubAddress.parse("http://127.0.0.1:7443/bridge"))
        .hasMessageContaining("unknown scheme");
    assertThatThrownBy(() -> HubAddress.parse("ws://user@127.0.0.1:7443/"))
        .hasMessageContaining("user names");
    assertThatThrownBy(() -> HubAddress.parse("ws://127.0.0.1:99999/"))
        .hasMessageContaining("ws://127.0.0.1:99999/");
  }
}
