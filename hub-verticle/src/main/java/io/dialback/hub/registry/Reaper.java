package io.dialback.hub.registry;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.map.IMap;
import io.dialback.hub.cluster.HubCluster;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the registry entries of a hub that left the cluster, in one pass where they live, and
 * lets the logins waiting for that hub go on.
 */
final class Reaper implements MembershipListener {
  private static final Logger log = LoggerFactory.getLogger(ClusteredAgentRegistry.class);

  private final Vertx vertx;
  private final IMap<String, String> map;
  private final HolderWait holders;

  Reaper(Vertx vertx, IMap<String, String> map, HolderWait holders) {
    this.vertx = vertx;
    this.map = map;
    this.holders = holders;
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    log.info(
        "hub member joined: {} ({} members)",
        event.getMember().getAddress(),
        event.getMembers().size());
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    String gone = event.getMember().getUuid().toString();
    holders.left(gone); // logins waiting for it bind now
    log.info(
        "hub member left: {} ({} members)",
        event.getMember().getAddress(),
        event.getMembers().size());
    // Its entries stop counting at once (listings and take-overs look at the members); removing
    // them, which announces that its agents left, is one survivor's work.
    vertx.setTimer(Math.max(1, HubCluster.cleanUpDelayMs(event)), t -> remove(gone));
  }

  private void remove(String gone) {
    vertx
        .executeBlocking(
            () -> {
              long t0 = System.nanoTime();
              map.removeAll(new OfMember(gone));
              log.info(
                  "removed the departed hub's agents in {} ms",
                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
              return null;
            },
            false)
        .onFailure(
            e ->
                log.warn(
                    "could not remove the departed hub's agents (they go when their leases run"
                        + " out): {}",
                    e.toString()));
  }
}
