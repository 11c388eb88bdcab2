package io.dialback.hub.admin;

import static io.dialback.hub.admin.Scrape.moved;
import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.testkit.HubConf;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.RawBridgeSocket;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real hub process with its admin port on: its counters move by exactly the logins, calls and
 * refusals made; readiness turns 503 within a second of SIGTERM while a call drains; the API asks
 * for its token; and neither port answers the other's protocol.
 */
class AdminProcessTest {
  private static final String ADMIN_TOKEN = "admin-token-0001";
  private static final List<String> HUB_JVM = List.of("-Xmx96m", "-XX:+UseSerialGC");

  @TempDir Path tmp;
  private final int port = Ports.free();
  private final int adminPort = Ports.free();

  private JavaProcess startHub(long drainTimeoutMs) throws Exception {
    JsonObject conf =
        HubConf.standard()
            .port(port)
            .limits(
                new JsonObject()
                    .put("drainTimeoutMs", drainTimeoutMs)
                    .put("loginFailureDelayMs", 1)
                    .put("maxLoginFailureDelayMs", 1))
            .put("admin", new JsonObject().put("port", adminPort).put("token", ADMIN_TOKEN))
            .json();
    Path file = Files.writeString(tmp.resolve("hub.json"), conf.encode());
    JavaProcess hub =
        JavaProcess.start(
            "hub",
            "io.dialback.hub.HubMain",
            HUB_JVM,
            List.of("-conf", file.toString()),
            Map.of(),
            Path.of("target", "process-logs", "AdminProcessTest"));
    return hub.awaitLog("ready: listening on", Duration.ofSeconds(30));
  }

