package io.dialback.bench;

import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.hub.HubConfig;
import io.dialback.hub.HubVerticle;
import io.dialback.hub.cluster.ClusterConfig;
import io.dialback.hub.cluster.HubCluster;
import io.dialback.hub.metrics.MetricsSetup;
import io.dialback.hub.tls.Certificates;
import io.dialback.wire.FrameParser;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One party of a benchmark in a JVM of its own, as deployments run them: a hub (ours, from a conf
 * file; or the stock bridge), an echo agent, or a raw TCP echo peer. Each prints {@code listening
 * on PORT} or {@code ready} when it is, then runs until killed. Hubs also answer {@link #LOAD}: a
 * caller inside the hub's process keeping calls in flight to the agent (the "hub → agent" row).
 */
public final class Party {
  /** Where a hub runs its own load: {@code {inFlight, warmupMs, measureMs}} → figures. */
  static final String LOAD = "bench.load";

  private Party() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("hazelcast.logging.type", "slf4j");
    switch (args[0]) {
      case "raw-echo" -> rawEcho(args.length > 1 && args[1].equals("--tls"));
      case "raw-relay" -> rawRelay(Integer.parseInt(args[1]));
      case "stock" -> {
        Vertx vertx = Vertx.vertx();
        int port = Setups.stock(vertx);
        serveLoad(vertx);
        System.out.println("listening on " + port);
      }
      case "hub" -> hub(Path.of(args[1]));
      case "echo-agent" -> echoAgent(args[1], args.length > 2 && args[2].equals("--tls"));
      default -> throw new IllegalArgumentException("unknown party " + args[0]);
    }
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }

  /**
   * A byte relay: each connection it accepts is passed to the peer at {@code upstream} and back,
   * each read written on as it comes; what one more process in a path costs, with no work of its
   * own.
   */
  private static void rawRelay(int upstream) throws Exception {
    Vertx vertx = Vertx.vertx();
    io.vertx.core.net.NetClient client =
        vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    NetServer server =
        vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setTcpNoDelay(true));
    server.connectHandler(
        in -> {
          in.pause();
          client
              .connect(upstream, "127.0.0.1")
              .onSuccess(
                  out -> {
                    in.handler(out::write);
                    out.handler(in::write);
                    in.closeHandler(v -> out.close());
                    out.closeHandler(v -> in.close());
                    in.resume();
                  })
              .onFailure(e -> in.close());
        });
    int port = server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS).actualPort();
    System.out.println("listening on " + port);
  }

  private static void hub(Path confFile) throws Exception {
    JsonObject conf = new JsonObject(Files.readString(confFile));
    HubConfig cfg = HubConfig.from(conf, Map.of());
    ClusterConfig cluster = cfg.cluster();
    // As HubMain makes it: with Vert.x's meters when the conf has an admin port.
    boolean meters = cfg.admin().enabled() && cfg.admin().vertxMetrics();
    Vertx vertx;
    HubVerticle hub;
    if (cluster.enabled()) {
      HazelcastClusterManager manager = HubCluster.clusterManager(cluster);
      vertx =
          MetricsSetup.builder(HubCluster.options(cluster), meters)
              .withClusterManager(manager)
              .buildClustered()
              .await(60, TimeUnit.SECONDS);
      hub = new HubVerticle(Map.of(), () -> manager);
    } else {
      vertx = MetricsSetup.builder(new io.vertx.core.VertxOptions(), meters).build();
      hub = new HubVerticle(Map.of());
    }
    vertx.deployVerticle(hub, new DeploymentOptions().setConfig(conf)).await(60, TimeUnit.SECONDS);
    serveLoad(vertx);
    System.out.println("listening on " + hub.actualPort());
    if (hub.httpPort() > 0) {
      System.out.println("http on " + hub.httpPort());
    }
  }

  /**
   * Answers {@link #LOAD} by keeping calls in flight to the echo agent from inside this process.
   */
  private static void serveLoad(Vertx vertx) {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            LOAD,
            msg -> {
              JsonObject ask = msg.body();
              // Future.await is not for Vert.x threads: a plain thread runs the load.
              new Thread(
                      () -> {
                        try {
                          Context on = Setups.consumerContext(vertx, Setups.ECHO);
                          long[] seq = {0};
                          Load.Result r =
                              Load.run(
                                  on,
                                  () ->
                                      vertx.eventBus().request(Setups.ECHO, Setups.body(seq[0]++)),
                                  ask.getInteger("inFlight"),
                                  Duration.ofMillis(ask.getLong("warmupMs")),
                                  Duration.ofMillis(ask.getLong("measureMs")));
                          msg.reply(toJson(r));
                        } catch (Exception e) {
                          msg.fail(500, String.valueOf(e));
                        }
                      },
                      "bench-load")
                  .start();
            });
  }

  static JsonObject toJson(Load.Result r) {
    return new JsonObject()
        .put("perSecond", r.perSecond())
        .put("p50", r.p50Micros())
        .put("p99", r.p99Micros())
        .put("calls", r.calls())
        .put("failures", r.failures());
  }

  static Load.Result fromJson(JsonObject j) {
    return new Load.Result(
        j.getDouble("perSecond"),
        j.getDouble("p50"),
        j.getDouble("p99"),
        j.getLong("calls"),
        j.getLong("failures"));
  }

  /** An echo agent at {@code hub}: a port of 127.0.0.1, or a {@code ws://} address. */
  private static void echoAgent(String hub, boolean tls) throws Exception {
    ClientOptions.Builder options =
        ClientOptions.builder()
            .hubs(List.of(hub.matches("\\d+") ? "127.0.0.1:" + hub : hub))
            .token(Setups.AGENT_TOKEN)
            .name("bench")
            .binary(true);
    if (tls) {
      options.net(trustingTls());
    }
    BridgeClient agent = BridgeClient.create(Vertx.vertx(), options.build());
    agent.connect().await(60, TimeUnit.SECONDS);
    agent.consumer(Setups.ECHO, m -> m.reply(m.rawBody())).await(30, TimeUnit.SECONDS);
    System.out.println("ready");
  }

  /** TLS that trusts the bench's own self-signed certificates, by IP literal. */
  static NetClientOptions trustingTls() {
    return new NetClientOptions()
        .setSsl(true)
        .setTrustAll(true)
        .setHostnameVerificationAlgorithm("");
  }

  /** A raw peer: echoes every frame of the bridge's framing, over TLS when asked. */
  private static void rawEcho(boolean tls) throws Exception {
    Vertx vertx = Vertx.vertx();
    NetServerOptions options = new NetServerOptions().setHost("127.0.0.1").setTcpNoDelay(true);
    if (tls) {
      Path dir = Files.createTempDirectory("bench-tls");
      Path store = dir.resolve("raw.p12");
      Certificates.writePkcs12(
          store,
          "raw",
          Certificates.selfSigned("bench", List.of("127.0.0.1"), List.of(), Duration.ofDays(1)),
          "bench-password");
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PfxOptions().setPath(store.toString()).setPassword("bench-password"));
    }
    NetServer server = vertx.createNetServer(options);
    server.connectHandler(
        s ->
            s.handler(
                new FrameParser(
                    Integer.MAX_VALUE,
                    new FrameParser.Listener() {
                      @Override
                      public void onFrame(Buffer payload) {
                        s.write(
                            Buffer.buffer(payload.length() + 4)
                                .appendInt(payload.length())
                                .appendBuffer(payload));
                      }

                      @Override
                      public void onOversize(long declaredLength, int maxFrameBytes) {}
                    })));
    server.listen(0).await(30, TimeUnit.SECONDS);
    System.out.println("listening on " + server.actualPort());
  }
}
