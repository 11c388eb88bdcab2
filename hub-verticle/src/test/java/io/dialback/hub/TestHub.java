package io.dialback.hub;

import io.dialback.testkit.BridgeEndpoint;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.Ports;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A bridge under test on 127.0.0.1 in its own Vert.x: our hub (reached over TCP, or over WebSocket
 * on its {@code http} port), or the stock {@code TcpEventBusBridge} with a {@code hub.login}
 * consumer so that the same login works on all.
 */
public final class TestHub implements AutoCloseable {
  public static final String CLIENT_TOKEN = HubConf.CLIENT_TOKEN;
  public static final String ALPHA_TOKEN = HubConf.ALPHA_TOKEN;
  public static final String BETA_TOKEN = HubConf.BETA_TOKEN;

  /** Which bridge serves the port. */
  public enum Target {
    STOCK,
    DIALBACK,
    /** Our hub, every connection over WebSocket on its {@code http} port. */
    DIALBACK_WS
  }

  /** The WebSocket path of the tests' hubs (the default). */
  public static final String WS_PATH = "/bridge";

  public final Vertx vertx;
  public final int port;
  public final Target target;
  private final HubVerticle hub;

  private TestHub(Vertx vertx, int port, Target target, HubVerticle hub) {
    this.vertx = vertx;
    this.port = port;
    this.target = target;
    this.hub = hub;
  }

  /**
   * The conf the tests' hubs run with: three tokens, port 0, two event loops, and no drain on stop
   * (a test that closes a hub means "the hub is gone").
   */
  public static JsonObject conf() {
    return HubConf.standard().json();
  }

  public static TestHub start(Target target) {
    return start(target, conf());
  }

  public static TestHub start(Target target, JsonObject hubConf) {
    Vertx vertx = Vertx.vertx();
    try {
      if (target != Target.STOCK) {
        JsonObject conf = hubConf.copy();
        if (target == Target.DIALBACK_WS && !conf.containsKey("http")) {
          conf.put("http", new JsonObject().put("port", 0));
        }
        HubVerticle hub = new HubVerticle(Map.of());
        vertx
            .deployVerticle(hub, new DeploymentOptions().setConfig(conf))
            .await(30, TimeUnit.SECONDS);
        return new TestHub(vertx, hub.actualPort(), target, hub);
      }
      int port = Ports.free();
      vertx
          .eventBus()
          .consumer(
              "hub.login",
              msg ->
                  msg.reply(
                      new JsonObject()
                          .put("identity", "stock")
                          .put("role", "client")
                          .put("hub", "stock:" + port)));
      BridgeOptions everything =
          new BridgeOptions()
              .addInboundPermitted(new PermittedOptions().setAddressRegex(".*"))
              .addOutboundPermitted(new PermittedOptions().setAddressRegex(".*"));
      TcpEventBusBridge.create(vertx, everything, new NetServerOptions().setHost("127.0.0.1"))
          .listen(port)
          .await(30, TimeUnit.SECONDS);
      return new TestHub(vertx, port, target, null);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("could not start " + target, e);
    }
  }

  /** Where the target's clients connect: the bridge port, or the WebSocket path. */
  public BridgeEndpoint endpoint() {
    return target == Target.DIALBACK_WS
        ? BridgeEndpoint.webSocket(hub.httpPort(), WS_PATH)
        : BridgeEndpoint.tcp(port);
  }

  /** Our hub's verticle (null for the stock bridge). */
  public HubVerticle hub() {
    return hub;
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
