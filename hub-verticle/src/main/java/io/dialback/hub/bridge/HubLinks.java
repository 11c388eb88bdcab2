package io.dialback.hub.bridge;

import io.dialback.hub.cluster.LinkDirectory;
import io.dialback.logging.LogSafe;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub links of a clustered hub (docs/clustering.md, "Hub links"): connections between hubs on
 * which a call to an agent on another hub travels as the frame's bytes, the way a call between two
 * connections of one hub does ({@link DirectCall}), instead of as an event-bus request.
 *
 * <p>Each end of a link is a {@link BridgeConnection} in link mode: no login (the link port is
 * trusted as the clustered event bus is, with the same TLS and client certificates when {@code
 * cluster.tls} is on), only sends to agent call addresses and answers, and the caller identity the
 * calling hub stamped kept. The hub a call arrives at routes it to its agent's connection, or, when
 * the agent is no longer there, over its event bus as any call.
 *
 * <p>Links are dialled on demand, one per other hub and event loop, on the caller's event loop; the
 * call that finds no open link yet goes over the event bus. A hub that stops tells the hubs linked
 * to it ({@link io.dialback.wire.Wire#HUB_GOAWAY}) to send no more, and answers what it was sent.
 */
public final class HubLinks {
  private static final Logger log = LoggerFactory.getLogger(HubLinks.class);

  /** How long after a failed dial to a hub the next is tried. */
  private static final long REDIAL_MS = 1_000;

  /**
   * The negative port under which the bridge verticles share one random link port: Vert.x shares
   * one socket among the servers of one negative port, so it must be none other's (the bridge port
   * uses -1, the http port -2).
   */
  private static final int SHARED_RANDOM_PORT = -3;

  private final BridgeContext hub;
  private final LinkDirectory directory;
  private final NetServerOptions serverOptions;
  private final NetClientOptions clientOptions;

  /**
   * Event loop → other hub's node id → the link between them; the inner maps touched on their loop.
   */
  private final Map<Object, Map<String, Slot>> slots = new ConcurrentHashMap<>();

  private final AtomicBoolean advertised = new AtomicBoolean();
  private volatile NetClient client;

  /** The link toward one hub from one event loop; touched only on that loop. */
  private static final class Slot {
    BridgeConnection open;
    boolean dialling;
    long redialAt;

    /** The other hub said it stops: never dialled again (a restarted hub is a new node). */
    boolean stopping;
  }

  /**
   * @param serverOptions host, port (0: any free port) and TLS of the link port
   * @param clientOptions TLS of the links this hub dials
   */
  public HubLinks(
      BridgeContext hub,
      LinkDirectory directory,
      NetServerOptions serverOptions,
      NetClientOptions clientOptions) {
    this.hub = Objects.requireNonNull(hub, "hub == null");
    this.directory = Objects.requireNonNull(directory, "directory == null");
    this.serverOptions = new NetServerOptions(serverOptions);
    if (this.serverOptions.getPort() == 0) {
      this.serverOptions.setPort(SHARED_RANDOM_PORT);
    }
    this.serverOptions.setTcpNoDelay(true).setTcpKeepAlive(true);
    this.clientOptions =
        new NetClientOptions(clientOptions)
            .setConnectTimeout(5_000)
            .setTcpNoDelay(true)
            .setTcpKeepAlive(true);
  }

  /**
   * Listens on the link port from {@code context} (each bridge verticle does: Vert.x spreads the
   * links over their event loops) and, once, makes the port known to the other hubs.
   */
  Future<NetServer> listen(Vertx vertx, Context context) {
    NetServer server = vertx.createNetServer(serverOptions);
    server.connectHandler(
        socket ->
            new BridgeConnection(
                    hub, null, new CountingPeer(new NetPeer(socket), hub.metrics()), context, true)
                .startLink("hub link from " + socket.remoteAddress()));
    return server
        .listen()
        .compose(
            s -> {
              if (!advertised.compareAndSet(false, true)) {
                return Future.succeededFuture(s);
              }
              String endpoint = serverOptions.getHost() + ":" + s.actualPort();
              log.info("hub links on {}", endpoint);
              return Future.fromCompletionStage(directory.advertise(endpoint), context).map(s);
            })
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot listen for hub links on "
                            + serverOptions.getHost()
                            + ": "
                            + e.getMessage(),
                        e)));
  }

  /**
   * The open link on {@code context}'s event loop toward the hub that serves agent address {@code
   * address}, or null: the agent is on this hub or nowhere, or no link is open yet (one is dialled;
   * this call goes over the event bus meanwhile). Call on {@code context}.
   */
  BridgeConnection toward(String address, Context context) {
    String node = directory.nodeOf(address);
    if (node == null) {
      return null;
    }
    Map<String, Slot> fromHere =
        slots.computeIfAbsent(
            ((io.vertx.core.internal.ContextInternal) context).nettyEventLoop(),
            loop -> new java.util.HashMap<>());
    Slot slot = fromHere.computeIfAbsent(node, n -> new Slot());
    BridgeConnection link = slot.open;
    if (link != null && link.linkUsable()) {
      return link;
    }
    if (slot.stopping || (link != null && link.linkRetired())) {
      slot.stopping = true;
      slot.open = null;
      return null;
    }
    slot.open = null;
    long now = System.nanoTime();
    if (!slot.dialling && now - slot.redialAt >= 0) {
      slot.dialling = true;
      dial(node, context, slot);
    }
    return null;
  }

  private void dial(String node, Context context, Slot slot) {
    Future.fromCompletionStage(directory.endpointOf(node), context)
        .compose(
            endpoint -> {
              if (endpoint == null) {
                return Future.failedFuture("it has made no link port known");
              }
              int colon = endpoint.lastIndexOf(':');
              return client()
                  .connect(
                      Integer.parseInt(endpoint.substring(colon + 1)),
                      endpoint.substring(0, colon));
            })
        .onComplete(
            (socket, failure) -> {
              slot.dialling = false;
              if (failure != null) {
                slot.redialAt = System.nanoTime() + REDIAL_MS * 1_000_000;
                log.debug("no hub link to node {}: {}", LogSafe.text(node), failure.getMessage());
                return;
              }
              slot.open =
                  new BridgeConnection(
                          hub,
                          null,
                          new CountingPeer(new NetPeer(socket), hub.metrics()),
                          context,
                          true)
                      .startLink("hub link to " + LogSafe.text(node));
            });
  }

  /** Closes the links this hub dialled (the ones it accepted close with their servers). */
  Future<Void> close() {
    NetClient c;
    synchronized (this) {
      c = client;
      client = null;
    }
    return c == null ? Future.succeededFuture() : c.close();
  }

  private NetClient client() {
    NetClient c = client;
    if (c == null) {
      synchronized (this) {
        if (client == null) {
          client = hub.vertx().createNetClient(clientOptions);
        }
        c = client;
      }
    }
    return c;
  }
}
