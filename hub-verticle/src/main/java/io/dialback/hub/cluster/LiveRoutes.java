package io.dialback.hub.cluster;

import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the clustered event bus from routing to a member that has left, from the moment the cluster
 * says it left.
 *
 * <p>Why: when a member leaves, the Hazelcast cluster manager of Vert.x 5.0.8 takes its consumers
 * out of the shared subscription map one entry at a time, and the event bus's cached routes change
 * only as each removal's event arrives. With 500 agents (five addresses each) on the dead hub that
 * took 5–9 s, during which calls to moved agents were still sent to the dead member ("Connecting to
 * server … failed") even though they had registered again on a live hub.
 *
 * <p>How: every route the event bus is given (looked up, or updated by an event) passes through
 * here, without the registrations of departed members, and is remembered while it names another
 * member. When a member leaves, each remembered route that named it is handed to the event bus
 * again at once, without it. A member that comes back (a healed split) is no longer filtered, and
 * the routes that named it are looked up afresh, since its consumers may or may not have survived.
 */
final class LiveRoutes implements RegistrationListener {
  private final RegistrationListener bus;
  private final Supplier<String> self;
  private final Set<String> departed = ConcurrentHashMap.newKeySet();

  /** Routes that name a member other than this one, as last seen, unfiltered. */
  private final Map<String, List<RegistrationInfo>> remote = new ConcurrentHashMap<>();

  LiveRoutes(RegistrationListener bus, Supplier<String> self) {
    this.bus = bus;
    this.self = self;
  }

  /** {@code address}'s registrations as looked up, to pass on to the event bus. */
  List<RegistrationInfo> lookedUp(String address, List<RegistrationInfo> registrations) {
    remember(address, registrations);
    return live(registrations);
  }

  @Override
  public void registrationsUpdated(RegistrationUpdateEvent event) {
    remember(event.address(), event.registrations());
    bus.registrationsUpdated(
        new RegistrationUpdateEvent(event.address(), live(event.registrations())));
  }

  @Override
  public void registrationsLost() {
    bus.registrationsLost();
  }

  @Override
  public boolean wantsUpdatesFor(String address) {
    if (bus.wantsUpdatesFor(address)) {
      return true;
    }
    remote.remove(address); // the event bus keeps no route for it: nor need we
    return false;
  }

  /** Member {@code nodeId} left: no route leads to it from now on. */
  void left(String nodeId) {
    if (nodeId == null || nodeId.equals(self.get()) || !departed.add(nodeId)) {
      return;
    }
    remote.forEach(
        (address, registrations) -> {
          if (names(registrations, nodeId) && bus.wantsUpdatesFor(address)) {
            bus.registrationsUpdated(new RegistrationUpdateEvent(address, live(registrations)));
          }
        });
  }

  /**
   * Member {@code nodeId} is (again) in the cluster: routes that named it are looked up afresh by
   * {@code lookUp}, which hands them to {@link #registrationsUpdated}.
   */
  void joined(String nodeId, Consumer<String> lookUp) {
    if (nodeId == null || !departed.remove(nodeId)) {
      return;
    }
    remote.forEach(
        (address, registrations) -> {
          if (names(registrations, nodeId)) {
            lookUp.accept(address);
          }
        });
  }

  /**
   * Every remembered route the event bus still caches is looked up afresh by {@code lookUp} (after
   * a merge, when the subscription map's change events may not all have reached this hub). Vert.x
   * 5.0.8's event bus ignores {@link #registrationsLost}: handing it each route again is the only
   * way to replace what it cached.
   */
  void refreshAll(Consumer<String> lookUp) {
    remote
        .keySet()
        .forEach(
            address -> {
              if (bus.wantsUpdatesFor(address)) {
                lookUp.accept(address);
              }
            });
  }

  /** How many routes are remembered (for tests). */
  int remembered() {
    return remote.size();
  }

  private void remember(String address, List<RegistrationInfo> registrations) {
    String me = self.get();
    boolean elsewhere = false;
    for (RegistrationInfo r : registrations) {
      elsewhere |= !r.nodeId().equals(me);
    }
    if (elsewhere) { // a route on this member alone is never stale: its own consumers change it
      remote.put(address, List.copyOf(registrations));
    } else {
      remote.remove(address);
    }
  }

  private List<RegistrationInfo> live(List<RegistrationInfo> registrations) {
    if (departed.isEmpty()) {
      return registrations;
    }
    List<RegistrationInfo> live = new ArrayList<>(registrations.size());
    for (RegistrationInfo r : registrations) {
      if (!departed.contains(r.nodeId())) {
        live.add(r);
      }
    }
    return live;
  }

  private static boolean names(List<RegistrationInfo> registrations, String nodeId) {
    for (RegistrationInfo r : registrations) {
      if (r.nodeId().equals(nodeId)) {
        return true;
      }
    }
    return false;
  }
}
