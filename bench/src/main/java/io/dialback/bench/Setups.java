package io.dialback.bench;

import io.dialback.agent.AgentVerticle;
import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.hub.HubVerticle;
import io.dialback.hub.cluster.ClusterConfig;
import io.dialback.hub.cluster.ClusterTls;
import io.dialback.hub.cluster.HubCluster;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.Ports;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Hubs, bridges, agents and clients for the benchmarks, each in its own Vert.x. */
final class Setups {
  static final String CLIENT_TOKEN = "bench-client-token";
  static final String AGENT_TOKEN = "bench-agent-token";
  static final String ECHO = "agent.bench.echo";

  private Setups() {}

  /** The hub's conf for benchmarks: the per-identity rate limit off (the load is one identity). */
  static JsonObject hubConf(int port) {
    return HubConf.bare()
        .client(CLIENT_TOKEN, "bench-client")
        .agent(AGENT_TOKEN, "bench", "files")
        .port(port)
        .put("reloadSeconds", 0)
        .limits(new JsonObject().put("maxRequestsPerSecond", 0))
        .json();
  }

  /** Our hub in {@code vertx}; returns its port. */
  static int hub(Vertx vertx) throws Exception {
    HubVerticle hub = new HubVerticle(Map.of());
    vertx
        .deployVerticle(hub, new DeploymentOptions().setConfig(hubConf(0)))
        .await(30, TimeUnit.SECONDS);
    return hub.actualPort();
  }

  /** Our hub in {@code vertx} with its {@code http} port; returns its WebSocket address. */
  static String webSocketHub(Vertx vertx) throws Exception {
    HubVerticle hub = new HubVerticle(Map.of());
    JsonObject conf = hubConf(0).put("http", new JsonObject().put("port", 0).put("console", false));
    vertx.deployVerticle(hub, new DeploymentOptions().setConfig(conf)).await(30, TimeUnit.SECONDS);
    return "ws://127.0.0.1:" + hub.httpPort() + "/bridge";
  }

  /** Two clustered hubs (in-process, loopback, their own cluster name); returns their ports. */
  static int[] clusteredHubs(Vertx[] out) throws Exception {
    int[] clusterPorts = {Ports.free(), Ports.free()};
    int[] bridgePorts = new int[2];
    String name = "bench-" + ProcessHandle.current().pid();
    for (int i = 0; i < 2; i++) {
      ClusterConfig cfg =
          new ClusterConfig(
              true,
              "127.0.0.1",
              clusterPorts[i],
              List.of("127.0.0.1:" + clusterPorts[0], "127.0.0.1:" + clusterPorts[1]),
              name,
              0,
              1,
              5,
              5,
              15,
              ClusterTls.OFF,
              0);
      HazelcastClusterManager manager = HubCluster.clusterManager(cfg);
      Vertx vertx = HubCluster.vertx(cfg, manager).await(60, TimeUnit.SECONDS);
      out[i] = vertx;
      HubVerticle hub = new HubVerticle(Map.of(), () -> manager);
      JsonObject conf = hubConf(0).put("cluster", new JsonObject().put("enabled", true));
      vertx
          .deployVerticle(hub, new DeploymentOptions().setConfig(conf))
          .await(60, TimeUnit.SECONDS);
      bridgePorts[i] = hub.actualPort();
    }
    return bridgePorts;
  }

  /** The stock TcpEventBusBridge, everything permitted, with a hub.login that lets anyone in. */
  static int stock(Vertx vertx) throws Exception {
    int port = Ports.free();
    vertx
        .eventBus()
        .consumer(
            "hub.login",
            m ->
                m.reply(
                    new JsonObject()
                        .put("identity", "stock")
                        .put("role", "client")
                        .put("hub", "stock")));
    BridgeOptions all =
        new BridgeOptions()
            .addInboundPermitted(new PermittedOptions().setAddressRegex(".*"))
            .addOutboundPermitted(new PermittedOptions().setAddressRegex(".*"));
    TcpEventBusBridge.create(
            vertx, all, new NetServerOptions().setHost("127.0.0.1").setTcpNoDelay(true))
        .listen(port)
        .await(30, TimeUnit.SECONDS);
    return port;
  }

