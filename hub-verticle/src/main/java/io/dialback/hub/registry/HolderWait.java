package io.dialback.hub.registry;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Logins whose agent name is held by a connection on another hub, waiting for that hub to leave the
 * cluster.
 *
 * <p>Why: after a hub dies, its agents log in on the others before the cluster has noticed (about
 * half a second after a kill, seconds after a freeze), and refusing them with 409 sent each into
 * its reconnect backoff: in a fleet of 3,000 with 1,000 on the killed hub, the survivors refused
 * 300–500 such logins per run, and the last agents came back seconds after the cluster knew. Now
 * such a login waits, up to {@link #WAIT_MS}, and binds the moment the holder's hub leaves (or the
 * holder lets the name go, looked at again after 200, 400, 800 … ms); while the holder stays, the
 * login is refused as before, only later.
 */
final class HolderWait {
  /** How long a login waits for another hub holding its name to leave the cluster. */
  static final long WAIT_MS = 5_000;

  /**
   * The first look again at a name held on a live hub (then 2×, 4×, … until {@link #WAIT_MS}): a
   * holder that disconnected releases the name without its hub leaving.
   */
  static final long FIRST_LOOK_MS = 200;

  private final Vertx vertx;

  /** Wake-ups of waiting logins, by the member id of the hub they wait for. */
  private final Map<String, Set<Runnable>> waiting = new ConcurrentHashMap<>();

  HolderWait(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Completes, on the caller's context, once member {@code member} has left the cluster, or after
   * {@code ms} (when the name may have been released while its hub stays). {@code stillMember} is
   * asked once the wait is registered, so that a departure in between is not missed.
   */
  Future<Void> untilGone(String member, long ms, BooleanSupplier stillMember) {
    Context caller = vertx.getOrCreateContext();
    Promise<Void> gone = Promise.promise();
    Runnable wake = () -> caller.runOnContext(v -> gone.tryComplete());
    waiting.computeIfAbsent(member, m -> ConcurrentHashMap.newKeySet()).add(wake);
    if (!stillMember.getAsBoolean()) {
      wake.run();
    }
    long timer = vertx.setTimer(Math.max(1, ms), t -> gone.tryComplete());
    return gone.future()
        .andThen(
            done -> {
              vertx.cancelTimer(timer);
              Set<Runnable> set = waiting.get(member);
              if (set != null) {
                set.remove(wake);
              }
            });
  }

  /** Member {@code member} left the cluster: the logins waiting for it go on. */
  void left(String member) {
    Set<Runnable> woken = waiting.remove(member);
    if (woken != null) {
      woken.forEach(Runnable::run);
    }
  }
}
