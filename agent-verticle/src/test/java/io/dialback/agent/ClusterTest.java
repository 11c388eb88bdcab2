package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.client.BridgeClient;
import io.dialback.client.BridgeMessage;
import io.dialback.client.ClientOptions;
import io.dialback.files.Download;
import io.dialback.files.TransferOptions;
import io.dialback.testkit.Await;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.RawBridgeSocket;
import io.dialback.testkit.TestFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hub JVMs in a Hazelcast cluster on loopback, agents spread across them, clients on any hub:
 * one address space; a killed hub's agents fail over and are callable again within seconds; a
 * frozen hub is dropped and merges back by itself; every socket stays on 127.0.0.1.
 */
class ClusterTest {
  private static final List<String> HUB_JVM = List.of("-Xmx128m", "-XX:+UseSerialGC");
  private static final List<String> AGENT_JVM = List.of("-Xmx64m", "-XX:+UseSerialGC");
  private static final String CLIENT_TOKEN = "cluster-client-token";

  @TempDir Path tmp;

  /** Process logs outlive the test here, for reading after a failure. */
  private final Path logs = Path.of("target", "process-logs", "ClusterTest");

  private final List<JavaProcess> processes = new CopyOnWriteArrayList<>();
  private final List<BridgeClient> clients = new CopyOnWriteArrayList<>();
  private final int[] bridgePorts = {Ports.free(), Ports.free(), Ports.free()};
  private final int[] clusterPorts = {Ports.free(), Ports.free(), Ports.free()};
  private final Vertx vertx = Vertx.vertx();
  private final JavaProcess[] hubs = new JavaProcess[3];

