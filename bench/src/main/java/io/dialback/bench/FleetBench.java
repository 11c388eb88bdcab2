package io.dialback.bench;

import io.dialback.api.AgentInfo;
import io.dialback.api.Dialback;
import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.TestFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A hub failure under a fleet: three hub processes in a cluster, {@code --agents} real agents in
 * {@code --fleets} processes ({@code FleetMain}, one token {@code edge-*}, spread over the hubs),
 * then kill -9 of hub 1. Measures, from each surviving hub, how long until every agent is listed
 * exactly once and none on the dead hub, and until a sample of the agents that were on it answers
 * {@code fs.stat}; the rate at which they logged in again, and each hub's heap. Writes the "Fleet"
 * section of {@code docs/BENCHMARKS.md}, which the main harness keeps.
 */
@Command(
    name = "fleet-bench",
    mixinStandardHelpOptions = true,
    versionProvider = BenchMain.Version.class,
    description = "Kills one of three hubs under a fleet of agents and times the recovery.")
public final class FleetBench implements Callable<Integer> {
  private static final String PREFIX = FleetParties.PREFIX;
  private static final Duration POLL = Duration.ofMillis(200);

  /** How long the idle fleet's and hubs' CPU is measured before the kill. */
  private static final Duration IDLE_LOOK = Duration.ofSeconds(5);

  /**
   * Agents each fleet process starts a second: the fleet enrols gradually; the kill is measured.
   */
  private static final int START_RATE = 250;

  /** Agents the rehearsal fleet starts a second: about the rate at which moved agents return. */
  private static final int REHEARSAL_RATE = 2000;

  @Option(names = "--agents", description = "Agents in all (default: ${DEFAULT-VALUE}).")
  int agents = 10_000;

  @Option(names = "--fleets", description = "Agent processes (default: ${DEFAULT-VALUE}).")
  int fleets = 2;

  @Option(
      names = "--runs",
      description = "Kills, each on a fresh cluster (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--sample",
      description =
          "Moved agents that must answer from every survivor (default: ${DEFAULT-VALUE}).")
  int sample = 100;

  @Option(
      names = "--warm-listings",
      description =
          "Listings asked of each survivor before the kill, so that the listings which time the"
              + " recovery run compiled code (default: ${DEFAULT-VALUE}).")
  int warmListings = 40;

  @Option(
      names = "--rehearsal",
      description =
          "Agents of a fleet process that logs in and is killed before the measured kill, so that"
              + " the hubs run the storm's code compiled, as hubs that have served a while do"
              + " (default: a third of --agents; 0: none).")
  Integer rehearsal;

  @Option(
      names = "--fleet-jit",
      description =
          "The fleet processes' JIT: c1 (the C1 compiler only) or full (default: ${DEFAULT-VALUE}).")
  String fleetJit = "c1";

  @Option(names = "--hub-heap", description = "Each hub's -Xmx (default: ${DEFAULT-VALUE}).")
  String hubHeap = "512m";

  @Option(
      names = "--logs",
      description = "Keep the processes' logs here (default: a temporary folder, deleted).")
  Path keepLogs;

