package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.client.BridgeClient;
import io.dialback.client.BridgeMessage;
import io.dialback.client.ClientOptions;
import io.dialback.testkit.Await;
import io.dialback.testkit.CpuHog;
import io.dialback.testkit.HubConf;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A frozen hub on a loaded machine: three hub JVMs, agents on each, a CPU hog on both cores, and
 * the oldest hub (the cluster's master) SIGSTOPped for 30 s. The two healthy hubs never drop each
 * other and their agents stay callable from both; after SIGCONT the cluster is whole, every agent
 * is listed once and callable from every hub, agents that stayed on the resumed hub included (a
 * consumer on a rejoined node that no longer receives fails it), and the resumed hub's own
 * consumers answer the others.
 */
class FrozenHubUnderLoadTest {
  private static final List<String> HUB_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");
  private static final List<String> FLEET_JVM = List.of("-Xmx128m", "-XX:+UseSerialGC");
  private static final String CLIENT_TOKEN = "freeze-client-token";
  private static final String FLEET_TOKEN = "freeze-fleet-token";
  private static final String ADMIN_TOKEN = "freeze-admin-token";
  private static final String CLUSTER = "freeze";

  /** Agents spread over the three hubs: agent i lists hub (i mod 3) first. */
  private static final int SPREAD = 6;

  /** Agents that know hub 1 only: after the freeze they are on the resumed hub. */
  private static final int PINNED = 2;

  private static final Duration FREEZE = Duration.ofSeconds(30);
  private static final Duration CALL = Duration.ofSeconds(5);

  @TempDir Path tmp;

  private final Path logs = Path.of("target", "process-logs", "FrozenHubUnderLoadTest");
  private final List<JavaProcess> processes = new CopyOnWriteArrayList<>();
  private final List<BridgeClient> clients = new CopyOnWriteArrayList<>();
  private final int[] bridgePorts = {Ports.free(), Ports.free(), Ports.free()};
  private final int[] clusterPorts = {Ports.free(), Ports.free(), Ports.free()};
  private final int[] adminPorts = {Ports.free(), Ports.free(), Ports.free()};
  private final JavaProcess[] hubs = new JavaProcess[3];
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void tearDown() throws Exception {
    for (BridgeClient c : clients) {
      c.close().await(10, TimeUnit.SECONDS);
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    for (JavaProcess p : processes) {
      if (p.isAlive()) {
        p.signal("CONT"); // a hub left frozen by a failed test still ends
      }
      p.close();
    }
  }

  @Test
  void healthyHubsNeverSplitWhileTheMasterIsFrozenOnALoadedMachineAndAllHealsAfter()
      throws Exception {
    TestFiles.deleteTree(logs);
    // Hub 1 first and alone: it is the oldest member, the cluster's master, the worst one to lose.
    hubs[0] = startHub(0);
    hubs[0].awaitLog("ready: .* in cluster '" + CLUSTER + "' of", Duration.ofSeconds(60));
    hubs[1] = startHub(1);
    hubs[2] = startHub(2);
    for (JavaProcess hub : hubs) {
      hub.awaitLog("ready: .* in cluster '" + CLUSTER + "' of", Duration.ofSeconds(60));
    }
    Await.until("three members everywhere", Duration.ofSeconds(30), () -> lastMembers(3, hubs));

    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.writeString(root.resolve("hello.txt"), "hello");
    JavaProcess spread = startFleet("spread", "fz-", SPREAD, List.of(0, 1, 2), root);
    JavaProcess pinned = startFleet("pinned", "fzp-", PINNED, List.of(0), root);
    spread.awaitLog("fleet: " + SPREAD + " of " + SPREAD + " agents", Duration.ofSeconds(60));
    pinned.awaitLog("fleet: " + PINNED + " of " + PINNED + " agents", Duration.ofSeconds(60));
    Set<String> all = new TreeSet<>();
    for (int i = 0; i < SPREAD; i++) {
      all.add(String.format(Locale.ROOT, "fz-%05d", i));
    }
    for (int i = 0; i < PINNED; i++) {
      all.add(String.format(Locale.ROOT, "fzp-%05d", i));
    }
    BridgeClient onHub2 = client(1);
    BridgeClient onHub3 = client(2);
    Await.until(
        "every agent listed", Duration.ofSeconds(30), () -> agents(onHub2).keySet().equals(all));
    List<String> onHealthyHubs = new ArrayList<>();
    agents(onHub2)
        .forEach(
            (name, hub) -> {
              if (!hub.equals("hub1")) { // the hub's name (its conf's "name")
                onHealthyHubs.add(name);
              }
            });
    assertThat(onHealthyHubs).as("agents on hubs 2 and 3").hasSize(SPREAD * 2 / 3);
    // A working cluster has called its agents before, so each hub knows where their addresses are
    // served. A first call ever, made while the frozen hub still owns the partition holding that
    // address's subscribers, waits until the frozen hub is dropped (clustering.md, "Frozen").
    for (BridgeClient c : List.of(onHub2, onHub3)) {
      for (String agent : onHealthyHubs) {
        c.request(
                "agent." + agent + ".fs.stat",
                new JsonObject().put("path", "hello.txt"),
                CALL,
                null)
            .await(CALL.toMillis() + 1000, TimeUnit.MILLISECONDS);
      }
    }

    JavaProcess hog =
        track(
            JavaProcess.start(
                "cpu-hog",
                CpuHog.class.getName(),
                List.of("-Xmx32m", "-XX:+UseSerialGC"),
                List.of(String.valueOf(FREEZE.toSeconds() + 30), "2"),
                Map.of(),
                logs));
    Thread.sleep(2000);

    hubs[0].signal("STOP");
    long frozenAt = System.nanoTime();
    Watch watch = new Watch(List.of(onHub2, onHub3), onHealthyHubs);
    while (System.nanoTime() - frozenAt < FREEZE.toNanos()) {
      watch.round(frozenAt);
      Thread.sleep(250);
    }
    hubs[0].signal("CONT");
    long resumedAt = System.nanoTime();

    BridgeClient onHub1 = client(0);
    List<BridgeClient> everyHub = List.of(onHub1, onHub2, onHub3);
    Await.until(
        "the cluster whole again, every agent listed once and callable from every hub",
        Duration.ofSeconds(60),
        () -> whole(everyHub, all));
    long wholeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedAt);
    hog.close();
    for (BridgeClient c : everyHub) {
      assertThat(agentNames(c))
          .as("agents listed by %s", c.login().hub())
          .hasSameElementsAs(all)
          .doesNotHaveDuplicates();
    }

    System.out.printf(
        Locale.ROOT,
        "frozen master on a loaded machine: dropped by hub 2 after %s, by hub 3 after %s;"
            + " %d rounds, hub lists answered %d times by hub 2 and %d by hub 3,"
            + " %d calls to agents on the healthy hubs, %d failed; whole %d ms after SIGCONT%n",
        watch.droppedAfter[0] < 0 ? "never" : watch.droppedAfter[0] + " ms",
        watch.droppedAfter[1] < 0 ? "never" : watch.droppedAfter[1] + " ms",
        watch.rounds,
        watch.answered[0],
        watch.answered[1],
        watch.calls,
        watch.failures.size(),
        wholeMs);

    watch.splits.forEach(s -> System.out.println("split: " + s));
    watch.failures.forEach(f -> System.out.println("failed call: " + f));
    assertThat(watch.splits).as("a healthy hub's list without the other").isEmpty();
    assertThat(watch.failures).as("failed calls to agents on the healthy hubs").isEmpty();
    for (int k = 0; k < 2; k++) {
      assertThat(watch.answered[k])
          .as("hub lists answered by hub %d during the freeze", k + 2)
          .isGreaterThanOrEqualTo(5);
      assertThat(watch.droppedAfter[k])
          .as("ms from SIGSTOP until hub %d dropped the frozen hub", k + 2)
          .isBetween(0L, FREEZE.toMillis());
    }
    for (int i = 1; i < 3; i++) {
      String log = hubs[i].logText();
      String other = "127.0.0.1]:" + clusterPorts[3 - i];
      assertThat(log)
          .as("hub %d's log: it never suspected or dropped the other healthy hub", i + 1)
          .doesNotContain("Suspecting Member [" + other)
          .doesNotContain("Members {size:1,");
    }
    // Each hub's own consumers answer the others: the admin API of hubs 2 and 3 has figures for
    // every agent, those on the resumed hub included (asked of it over the cluster).
    for (int i = 1; i < 3; i++) {
      int admin = i;
      Await.until(
          "hub " + (i + 1) + "'s /api/agents with figures from every hub",
          Duration.ofSeconds(20),
          () -> everyAgentHasFigures(admin, all));
    }
  }

  /** What the healthy hubs say and do while hub 1 is frozen. */
  private final class Watch {
    final List<BridgeClient> healthy;
    final List<String> agents;
    final long[] droppedAfter = {-1, -1};
    final int[] answered = {0, 0};
    final List<String> splits = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    int rounds;
    int calls;

    Watch(List<BridgeClient> healthy, List<String> agents) {
      this.healthy = healthy;
      this.agents = agents;
    }

    /** Asks both healthy hubs for their hubs, and calls every agent of theirs through both. */
    void round(long frozenAt) {
      rounds++;
      List<Future<BridgeMessage>> lists = new ArrayList<>();
      Map<Future<BridgeMessage>, String> called = new HashMap<>();
      for (BridgeClient c : healthy) {
        lists.add(c.request("hub.hubs.list", new JsonObject(), CALL, null));
        for (String agent : agents) {
          called.put(
              c.request(
                  "agent." + agent + ".fs.stat",
                  new JsonObject().put("path", "hello.txt"),
                  CALL,
                  null),
              agent + " via " + c.login().hub());
        }
      }
      List<Future<?>> everything = new ArrayList<>(lists);
      everything.addAll(called.keySet());
      try {
        Future.join(everything).await(CALL.toMillis() + 2000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // each future is looked at below
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt);
      for (int k = 0; k < lists.size(); k++) {
        Future<BridgeMessage> f = lists.get(k);
        if (!f.succeeded()) {
          continue; // 503 while the registry or the directory waits on the frozen hub
        }
        answered[k]++;
        Set<String> names = new TreeSet<>();
        f.result()
            .bodyAsJsonObject()
            .getJsonArray("hubs")
            .forEach(h -> names.add(((JsonObject) h).getString("name")));
        if (!names.containsAll(Set.of("hub2", "hub3"))) {
          splits.add(ms + " ms: hub " + (k + 2) + " lists " + names);
        }
        if (!names.contains("hub1") && droppedAfter[k] < 0) {
          droppedAfter[k] = ms;
        }
      }
      called.forEach(
          (f, what) -> {
            calls++;
            if (!f.succeeded()) {
              failures.add(ms + " ms: " + what + ": " + (f.failed() ? f.cause() : "no answer"));
            }
          });
    }
  }

  /** Every hub lists three hubs and every agent once, and every agent answers through each. */
  private boolean whole(List<BridgeClient> everyHub, Set<String> all) throws Exception {
    for (BridgeClient c : everyHub) {
      JsonArray listed =
          c.request("hub.hubs.list", new JsonObject(), CALL, null)
              .await(CALL.toMillis() + 1000, TimeUnit.MILLISECONDS)
              .bodyAsJsonObject()
              .getJsonArray("hubs");
      List<String> names = agentNames(c);
      if (listed.size() != 3 || names.size() != all.size() || !all.containsAll(names)) {
        return false; // a name twice, or one missing, while the registry settles
      }
    }
    List<Future<BridgeMessage>> calls = new ArrayList<>();
    for (BridgeClient c : everyHub) {
      for (String agent : all) {
        calls.add(
            c.request(
                "agent." + agent + ".fs.stat",
                new JsonObject().put("path", "hello.txt"),
                CALL,
                null));
      }
    }
    Future.all(calls).await(CALL.toMillis() + 2000, TimeUnit.MILLISECONDS);
    return true;
  }

  /** The names {@code hub.agents.list} lists, as often as it lists them. */
  private static List<String> agentNames(BridgeClient client) throws Exception {
    List<String> names = new ArrayList<>();
    client
        .request("hub.agents.list", new JsonObject(), CALL, null)
        .await(CALL.toMillis() + 1000, TimeUnit.MILLISECONDS)
        .bodyAsJsonObject()
        .getJsonArray("agents")
        .forEach(a -> names.add(((JsonObject) a).getString("name")));
    return names;
  }

  /** name → hub, as {@code hub.agents.list} says; fails if a name is listed twice. */
  private static Map<String, String> agents(BridgeClient client) throws Exception {
    JsonArray agents =
        client
            .request("hub.agents.list", new JsonObject(), CALL, null)
            .await(CALL.toMillis() + 1000, TimeUnit.MILLISECONDS)
            .bodyAsJsonObject()
            .getJsonArray("agents");
    Map<String, String> byName = new HashMap<>();
    for (Object a : agents) {
      JsonObject agent = (JsonObject) a;
      String before = byName.put(agent.getString("name"), agent.getString("hub"));
      assertThat(before).as("%s listed twice: %s", agent.getString("name"), agents).isNull();
    }
    return byName;
  }

  private boolean everyAgentHasFigures(int hub, Set<String> all) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + adminPorts[hub] + "/api/agents"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return false;
    }
    Set<String> withFigures = new TreeSet<>();
    for (Object a : new JsonObject(r.body()).getJsonArray("agents")) {
      JsonObject agent = (JsonObject) a;
      if (agent.getValue("calls") != null) {
        withFigures.add(agent.getString("name"));
      }
    }
    return withFigures.equals(all);
  }

  /** Whether every hub's last membership line says {@code size} members. */
  private static boolean lastMembers(int size, JavaProcess... hubs) throws Exception {
    Pattern members = Pattern.compile("Members \\{size:(\\d+),");
    for (JavaProcess hub : hubs) {
      Matcher m = members.matcher(hub.logText());
      String last = null;
      while (m.find()) {
        last = m.group(1);
      }
      if (!String.valueOf(size).equals(last)) {
        return false;
      }
    }
    return true;
  }

  private JavaProcess startHub(int i) throws Exception {
    JsonObject conf =
        HubConf.bare()
            .client(CLIENT_TOKEN, "watcher")
            .agent(FLEET_TOKEN, "fz-*", "fzp-*")
            .port(bridgePorts[i])
            .put("instances", 1)
            .put("name", "hub" + (i + 1))
            .put("admin", new JsonObject().put("port", adminPorts[i]).put("token", ADMIN_TOKEN))
            .json()
            .put("cluster", HubConf.cluster(CLUSTER, clusterPorts[i], clusterPorts));
    Path file = Files.writeString(tmp.resolve("hub" + (i + 1) + ".json"), conf.encodePrettily());
    return track(
        JavaProcess.start(
            "hub" + (i + 1),
            "io.dialback.hub.HubMain",
            HUB_JVM,
            List.of("-conf", file.toString()),
            Map.of(),
            logs));
  }

  /**
   * A fleet JVM of {@code count} agents named {@code prefix00000...} dialling {@code hubIndexes}.
   */
  private JavaProcess startFleet(
      String name, String prefix, int count, List<Integer> hubIndexes, Path root) throws Exception {
    JsonArray hubList = new JsonArray();
    hubIndexes.forEach(i -> hubList.add(hub(i)));
    JsonObject conf =
        new JsonObject()
            .put("name", "template")
            .put("hubs", hubList)
            .put("token", FLEET_TOKEN)
            .put("root", root.toString())
            .put("reconnect", new JsonObject().put("initialDelayMs", 100).put("maxDelayMs", 1000));
    Path file = Files.writeString(tmp.resolve(name + ".json"), conf.encodePrettily());
    return track(
        JavaProcess.start(
            name,
            "io.dialback.agent.cli.FleetMain",
            FLEET_JVM,
            List.of(
                "--conf",
                file.toString(),
                "--count",
                String.valueOf(count),
                "--prefix",
                prefix,
                "--spread"),
            Map.of(),
            logs));
  }

  private String hub(int i) {
    return "127.0.0.1:" + bridgePorts[i];
  }

  /** A client dialling hub {@code i} only. */
  private BridgeClient client(int i) throws Exception {
    BridgeClient c =
        BridgeClient.create(
            vertx,
            ClientOptions.builder()
                .hub("127.0.0.1", bridgePorts[i])
                .token(CLIENT_TOKEN)
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2)
                .build());
    clients.add(c);
    c.connect().await(60, TimeUnit.SECONDS);
    return c;
  }

  private JavaProcess track(JavaProcess p) {
    processes.add(p);
    return p;
  }
}
