package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.files.Download;
import io.dialback.files.TransferOptions;
import io.dialback.hub.TestHub;
import io.dialback.testkit.Await;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents and the shell as real processes that reach the hub (a process too) only over WebSocket, or
 * only through an HTTP proxy that allows nothing but {@code CONNECT} (a process of its own that
 * asks for a password), over TCP and over WebSocket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSocketProxyEndToEndTest {
  private static final List<String> SMALL_HEAP = List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xss512k");
  private static final Duration START = Duration.ofSeconds(30);
  private static final String PROXY_USER = "agent:s3cret";

  @TempDir static Path tmp;
  private final List<JavaProcess> processes = new CopyOnWriteArrayList<>();
  private JavaProcess hub;
  private JavaProcess proxy;
  private int bridgePort;
  private int httpPort;
  private int proxyPort;
  private Vertx vertx;
  private BridgeClient client;

  @BeforeAll
  void start() throws Exception {
    bridgePort = Ports.free();
    httpPort = Ports.free();
    proxyPort = Ports.free();
    Path hubConf =
        Files.writeString(
            tmp.resolve("hub.json"),
            TestHub.conf()
                .put("port", bridgePort)
                .put("instances", 1)
                .put("http", new JsonObject().put("port", httpPort))
                .encodePrettily());
    hub =
        start(
            JavaProcess.start(
                "hub",
                "io.dialback.hub.HubMain",
                SMALL_HEAP,
                List.of("-conf", hubConf.toString()),
                Map.of(),
                tmp.resolve("logs")));
    hub.awaitLog("listening on", START);
    proxy =
        start(
            JavaProcess.start(
                "proxy",
                "io.dialback.testkit.ConnectProxy",
                List.of("-Xmx32m", "-XX:+UseSerialGC"),
                List.of(String.valueOf(proxyPort), PROXY_USER),
                Map.of(),
                tmp.resolve("logs")));
    proxy.awaitLog("proxy listening", START);
    vertx = Vertx.vertx();
    client =
        BridgeClient.create(
            vertx,
            ClientOptions.builder()
                .hub("127.0.0.1", bridgePort)
                .token(TestHub.CLIENT_TOKEN)
                .build());
    client.connect().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    for (JavaProcess p : processes) {
      p.close();
    }
  }

  private JavaProcess start(JavaProcess p) {
    processes.add(p);
    return p;
  }

  private String ws() {
    return "ws://127.0.0.1:" + httpPort + "/bridge";
  }

  private String proxyUrl() {
    return "http://" + PROXY_USER + "@127.0.0.1:" + proxyPort;
  }

  /** An agent process sharing {@code root} as {@code name}, with {@code extra} conf keys. */
  private JavaProcess agent(String name, Path root, JsonObject extra, Map<String, String> env)
      throws Exception {
    String token = name.equals("alpha") ? TestHub.ALPHA_TOKEN : TestHub.BETA_TOKEN;
    JsonObject conf =
        new JsonObject()
            .put("name", name)
            .put("token", token)
            .put("root", root.toString())
            .put("reconnect", new JsonObject().put("initialDelayMs", 50).put("maxDelayMs", 500))
            .mergeIn(extra);
    Path file = Files.writeString(tmp.resolve(name + ".json"), conf.encodePrettily());
    JavaProcess agent =
        start(
            JavaProcess.start(
                name,
                "io.dialback.agent.cli.AgentMain",
                SMALL_HEAP,
                List.of("-conf", file.toString()),
                env,
                tmp.resolve("logs")));
    return agent.awaitLog("connected to", START);
  }

  private List<String> agentNames() throws Exception {
    JsonArray agents =
        client
            .request("hub.agents.list", new JsonObject())
            .await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject()
            .getJsonArray("agents");
    List<String> names = new ArrayList<>();
    agents.forEach(a -> names.add(((JsonObject) a).getString("name")));
    return names;
  }

  private JavaProcess.Result shell(Map<String, String> env, String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of("shell", "--token", TestHub.CLIENT_TOKEN));
    args.addAll(List.of(command));
    return JavaProcess.exec("io.dialback.agent.cli.AgentMain", args, env, Duration.ofSeconds(60));
  }

  private long tunnelsTo(int port) throws Exception {
    return proxy.countLog("tunnel \\d+ to 127\\.0\\.0\\.1:" + port + "$");
  }

  @Test
  void anAgentWhoseOnlyHubIsAWebSocketIsListedAndServesA50MiBFileByteIdentical() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("alpha"));
    Path source = TestFiles.random(root.resolve("big.bin"), 50L * 1024 * 1024 + 7, 15);
    JavaProcess alpha =
        agent("alpha", root, new JsonObject().put("hubs", new JsonArray().add(ws())), Map.of());
    assertThat(alpha.logText()).contains("connected to " + ws());
    assertThat(hub.logText())
        .contains("logged in as alpha (agent)")
        .containsPattern("alpha@127\\.0\\.0\\.1:\\d+/ws");
    assertThat(agentNames()).contains("alpha");

    Path target = tmp.resolve("big.copy");
    long start = System.nanoTime();
    Download.toFile(vertx, client, "alpha", "big.bin", target, TransferOptions.defaults())
        .await(120, TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("50 MiB from an agent on WebSocket: %.1f MiB/s%n", 50 / seconds);
    assertThat(TestFiles.sha256(target)).isEqualTo(TestFiles.sha256(source));
    alpha.stop(Duration.ofSeconds(20));
    Await.until("alpha gone", Duration.ofSeconds(10), () -> !agentNames().contains("alpha"));
  }

  @Test
  void anAgentAndTheShellReachTheHubOnlyThroughAnHttpConnectProxyOverTcpAndWebSocket()
      throws Exception {
    Path betaRoot = Files.createDirectories(tmp.resolve("beta"));
    Path file = TestFiles.random(betaRoot.resolve("data.bin"), 3L * 1024 * 1024 + 1, 16);

    // An agent over TCP, its proxy in its conf.
    long tcpBefore = tunnelsTo(bridgePort);
    JavaProcess beta =
        agent(
            "beta",
            betaRoot,
            new JsonObject()
                .put("hubs", new JsonArray().add("127.0.0.1:" + bridgePort))
                .put(
                    "proxy",
                    new JsonObject()
                        .put("type", "http")
                        .put("host", "127.0.0.1")
                        .put("port", proxyPort)
                        .put("username", "agent")
                        .put("password", "s3cret")),
            Map.of());
    assertThat(tunnelsTo(bridgePort)).isGreaterThan(tcpBefore);
    assertThat(agentNames()).contains("beta");

    // The shell over TCP, --proxy on its command line.
    JavaProcess.Result list =
        shell(Map.of(), "--hub", "127.0.0.1:" + bridgePort, "--proxy", proxyUrl(), "list");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).contains("beta");

    // The shell over WebSocket, the proxy from HTTPS_PROXY: fetches beta's file through it.
    long wsBefore = tunnelsTo(httpPort);
    Path fetched = tmp.resolve("fetched.bin");
    JavaProcess.Result get =
        shell(
            Map.of("HTTPS_PROXY", proxyUrl()),
            "--hub",
            ws(),
            "get",
            "beta:data.bin",
            fetched.toString());
    assertThat(get.exitCode()).as(get.err()).isZero();
    assertThat(TestFiles.sha256(fetched)).isEqualTo(TestFiles.sha256(file));
    assertThat(tunnelsTo(httpPort)).isGreaterThan(wsBefore);

    // An agent over WebSocket through the proxy, from HTTPS_PROXY, with NO_PROXY not matching.
    beta.stop(Duration.ofSeconds(20));
    Await.until("beta gone", Duration.ofSeconds(10), () -> !agentNames().contains("beta"));
    long wsAgentBefore = tunnelsTo(httpPort);
    agent(
        "beta",
        betaRoot,
        new JsonObject().put("hubs", new JsonArray().add(ws())),
        Map.of("HTTPS_PROXY", proxyUrl(), "NO_PROXY", "internal.example"));
    assertThat(tunnelsTo(httpPort)).isGreaterThan(wsAgentBefore);
    Await.until("beta back", Duration.ofSeconds(10), () -> agentNames().contains("beta"));

    // Without the password the proxy refuses, and the shell says it cannot reach the hub.
    JavaProcess.Result refused =
        shell(Map.of(), "--hub", ws(), "--proxy", "http://127.0.0.1:" + proxyPort, "list");
    assertThat(refused.exitCode()).isEqualTo(3);
    assertThat(proxy.logText())
        .containsPattern(Pattern.compile("refused 127\\.0\\.0\\.1:" + httpPort));
  }

  @Test
  void theShellGoesThroughASocks5ProxyOverTcpAndWebSocket() throws Exception {
    String socks = "socks5://" + PROXY_USER + "@127.0.0.1:" + proxyPort;
    long before =
        proxy.countLog(
            "socks5 tunnel \\d+ to 127\\.0\\.0\\.1:(" + bridgePort + "|" + httpPort + ")$");
    for (String hubAddress : List.of("127.0.0.1:" + bridgePort, ws())) {
      JavaProcess.Result list = shell(Map.of(), "--hub", hubAddress, "--proxy", socks, "list");
      assertThat(list.exitCode()).as(list.err()).isZero();
    }
    assertThat(
            proxy.countLog(
                "socks5 tunnel \\d+ to 127\\.0\\.0\\.1:(" + bridgePort + "|" + httpPort + ")$"))
        .isEqualTo(before + 2);
  }
}