  private static JsonObject request(String address, String replyAddress, Object body) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", replyAddress)
        .put("body", body);
  }

  /** Calls {@code address} from {@code caller}; {@code callee} answers; returns the answer. */
  private static JsonObject call(RawBridgeSocket caller, RawBridgeSocket callee, String address)
      throws IOException {
    String reply = caller.nextReplyAddress();
    caller.send(request(address, reply, new JsonObject().put("n", 1)));
    JsonObject delivered = callee.read();
    callee.send(
        new JsonObject()
            .put("type", "send")
            .put("address", delivered.getString("replyAddress"))
            .put("body", new JsonObject().put("ok", true)));
    JsonObject answer = caller.read();
    assertThat(answer.getString("address")).isEqualTo(reply);
    return answer;
  }

  @Test
  void countersMoveByExactlyTheLoginsCallsAndRefusalsMade() throws Exception {
    try (JavaProcess hub = startHub(0)) {
      Map<String, Double> before = Scrape.metrics(adminPort);
      int clientCalls = 7;
      int agentCalls = 3;
      int refusals = 4;
      int badLogins = 2;
      try (RawBridgeSocket alpha = RawBridgeSocket.login(port, HubConf.ALPHA_TOKEN, "alpha");
          RawBridgeSocket beta = RawBridgeSocket.login(port, HubConf.BETA_TOKEN, "beta");
          RawBridgeSocket client = RawBridgeSocket.login(port, HubConf.CLIENT_TOKEN, null)) {
        alpha.send(new JsonObject().put("type", "register").put("address", "agent.alpha.echo"));
        alpha.barrier();
        for (int i = 0; i < clientCalls; i++) {
          call(client, alpha, "agent.alpha.echo");
        }
        for (int i = 0; i < agentCalls; i++) {
          call(beta, alpha, "agent.alpha.echo");
        }
        for (int i = 0; i < refusals; i++) {
          client.send(new JsonObject().put("type", "register").put("address", "agent.alpha.echo"));
          assertThat(client.read().getInteger("failureCode")).isEqualTo(403);
        }
        String listReply = client.nextReplyAddress();
        client.send(request("hub.agents.list", listReply, new JsonObject()));
        assertThat(client.read().getJsonObject("body").getJsonArray("agents")).hasSize(2);
        client.send(new JsonObject().put("type", "publish").put("address", "news").put("body", 1));
        for (int i = 0; i < badLogins; i++) {
          try (RawBridgeSocket guesser = RawBridgeSocket.connect(port)) {
            assertThat(guesser.loginReply("not-a-token-0001", null).getInteger("failureCode"))
                .isEqualTo(401);
          }
        }
        Map<String, Double> after = Scrape.metrics(adminPort);
        assertThat(moved(before, after, "dialback_hub_logins_total{result=\"ok\"}")).isEqualTo(3);
        assertThat(moved(before, after, "dialback_hub_logins_total{result=\"not_logged_in\"}"))
            .isEqualTo(badLogins);
        assertThat(
                moved(
                    before,
                    after,
                    "dialback_hub_calls_total{kind=\"client_to_agent\",outcome=\"ok\"}"))
            .isEqualTo(clientCalls);
        assertThat(
                moved(
                    before,
                    after,
                    "dialback_hub_calls_total{kind=\"agent_to_agent\",outcome=\"ok\"}"))
            .isEqualTo(agentCalls);
        assertThat(
                moved(
                    before, after, "dialback_hub_calls_total{kind=\"to_service\",outcome=\"ok\"}"))
            .isEqualTo(1);
        assertThat(
                moved(before, after, "dialback_hub_calls_total{kind=\"publish\",outcome=\"ok\"}"))
            .isEqualTo(1);
        assertThat(
                moved(
                    before,
                    after,
                    "dialback_hub_call_duration_seconds_count{kind=\"client_to_agent\"}"))
            .as("latency observations")
            .isEqualTo(clientCalls);
        assertThat(
                moved(
                    before,
                    after,
                    "dialback_hub_call_duration_seconds_bucket{kind=\"client_to_agent\",le=\"+Inf\"}"))
            .isEqualTo(clientCalls);
        assertThat(
                moved(
                    before,
                    after,
                    "dialback_hub_call_duration_seconds_count{kind=\"agent_to_agent\"}"))
            .isEqualTo(agentCalls);
        assertThat(moved(before, after, "dialback_hub_refusals_total{code=\"access_denied\"}"))
            .isEqualTo(refusals);
        assertThat(moved(before, after, "dialback_hub_closes_total{reason=\"login_refused\"}"))
            .isEqualTo(badLogins);
        assertThat(after.get("dialback_hub_connections{role=\"agent\"}")).isEqualTo(2);
        assertThat(after.get("dialback_hub_connections{role=\"client\"}")).isEqualTo(1);
        assertThat(after.get("dialback_hub_agents_bound")).isEqualTo(2);
        assertThat(after.get("dialback_hub_pending_calls")).isZero();
        assertThat(after.get("dialback_hub_cluster_members")).isEqualTo(1);
        assertThat(moved(before, after, "dialback_hub_bytes_in_total")).isPositive();
        assertThat(moved(before, after, "dialback_hub_bytes_out_total")).isPositive();
        assertThat(after.keySet())
            .as("Vert.x's own meters are there too")
            .anyMatch(k -> k.startsWith("vertx_net_server_"));
        assertThat(after.keySet())
            .as("no label whose values grow with the fleet")
            .noneMatch(k -> k.contains("alpha") || k.contains("address=") || k.contains("remote="));

        // The API: the token, and nothing without it.
        for (String path : List.of("/api/agents", "/api/connections", "/api/hubs")) {
          assertThat(Scrape.get(adminPort, path, null).statusCode()).as(path).isEqualTo(401);
          assertThat(Scrape.get(adminPort, path, "wrong-token-0001").statusCode())
              .as(path)
              .isEqualTo(401);
          assertThat(Scrape.get(adminPort, path, ADMIN_TOKEN).statusCode()).as(path).isEqualTo(200);
        }
        JsonObject agents =
            new JsonObject(Scrape.get(adminPort, "/api/agents", ADMIN_TOKEN).body());
        JsonObject alphaEntry = agents.getJsonArray("agents").getJsonObject(0);
        assertThat(alphaEntry.getString("name")).isEqualTo("alpha");
        assertThat(alphaEntry.getString("hub")).isEqualTo("127.0.0.1:" + port);
        assertThat(alphaEntry.getString("address")).startsWith("127.0.0.1:");
        assertThat(alphaEntry.getLong("calls")).isEqualTo(clientCalls + agentCalls);
        assertThat(alphaEntry.getLong("bytesIn")).isPositive();
        JsonObject connections =
            new JsonObject(Scrape.get(adminPort, "/api/connections", ADMIN_TOKEN).body());
        assertThat(connections.getJsonArray("connections")).hasSize(3);
        JsonObject hubs = new JsonObject(Scrape.get(adminPort, "/api/hubs", ADMIN_TOKEN).body());
        assertThat(hubs.getJsonArray("hubs").getJsonObject(0).getInteger("agents")).isEqualTo(2);
      }
      assertPortsDoNotCross();
    }
  }

  /** The admin port does not speak the bridge, and the bridge port serves no HTTP. */
  private void assertPortsDoNotCross() throws Exception {
    byte[] login =
        new JsonObject()
            .put("type", "send")
            .put("address", "hub.login")
            .put("replyAddress", "r.1")
            .put("body", new JsonObject().put("token", HubConf.CLIENT_TOKEN))
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[4 + login.length];
    frame[0] = (byte) (login.length >>> 24);
    frame[1] = (byte) (login.length >>> 16);
    frame[2] = (byte) (login.length >>> 8);
    frame[3] = (byte) login.length;
    System.arraycopy(login, 0, frame, 4, login.length);
    String fromAdmin = exchange(adminPort, frame, 2000);
    assertThat(fromAdmin).as("a bridge login on the admin port").doesNotContain("identity");
    assertThat(fromAdmin)
        .satisfiesAnyOf(
            s -> assertThat(s).isEmpty(), s -> assertThat(s).startsWith("HTTP/1.1 400"));

    for (String path : List.of("/metrics", "/health/ready", "/api/hubs")) {
      String fromBridge =
          exchange(
              port,
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                      + ADMIN_TOKEN
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII),
              5000);
      assertThat(fromBridge).as("GET %s on the bridge port", path).doesNotContain("HTTP/");
      assertThat(fromBridge).doesNotContain("dialback_hub").doesNotContain("\"status\"");
      assertThat(fromBridge).contains("too_large"); // "GET " read as a length: refused, closed
    }
  }

  /** Sends {@code bytes} on a fresh connection and reads what comes back until it closes. */
  private static String exchange(int port, byte[] bytes, int waitMs) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(waitMs);
      OutputStream out = s.getOutputStream();
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
        }
      } catch (java.net.SocketTimeoutException e) {
        // still open: what came so far is the answer
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void readyTurns503WithinASecondOfSigtermWhileACallDrains() throws Exception {
    try (JavaProcess hub = startHub(10_000);
        RawBridgeSocket alpha = RawBridgeSocket.login(port, HubConf.ALPHA_TOKEN, "alpha");
        RawBridgeSocket client = RawBridgeSocket.login(port, HubConf.CLIENT_TOKEN, null)) {
      HttpResponse<String> ready = Scrape.get(adminPort, "/health/ready", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(Scrape.get(adminPort, "/health/live", null).statusCode()).isEqualTo(200);
      alpha.send(new JsonObject().put("type", "register").put("address", "agent.alpha.slow"));
      alpha.barrier();
      client.send(request("agent.alpha.slow", "in-flight", new JsonObject()));
      String replyAddress = alpha.read().getString("replyAddress");

      hub.signal("TERM");
      long signalled = System.nanoTime();
      HttpResponse<String> notReady;
      do {
        notReady = Scrape.get(adminPort, "/health/ready", null);
      } while (notReady.statusCode() == 200
          && System.nanoTime() - signalled < Duration.ofSeconds(5).toNanos());
      Duration after = Duration.ofNanos(System.nanoTime() - signalled);
      System.out.printf("ready: 503 %d ms after SIGTERM%n", after.toMillis());
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(after).isLessThan(Duration.ofSeconds(1));
      JsonObject body = new JsonObject(notReady.body());
      assertThat(body.getString("status")).isEqualTo("DOWN");
      assertThat(body.encode()).contains("draining");
      assertThat(Scrape.get(adminPort, "/health/live", null).statusCode()).isEqualTo(200);

      // The call in flight still finishes; then the hub goes.
      alpha.send(new JsonObject().put("type", "send").put("address", replyAddress).put("body", 1));
      JsonObject answer = client.read();
      assertThat(answer.getString("address")).isEqualTo("in-flight");
      assertThat(hub.waitFor(Duration.ofSeconds(20))).isNotNull();
      assertThat(hub.logText()).contains("dialback-hub stopped");
    }
  }
}