  /**
   * The context on which the hub delivers messages for {@code address}: the bridge connection's.
   * Hub-side callers run there in both setups, so that one-in-flight latency compares the bridges
   * rather than where Vert.x happened to place the caller (on the connection's thread or not).
   */
  static Context consumerContext(Vertx hub, String address) throws Exception {
    Promise<Context> found = Promise.promise();
    Handler<DeliveryContext<Object>> spy =
        dc -> {
          if (address.equals(dc.message().address())) {
            found.tryComplete(Vertx.currentContext());
          }
          dc.next();
        };
    hub.eventBus().addInboundInterceptor(spy);
    try {
      hub.eventBus().request(address, new JsonObject()).await(30, TimeUnit.SECONDS);
      return found.future().await(1, TimeUnit.SECONDS);
    } finally {
      hub.eventBus().removeInboundInterceptor(spy);
    }
  }

  /** A connected client (or agent, with {@code name}) of the bridge at {@code port}. */
  static BridgeClient client(Vertx vertx, int port, String token, String name) throws Exception {
    return client(vertx, port, token, name, true);
  }

  /**
   * Like {@link #client(Vertx, int, String, String)}; {@code binary} asks for the binary extension.
   */
  static BridgeClient client(Vertx vertx, int port, String token, String name, boolean binary)
      throws Exception {
    return client(vertx, "127.0.0.1:" + port, token, name, binary);
  }

  /** A connected client of the hub at {@code address} ({@code host:port} or {@code ws://…}). */
  static BridgeClient client(Vertx vertx, String address, String token, String name, boolean binary)
      throws Exception {
    ClientOptions.Builder options =
        ClientOptions.builder().hubs(List.of(address)).token(token).binary(binary);
    if (name != null) {
      options.name(name);
    }
    BridgeClient client = BridgeClient.create(vertx, options.build());
    client.connect().await(30, TimeUnit.SECONDS);
    return client;
  }

  /**
   * An agent that echoes on {@link #ECHO} the JSON it was sent, without decoding it (the same agent
   * on every bridge, so that the figures compare the bridges).
   */
  static BridgeClient echoAgent(Vertx vertx, int port) throws Exception {
    return echoAgent(vertx, "127.0.0.1:" + port);
  }

  /** {@link #echoAgent(Vertx, int)} at a hub address ({@code host:port} or {@code ws://…}). */
  static BridgeClient echoAgent(Vertx vertx, String address) throws Exception {
    BridgeClient agent = client(vertx, address, AGENT_TOKEN, "bench", true);
    agent.consumer(ECHO, m -> m.reply(m.rawBody())).await(30, TimeUnit.SECONDS);
    return agent;
  }

  /** A file-sharing agent named {@code files} on the bridge at {@code port}. */
  static AgentVerticle fileAgent(Vertx vertx, int port, Path root) throws Exception {
    return fileAgent(vertx, "127.0.0.1:" + port, root);
  }

  /**
   * {@link #fileAgent(Vertx, int, Path)} at a hub address ({@code host:port} or {@code ws://…}).
   */
  static AgentVerticle fileAgent(Vertx vertx, String address, Path root) throws Exception {
    AgentVerticle agent = new AgentVerticle(Map.of());
    JsonObject conf =
        new JsonObject()
            .put("name", "files")
            .put("hubs", new JsonArray().add(address))
            .put("token", AGENT_TOKEN)
            .put("root", root.toString());
    vertx
        .deployVerticle(agent, new DeploymentOptions().setConfig(conf))
        .await(30, TimeUnit.SECONDS);
    agent.connected().await(30, TimeUnit.SECONDS);
    return agent;
  }

  /** ~100 bytes of JSON, like a small RPC. */
  static JsonObject body(long seq) {
    return new JsonObject()
        .put("seq", seq)
        .put("op", "echo")
        .put("text", "abcdefghijklmnopqrstuvwxyz0123456789");
  }

  /** Closes each Vert.x that is not null, reporting (not throwing) what fails. */
  static void close(Vertx... all) {
    for (Vertx v : all) {
      if (v != null) {
        try {
          v.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          System.err.println("closing Vert.x: " + e);
        }
      }
    }
  }
}
