package io.dialback.client;

import io.dialback.conf.HubAddress;
import io.dialback.link.ByteSocket;
import io.dialback.wire.FailureCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dials the hubs of a client's list (TCP and WebSocket addresses alike), one after the other:
 * within a round over the list it moves on at once, between rounds it backs off (capped
 * exponential, with jitter); after a connection that was up, it starts over at the next hub. It
 * gives up after {@code maxConnectAttempts} (or never, with -1), and on a refused login — the same
 * credentials cannot do better elsewhere.
 *
 * <p>Used only from the client's context.
 */
final class Reconnector {
  private static final Logger log = LoggerFactory.getLogger(Reconnector.class);

  private final Vertx vertx;
  private final Context context;
  private final ClientOptions options;
  private final Dialer dialer;
  private final BiConsumer<ByteSocket, HubAddress> connected;
  private final Consumer<ReplyException> gaveUp;
  private int attempt;
  private int hubIndex;
  private long timer = -1;
  private boolean stopped;

  /**
   * @param connected receives each socket that connected, with its hub
   * @param gaveUp told once, when the attempts run out
   */
  Reconnector(
      Vertx vertx,
      Context context,
      ClientOptions options,
      Dialer dialer,
      BiConsumer<ByteSocket, HubAddress> connected,
      Consumer<ReplyException> gaveUp) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.dialer = dialer;
    this.connected = connected;
    this.gaveUp = gaveUp;
  }

  /** Dials the current hub now. */
  void dial() {
    if (stopped) {
      return;
    }
    List<HubAddress> hubs = options.hubs();
    HubAddress hub = hubs.get(hubIndex % hubs.size());
    log.debug("dialling {}", hub);
    dialer
        .dial(hub)
        .onComplete(
            ar -> {
              if (stopped) {
                if (ar.succeeded()) {
                  ar.result().close();
                }
                return;
              }
              if (ar.failed()) {
                failed("cannot reach " + hub + ": " + ar.cause().getMessage());
              } else {
                connected.accept(ar.result(), hub);
              }
            });
  }

  /** A login succeeded: the next failure starts counting from zero again. */
  void succeeded() {
    attempt = 0;
  }

  /**
   * A connection that was up ended: try another hub at once (after a short backoff), one picked at
   * random among the others, so that the agents of a hub that died spread over the survivors rather
   * than all landing on the next one.
   */
  void lostConnected(String reason) {
    log.warn("{}; reconnecting", reason);
    attempt = 0;
    hubIndex = other(hubIndex);
    schedule(options.backoff().delayMs(0));
  }

  /**
   * Dials a hub of the list other than {@code current} (at random), for a client asked to move;
   * {@code failed} hears why when there is none or it cannot be reached. Leaves the reconnect loop
   * alone.
   */
  void dialOther(
      HubAddress current, BiConsumer<ByteSocket, HubAddress> connected, Consumer<String> failed) {
    List<HubAddress> hubs = options.hubs();
    int here = hubs.indexOf(current);
    if (hubs.size() < 2 || here < 0) {
      failed.accept("the client knows no other hub");
      return;
    }
    HubAddress hub = hubs.get(other(here));
    dialer
        .dial(hub)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                failed.accept("cannot reach " + hub + ": " + ar.cause().getMessage());
              } else if (stopped) {
                ar.result().close();
                failed.accept("the client is closing");
              } else {
                hubIndex = hubs.indexOf(hub);
                connected.accept(ar.result(), hub);
              }
            });
  }

  /** An index of the hub list other than {@code index}, at random (or {@code index} if alone). */
  private int other(int index) {
    int n = options.hubs().size();
    if (n < 2) {
      return index;
    }
    int here = Math.floorMod(index, n);
    return (here + 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(n - 1)) % n;
  }

  /** An attempt failed (could not connect, or the connection ended before login). */
  void failed(String reason) {
    attempt++;
    int max = options.maxConnectAttempts();
    if (max != -1 && attempt >= max) {
      stopped = true;
      gaveUp.accept(
          FailureCode.UNAVAILABLE.exception(reason + " (gave up after " + attempt + " attempts)"));
      return;
    }
    int hubs = options.hubs().size();
    hubIndex++;
    // Within a round over the hub list, move on at once; between rounds, back off.
    long delay = attempt % hubs != 0 ? 0 : options.backoff().delayMs(attempt / hubs);
    log.info("{}; next attempt in {} ms", reason, delay);
    schedule(delay);
  }

  private void schedule(long delayMs) {
    if (delayMs <= 0) {
      context.runOnContext(v -> dial());
    } else {
      timer = vertx.setTimer(delayMs, t -> dial());
    }
  }

  /** No more attempts. */
  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }
}
