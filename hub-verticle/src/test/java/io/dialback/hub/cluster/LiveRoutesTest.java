package io.dialback.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What the event bus is told about routes when a member leaves and comes back. The other side is
 * the event bus's own listener interface, recorded as the event bus's route cache would hold it.
 */
class LiveRoutesTest {
  /** The routes the event bus holds, as its node selector would: only for addresses it caches. */
  private static final class Bus implements RegistrationListener {
    final Map<String, List<RegistrationInfo>> cached = new HashMap<>();
    final List<String> updates = new ArrayList<>();

    @Override
    public void registrationsUpdated(RegistrationUpdateEvent event) {
      updates.add(event.address());
      if (cached.containsKey(event.address())) {
        cached.put(event.address(), event.registrations());
      }
    }

    @Override
    public boolean wantsUpdatesFor(String address) {
      return cached.containsKey(address);
    }
  }

  private final Bus bus = new Bus();
  private final LiveRoutes routes = new LiveRoutes(bus, () -> "me");

  private static RegistrationInfo on(String node, long seq) {
    return new RegistrationInfo(node, seq, false);
  }

  private void lookUp(String address, List<RegistrationInfo> found) {
    bus.cached.put(address, routes.lookedUp(address, found));
  }

  @Test
  void aMemberThatLeftIsTakenOutOfEveryCachedRouteAtOnce() {
    lookUp("agent.a.fs.stat", List.of(on("dead", 1)));
    lookUp("agent.b.fs.stat", List.of(on("dead", 2), on("alive", 3)));
    lookUp("agent.c.fs.stat", List.of(on("alive", 4)));
    lookUp("local.only", List.of(on("me", 5)));

    routes.left("dead");

    assertThat(bus.cached.get("agent.a.fs.stat")).isEmpty();
    assertThat(bus.cached.get("agent.b.fs.stat")).containsExactly(on("alive", 3));
    assertThat(bus.cached.get("agent.c.fs.stat")).containsExactly(on("alive", 4));
    assertThat(bus.updates).containsExactlyInAnyOrder("agent.a.fs.stat", "agent.b.fs.stat");
    // Leaving twice tells nothing new.
    routes.left("dead");
    assertThat(bus.updates).hasSize(2);
  }

  @Test
  void routesSeenLaterWithTheDepartedMemberStillLeaveItOut() {
    routes.left("dead");
    // The shared map still holds the dead member's entries while they are being removed.
    lookUp("agent.a.fs.stat", List.of(on("dead", 1), on("alive", 2)));
    routes.registrationsUpdated(
        new RegistrationUpdateEvent("agent.a.fs.stat", List.of(on("dead", 1), on("alive", 6))));

    assertThat(bus.cached.get("agent.a.fs.stat")).containsExactly(on("alive", 6));
  }

  @Test
  void aMemberThatComesBackIsRoutedToAgainAfterAFreshLookUp() {
    lookUp("agent.a.fs.stat", List.of(on("frozen", 1)));
    routes.left("frozen");
    assertThat(bus.cached.get("agent.a.fs.stat")).isEmpty();

    List<String> lookedUp = new ArrayList<>();
    routes.joined("frozen", lookedUp::add);
    assertThat(lookedUp).containsExactly("agent.a.fs.stat");
    // What the fresh look-up finds is passed on whole: the member is no longer filtered.
    routes.registrationsUpdated(
        new RegistrationUpdateEvent("agent.a.fs.stat", List.of(on("frozen", 1))));
    assertThat(bus.cached.get("agent.a.fs.stat")).containsExactly(on("frozen", 1));
  }

  @Test
  void routesTheEventBusNoLongerCachesAreForgotten() {
    lookUp("agent.a.fs.stat", List.of(on("alive", 1)));
    lookUp("agent.b.fs.stat", List.of(on("alive", 2)));
    assertThat(routes.remembered()).isEqualTo(2);
    bus.cached.remove("agent.a.fs.stat");
    assertThat(routes.wantsUpdatesFor("agent.a.fs.stat")).isFalse();
    // Routes on this member alone are not remembered either: it never leaves itself.
    routes.registrationsUpdated(
        new RegistrationUpdateEvent("agent.b.fs.stat", List.of(on("me", 3))));
    assertThat(routes.remembered()).isZero();
    assertThat(Set.copyOf(bus.cached.keySet())).containsExactly("agent.b.fs.stat");
  }

  @Test
  void aRefreshLooksUpEveryRouteTheEventBusStillCaches() {
    lookUp("agent.a.fs.stat", List.of(on("other", 1)));
    lookUp("agent.b.fs.stat", List.of(on("other", 2)));
    lookUp("agent.c.fs.stat", List.of(on("other", 3)));
    bus.cached.remove("agent.c.fs.stat");

    List<String> lookedUp = new ArrayList<>();
    routes.refreshAll(lookedUp::add);

    assertThat(lookedUp).containsExactlyInAnyOrder("agent.a.fs.stat", "agent.b.fs.stat");
  }
}