  @Option(names = "--out", description = "Report to update (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("docs", "BENCHMARKS.md");

  public static void main(String[] args) {
    System.exit(new CommandLine(new FleetBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    FleetReport.fleetJvm(fleetJit); // a wrong --fleet-jit fails now, not after the hubs start
    if (rehearsal == null) {
      rehearsal = agents / 3;
    }
    List<FleetReport.Run> done = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      FleetReport.Run r = new Cluster().run();
      System.out.println(FleetReport.summary(i + 1, r, sample));
      done.add(r);
    }
    String md =
        FleetReport.markdown(
            done,
            new FleetReport.Setup(
                agents,
                fleets,
                START_RATE,
                sample,
                POLL,
                hubHeap,
                fleetJit,
                warmListings,
                rehearsal));
    System.out.print(md);
    Sections.write(out, "fleet-bench", md);
    System.out.println("wrote the Fleet section of " + out.toAbsolutePath());
    return 0;
  }

  /** One fresh cluster with its fleet, and one kill. */
  private final class Cluster {
    final Path dir = Files.createTempDirectory("dialback-fleet-bench");
    final Path logs = keepLogs != null ? keepLogs : dir.resolve("logs");
    final FleetParties parties = new FleetParties(dir, logs, hubHeap, fleetJit);
    final Vertx vertx = Vertx.vertx();

    Cluster() throws Exception {}

    FleetReport.Run run() throws Exception {
      long t0 = System.nanoTime();
      try {
        JavaProcess[] hubs = new JavaProcess[3];
        for (int i = 0; i < 3; i++) {
          hubs[i] = parties.hub(i);
        }
        for (JavaProcess hub : hubs) {
          hub.awaitLog("ready: .* in cluster", Duration.ofSeconds(90));
        }
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("hello.txt"), "hello");
        int per = (agents + fleets - 1) / fleets;
        List<JavaProcess> fleet = new ArrayList<>();
        for (int f = 0; f < fleets; f++) {
          fleet.add(
              parties.fleet(
                  "fleet" + f,
                  root,
                  PREFIX + f + "-",
                  Math.min(per, agents - f * per),
                  START_RATE));
        }
        for (JavaProcess p : fleet) {
          p.awaitLog("fleet: \\d+ of \\d+ agents connected", Duration.ofSeconds(600));
        }
        // Survivors: hubs 2 and 3, each asked through a client of its own.
        Map<String, Dialback> survivors = new HashMap<>();
        for (int i = 1; i < 3; i++) {
          BridgeClient c =
              BridgeClient.create(
                  vertx,
                  ClientOptions.builder()
                      .hubs(List.of("127.0.0.1:" + parties.bridgePorts[i]))
                      .token(FleetParties.CLIENT_TOKEN)
                      .build());
          c.connect().await(30, TimeUnit.SECONDS);
          survivors.put("hub" + (i + 1), Dialback.over(c).withTimeout(Duration.ofSeconds(10)));
        }
        Dialback any = survivors.get("hub2");
        ListingCost.awaitAll(any, agents, Duration.ofSeconds(300));
        long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        List<String> onHub1 = new ArrayList<>();
        for (AgentInfo a : any.agents().await(30, TimeUnit.SECONDS)) {
          if (a.hub().equals("hub1")) {
            onHub1.add(a.name());
          }
        }
        if (rehearsal > 0) { // a storm of logins and departures before the measured one
          JavaProcess extra =
              parties.fleet("rehearsal", root, PREFIX + "r-", rehearsal, REHEARSAL_RATE);
          extra.awaitLog("fleet: \\d+ of \\d+ agents connected", Duration.ofSeconds(120));
          extra.kill9();
          ListingCost.awaitAll(any, agents, Duration.ofSeconds(120));
        }
        ListingCost.warm(survivors.values(), warmListings);
        double idleFleets = CpuTime.cores(fleet, IDLE_LOOK);
        double idleHubs = CpuTime.cores(List.of(hubs), IDLE_LOOK);
        ListingCost listing = ListingCost.measure(any, List.of(hubs), 5);
        long heapBefore = hubs[0].heapUsed(true) >> 20;
        List<String> probe = new ArrayList<>(onHub1.subList(0, Math.min(sample, onHub1.size())));

        hubs[0].kill9();
        long killed = System.nanoTime();
        Map<String, Long> listedBy = new ConcurrentHashMap<>();
        Map<String, Integer> failures = new java.util.TreeMap<>();
        Map<String, Long> lastOf = new java.util.TreeMap<>();
        Map<String, Set<String>> answered = new HashMap<>();
        survivors.keySet().forEach(h -> answered.put(h, new HashSet<>()));
        long answeredAt = -1;
        int peak = 0;
        int lastMoved = 0;
        int[] moved = {0};
        List<String> looks = java.util.Collections.synchronizedList(new ArrayList<>());
        long lastCount = killed;
        long deadline = killed + TimeUnit.SECONDS.toNanos(120);
        boolean dumped = false;
        while ((listedBy.size() < survivors.size() || answeredAt < 0)
            && System.nanoTime() < deadline) {
          long round = System.nanoTime();
          if (!dumped && ms(killed) > 30_000) { // not whole yet: what do the survivors do?
            dumped = true;
            System.out.println("  threads: " + hubs[1].dumpThreads() + " " + hubs[2].dumpThreads());
          }
          // Each survivor's listing and its probe calls run side by side, and each is timed when
          // it ends: a slow listing (a query over the whole registry during the storm) does not
          // delay when the probes are seen to answer, nor the other way round.
          List<Future<?>> pending = new ArrayList<>();
          Map<String, Long> probedAt = new ConcurrentHashMap<>();
          for (Map.Entry<String, Dialback> s : survivors.entrySet()) {
            String hub = s.getKey();
            if (!listedBy.containsKey(hub)) {
              long lookStart = System.nanoTime();
              pending.add(
                  look(s.getValue(), onHub1)
                      .onComplete(
                          ar ->
                              looks.add(
                                  (ar.succeeded()
                                          ? (ar.result().whole() ? "whole" : "partial")
                                          : "failed")
                                      + " "
                                      + ms(lookStart)
                                      + " ms, ended at "
                                      + ms(killed)))
                      .onSuccess(
                          look -> {
                            synchronized (listedBy) {
                              if (look.whole()) {
                                listedBy.putIfAbsent(hub, ms(killed));
                              }
                              if (hub.equals("hub2")) {
                                moved[0] = look.back();
                              }
                            }
                          }));
            }
            Set<String> ok = answered.get(hub);
            List<Future<JsonObject>> calls = new ArrayList<>();
            List<String> asked = new ArrayList<>();
            for (String agent : probe) {
              if (!ok.contains(agent)) {
                asked.add(agent);
                calls.add(
                    s.getValue()
                        .withTimeout(Duration.ofSeconds(1))
                        .call(
                            "agent." + agent + ".fs.stat",
                            new JsonObject().put("path", "hello.txt")));
              }
            }
            pending.add(
                Future.join(calls)
                    .transform(ar -> Future.succeededFuture())
                    .onComplete(ar -> probedAt.put(hub, ms(killed)))
                    .map(
                        v -> {
                          synchronized (answered) {
                            for (int k = 0; k < calls.size(); k++) {
                              if (calls.get(k).succeeded()) {
                                ok.add(asked.get(k));
                              } else if (calls.get(k).failed()) {
                                String kind = FleetReport.kind(calls.get(k).cause(), PREFIX);
                                failures.merge(kind, 1, Integer::sum);
                                lastOf.put(kind, ms(killed));
                              }
                            }
                          }
                          return v;
                        }));
          }
          Future.join(pending)
              .transform(ar -> Future.succeededFuture())
              .await(15, TimeUnit.SECONDS);
          // hub 1's agents that came back since the last look, per second (from hub 2's looks).
          double seconds = (System.nanoTime() - lastCount) / 1e9;
          if (seconds >= 0.5) {
            peak = Math.max(peak, (int) ((moved[0] - lastMoved) / seconds));
            lastMoved = moved[0];
            lastCount = System.nanoTime();
          }
          if (answeredAt < 0
              && answered.values().stream().allMatch(s -> s.size() == probe.size())) {
            answeredAt =
                probedAt.values().stream().mapToLong(Long::longValue).max().orElse(ms(killed));
          }
          long rest = POLL.toMillis() - ms(round);
          if (rest > 0) {
            Thread.sleep(rest);
          }
        }
        System.out.println("  sample calls that failed before answering, by cause: " + failures);
        System.out.println(
            "  listings asked of the survivors (outcome, duration, end after the kill): " + looks);
        System.out.println("  the last of each, ms after the kill: " + lastOf);
        long listed = listedBy.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        if (listedBy.size() < survivors.size()) {
          listed = -1;
        }
        long heapAfter = Math.max(hubs[1].heapUsed(true), hubs[2].heapUsed(true)) >> 20;
        long rss = Math.max(hubs[1].rssBytes(), hubs[2].rssBytes()) >> 20;
        return new FleetReport.Run(
            onHub1.size(),
            listed,
            answeredAt,
            listedBy,
            peak,
            heapBefore,
            heapAfter,
            rss,
            startMs,
            idleFleets,
            idleHubs,
            listing);
      } finally {
        parties.stopAll();
        vertx.close().await(20, TimeUnit.SECONDS);
        TestFiles.deleteTree(dir);
      }
    }

    /**
     * What {@code hub} lists now: how many of {@code moved} are back on a live hub, and whether the
     * listing is whole (every agent once, none on the dead hub); failed if it did not answer.
     */
    private Future<Look> look(Dialback hub, List<String> moved) {
      return hub.agents().timeout(10, TimeUnit.SECONDS).map(list -> Look.of(list, moved, agents));
    }
  }

  private static long ms(long since) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
  }
}