  @AfterEach
  void tearDown() throws Exception {
    for (BridgeClient c : clients) {
      c.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    for (JavaProcess p : processes) {
      p.close();
    }
  }

  @Test
  void threeHubsServeOneAddressSpaceAndSurviveAKillAndAFreeze() throws Exception {
    io.dialback.testkit.TestFiles.deleteTree(logs); // only this run's logs
    try {
      killFreezeAndHeal();
    } catch (Exception | AssertionError e) {
      for (JavaProcess hub : hubs) {
        if (hub != null) {
          System.out.println("thread dump: " + hub.dumpThreads());
        }
      }
      throw e;
    }
  }

  private void killFreezeAndHeal() throws Exception {
    for (int i = 0; i < 3; i++) {
      hubs[i] = startHub(i);
    }
    for (JavaProcess hub : hubs) {
      hub.awaitLog("ready: .* in cluster 'test' of", Duration.ofSeconds(60));
    }
    Await.until(
        "three members everywhere", Duration.ofSeconds(30), () -> everyHubSeesMembers(hubs, 3));

    // Agents spread over the hubs: each lists its own hub first, then the others.
    Path alphaRoot = Files.createDirectories(tmp.resolve("alpha"));
    Path big = TestFiles.random(alphaRoot.resolve("fifty.bin"), 50L * 1024 * 1024, 5);
    startAgent("alpha", 0, alphaRoot);
    startAgent("beta", 1, Files.createDirectories(tmp.resolve("beta")));
    startAgent("gamma", 2, Files.createDirectories(tmp.resolve("gamma")));
    BridgeClient onHub3 = client(2);
    Await.until("three agents listed", Duration.ofSeconds(30), () -> agents(onHub3).size() == 3);
    for (int i = 0; i < 3; i++) {
      assertThat(agents(client(i)))
          .as("hub %d lists every agent once, on its own hub", i + 1)
          .containsEntry("alpha", hub(0))
          .containsEntry("beta", hub(1))
          .containsEntry("gamma", hub(2))
          .hasSize(3);
    }

    // A client on hub 3 reads 50 MiB from the agent on hub 1, chunk by chunk.
    Path copy = tmp.resolve("fifty.copy");
    var result =
        Download.toFile(vertx, onHub3, "alpha", "fifty.bin", copy, TransferOptions.defaults())
            .await(120, TimeUnit.SECONDS);
    assertThat(TestFiles.sha256(copy)).isEqualTo(TestFiles.sha256(big));
    System.out.printf(
        "50 MiB from an agent on hub 1 to a client on hub 3: %.1f MiB/s%n", result.mibPerSecond());
    assertAllSocketsOnLoopback();

    // A call waiting on an agent of hub 1 (one that never answers) when hub 1 is killed.
    try (RawBridgeSocket delta =
        RawBridgeSocket.login(bridgePorts[0], "delta-token-0001", "delta")) {
      delta.send(new JsonObject().put("type", "register").put("address", "agent.delta.slow"));
      delta.barrier();
      Future<BridgeMessage> pending =
          onHub3.request("agent.delta.slow", new JsonObject(), Duration.ofSeconds(60), null);
      delta.read(); // delivered across the cluster, never answered

      long killed = System.nanoTime();
      hubs[0].kill9();
      assertThatThrownBy(() -> pending.await(30, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(503));
      Duration failedAfter = Duration.ofNanos(System.nanoTime() - killed);
      assertThat(failedAfter)
          .as("the pending call failed fast, not at its 60 s timeout")
          .isLessThan(Duration.ofSeconds(5));

      Await.until(
          "alpha callable again", Duration.ofSeconds(5), () -> stat(onHub3, "alpha", "fifty.bin"));
      Duration callable = Duration.ofNanos(System.nanoTime() - killed);
      System.out.printf(
          "kill -9 of hub 1: pending call failed after %d ms; alpha callable again after %d ms%n",
          failedAfter.toMillis(), callable.toMillis());
    }
    Await.until(
        "hub 1's agents re-listed elsewhere",
        Duration.ofSeconds(20),
        () -> {
          Map<String, String> listed = agentsOrNone(onHub3);
          return listed.keySet().equals(java.util.Set.of("alpha", "beta", "gamma"))
              && !listed.containsValue(hub(0));
        });
    Map<String, String> afterKill = agents(client(1));
    assertThat(afterKill).hasSize(3).doesNotContainValue(hub(0));
    assertThat(agents(onHub3)).isEqualTo(afterKill);

    // Hub 2 freezes (a long GC, say) for 10 s, then carries on: the cluster heals by itself.
    hubs[1].signal("STOP");
    long frozen = System.nanoTime();
    // A list asked for while a member is frozen answers or fails with 503 in bounded time: the
    // query may wait on the frozen member's partitions, the caller does not.
    String answer;
    try {
      answer = agents(onHub3).size() + " agents";
    } catch (ReplyException e) {
      assertThat(e.failureCode()).as("failure code of %s", e).isEqualTo(503);
      answer = "failure " + e.failureCode() + " (" + e.getMessage() + ")";
    }
    Duration listedAfter = Duration.ofNanos(System.nanoTime() - frozen);
    System.out.printf(
        "hub.agents.list on hub 3 with hub 2 frozen: %s after %d ms%n",
        answer, listedAfter.toMillis());
    assertThat(listedAfter)
        .as("answered well before the caller's timeout")
        .isLessThan(Duration.ofSeconds(7));
    Thread.sleep(Math.max(0, 10_000 - listedAfter.toMillis()));
    hubs[1].signal("CONT");
    // Hub 3 dropped hub 2 during the freeze (its last membership line says 1 member); they are
    // one cluster again when both say 2.
    Await.until(
        "hubs 2 and 3 in one cluster again",
        Duration.ofSeconds(60),
        () -> everyHubSeesMembers(new JavaProcess[] {hubs[1], hubs[2]}, 2));
    Await.until(
        "every agent listed once on both hubs and callable",
        Duration.ofSeconds(60),
        () ->
            agentsOrNone(client(1)).size() == 3
                && agentsOrNone(onHub3).size() == 3
                && stat(onHub3, "alpha", "fifty.bin")
                && stat(onHub3, "beta", "")
                && stat(client(1), "gamma", ""));
    assertAllSocketsOnLoopback();
  }

  private JavaProcess startHub(int i) throws Exception {
    JsonObject conf =
        HubConf.bare()
            .client(CLIENT_TOKEN, "client")
            .agent("alpha-token-0001", "alpha")
            .agent("beta-token-0001", "beta")
            .agent("gamma-token-0001", "gamma")
            .agent("delta-token-0001", "delta")
            .port(bridgePorts[i])
            .put("instances", 1)
            .json()
            .put(
                "cluster",
                HubConf.cluster("test", clusterPorts[i], clusterPorts)
                    // Short enough that the 10 s freeze below drops the hub and it merges back.
                    .put("maxNoHeartbeatSeconds", 5));
    Path file = Files.writeString(tmp.resolve("hub" + (i + 1) + ".json"), conf.encodePrettily());
    JavaProcess hub =
        JavaProcess.start(
            "hub" + (i + 1),
            "io.dialback.hub.HubMain",
            HUB_JVM,
            List.of("-conf", file.toString()),
            Map.of(),
            logs);
    processes.add(hub);
    return hub;
  }

  private void startAgent(String name, int firstHub, Path root) throws Exception {
    JsonArray hubs = new JsonArray();
    for (int k = 0; k < 3; k++) {
      hubs.add(hub((firstHub + k) % 3));
    }
    JsonObject conf =
        new JsonObject()
            .put("name", name)
            .put("hubs", hubs)
            .put("token", name + "-token-0001")
            .put("root", root.toString())
            .put("reconnect", new JsonObject().put("initialDelayMs", 100).put("maxDelayMs", 1000));
    Path file = Files.writeString(tmp.resolve(name + ".json"), conf.encodePrettily());
    JavaProcess agent =
        JavaProcess.start(
            name,
            "io.dialback.agent.cli.AgentMain",
            AGENT_JVM,
            List.of("-conf", file.toString()),
            Map.of(),
            logs);
    processes.add(agent);
    agent.awaitLog("connected to", Duration.ofSeconds(30));
  }

  private String hub(int i) {
    return "127.0.0.1:" + bridgePorts[i];
  }

  /** A client dialling hub {@code i} only (memoised per hub). */
  private BridgeClient client(int i) throws Exception {
    for (BridgeClient c : clients) {
      if (c.login() != null && c.login().hub().equals(hub(i))) {
        return c;
      }
    }
    BridgeClient c =
        BridgeClient.create(
            vertx,
            ClientOptions.builder()
                .hub("127.0.0.1", bridgePorts[i])
                .token(CLIENT_TOKEN)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2)
                .build());
    clients.add(c);
    c.connect().await(30, TimeUnit.SECONDS);
    return c;
  }

  /** name → hub, as {@code hub.agents.list} on the client's hub says. */
  private static Map<String, String> agents(BridgeClient client) throws Exception {
    JsonArray agents =
        client
            .request("hub.agents.list", new JsonObject(), Duration.ofSeconds(10), null)
            .await(15, TimeUnit.SECONDS)
            .bodyAsJsonObject()
            .getJsonArray("agents");
    List<String> names = new ArrayList<>();
    agents.forEach(a -> names.add(((JsonObject) a).getString("name")));
    assertThat(names).as("each agent once").doesNotHaveDuplicates();
    return agents.stream()
        .map(a -> (JsonObject) a)
        .collect(Collectors.toMap(a -> a.getString("name"), a -> a.getString("hub")));
  }

  /** As {@link #agents}, or none while the registry cannot answer (503, hubs leaving). */
  private static Map<String, String> agentsOrNone(BridgeClient client) throws Exception {
    try {
      return agents(client);
    } catch (ReplyException e) {
      assertThat(e.failureCode()).as("failure code of %s", e).isEqualTo(503);
      return Map.of();
    }
  }

  private static boolean stat(BridgeClient client, String agent, String path) {
    try {
      client
          .request(
              "agent." + agent + ".fs.stat",
              new JsonObject().put("path", path),
              Duration.ofSeconds(2),
              null)
          .await(3, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean everyHubSeesMembers(JavaProcess[] hubs, int members) throws IOException {
    for (JavaProcess hub : hubs) {
      String log = hub.logText();
      int last = log.lastIndexOf("Members {size:");
      if (last < 0 || !log.startsWith("Members {size:" + members + ",", last)) {
        return false;
      }
    }
    return true;
  }

  /** Every TCP socket of our hub and agent processes has 127.0.0.1 at both ends. */
  private void assertAllSocketsOnLoopback() throws Exception {
    String pids =
        processes.stream()
            .filter(JavaProcess::isAlive)
            .map(p -> "pid=" + p.pid() + ",")
            .collect(Collectors.joining("|"));
    Process ss = new ProcessBuilder("ss", "-tanp").redirectErrorStream(true).start();
    List<String> lines = new String(ss.getInputStream().readAllBytes()).lines().toList();
    ss.waitFor();
    List<String> ours = lines.stream().filter(l -> l.matches(".*(" + pids + ").*")).toList();
    assertThat(ours).as("sockets of the hub and agent processes").isNotEmpty();
    for (String line : ours) {
      String[] cols = line.trim().split("\\s+");
      String local = cols[3];
      String peer = cols[4];
      assertThat(local).as(line).matches("(\\[::ffff:)?127\\.0\\.0\\.1\\]?:\\d+");
      assertThat(peer)
          .as(line)
          .matches(
              "((\\[::ffff:)?127\\.0\\.0\\.1\\]?:\\d+|\\*:\\*|0\\.0\\.0\\.0:\\*|\\[::\\]:\\*)");
    }
  }
}
