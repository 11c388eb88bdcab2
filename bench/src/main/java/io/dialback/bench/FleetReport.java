package io.dialback.bench;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@link FleetBench} measured, as the Fleet section of the report. */
final class FleetReport {
  private FleetReport() {}

  /** What one kill measured. */
  record Run(
      int moved,
      long listedMs,
      long answeredMs,
      Map<String, Long> listedMsBy,
      int peakLoginsPerSecond,
      long heapBeforeMib,
      long heapAfterMib,
      long rssAfterMib,
      long startMs,
      double idleFleetCores,
      double idleHubCores,
      ListingCost listing) {}

  /** One run's line on the console. */
  static String summary(int run, Run r, int sample) {
    return String.format(
        Locale.ROOT,
        "run %d: %d agents moved; all listed once on both survivors after %d ms, a sample of %d"
            + " answered from both after %d ms; peak %d logins/s; heap %d → %d MiB; idle before"
            + " the kill: fleets %.2f cores, hubs %.2f; a whole listing %.0f ms, %.0f ms of the"
            + " hubs' CPU",
        run,
        r.moved(),
        r.listedMs(),
        sample,
        r.answeredMs(),
        r.peakLoginsPerSecond(),
        r.heapBeforeMib(),
        r.heapAfterMib(),
        r.idleFleetCores(),
        r.idleHubCores(),
        r.listing().ms(),
        r.listing().hubCpuMs());
  }

  /** How the runs were set up. */
  record Setup(
      int agents,
      int fleets,
      int startRate,
      int sample,
      Duration poll,
      String hubHeap,
      String fleetJit,
      int warmListings,
      int rehearsal) {}

  /**
   * The fleet processes' JVM options for {@code jit}: {@code c1} compiles with C1 only. The fleets
   * stand in for agents on machines of their own; on the benchmark's two cores their JIT compiler
   * took a quarter of a core from the hubs in the storm after the kill (docs/clustering.md).
   */
  static List<String> fleetJvm(String jit) {
    return switch (jit) {
      case "c1" -> List.of("-Xmx2g", "-XX:TieredStopAtLevel=1");
      case "full" -> List.of("-Xmx2g");
      default -> throw new IllegalArgumentException("--fleet-jit is c1 or full, not " + jit);
    };
  }

  static String markdown(List<Run> done, Setup setup) {
    int agents = setup.agents();
    int sample = setup.sample();
    StringBuilder md = new StringBuilder("## A hub killed under a fleet\n\n");
    md.append("Written by `io.dialback.bench.FleetBench` on ")
        .append(LocalDate.now())
        .append(" (")
        .append(Machine.cpu())
        .append("). Rerun with:\n\n```\n")
        .append(
            "mvn -B -q package -DskipTests && java -cp bench/target/dialback-bench.jar"
                + " io.dialback.bench.FleetBench --agents "
                + agents
                + " --runs "
                + done.size()
                + (setup.fleetJit().equals("c1") ? "" : " --fleet-jit " + setup.fleetJit())
                + (setup.warmListings() == 40 ? "" : " --warm-listings " + setup.warmListings())
                + (setup.rehearsal() == agents / 3 ? "" : " --rehearsal " + setup.rehearsal())
                + "\n")
        .append("```\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Three hub processes in a cluster (`-Xmx%s`, the default conf otherwise), %,d real agents"
                + " (`AgentVerticle`s) in %d processes, spread over the hubs, started at %d a second"
                + " each, with default reconnect settings; then kill -9 of hub 1. Times are from the kill: until each surviving"
                + " hub's `hub.agents.list` holds every agent exactly once and none on the dead hub,"
                + " and until %d of the agents that were on hub 1 answer `fs.stat` from both"
                + " survivors (asked every %d ms, each call with a 1 s timeout). Logins/s is the"
                + " fastest rate at which hub 1's agents reappeared in the list, over half-second"
                + " looks or longer. Heap is used heap after a full GC (`jcmd`). Idle cores: what the"
                + " fleet processes and the three hubs kept busy over 5 s before the kill, everything"
                + " connected and no call made (`/proc/<pid>/stat`). A listing: one"
                + " `hub.agents.list` of the whole fleet from hub 2 before the kill, as the caller"
                + " sees it and in the three hubs' CPU time (mean of five in a row). Before the kill,"
                + " so that the hubs run compiled code, as hubs that have served a while do: %s,"
                + " and %d listings asked of each survivor. The fleet processes stand in for agents"
                + " on machines of their own and %s. Each run starts a fresh cluster.%n%n",
            setup.hubHeap(),
            agents,
            setup.fleets(),
            setup.startRate(),
            sample,
            setup.poll().toMillis(),
            setup.rehearsal() > 0
                ? String.format(
                    Locale.ROOT,
                    "a rehearsal (a fleet process of %,d more agents logs in at 2,000 a second and"
                        + " is killed)",
                    setup.rehearsal())
                : "no rehearsal",
            setup.warmListings(),
            setup.fleetJit().equals("c1")
                ? "compile with C1 only (`-XX:TieredStopAtLevel=1`), so their JIT takes less of"
                    + " the hubs' cores"
                : "run the JVM's full JIT"));
    md.append(
        "| run | agents on hub 1 | all listed once, ms | sample answering, ms | peak logins/s |"
            + " hub 1 heap before, MiB | survivors' heap after, MiB | survivors' RSS, MiB |"
            + " idle cores, fleets / hubs | a listing, ms / hubs' CPU ms |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    int i = 0;
    List<Long> listed = new ArrayList<>();
    List<Long> answered = new ArrayList<>();
    for (Run r : done) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %,d | %s | %s | %,d | %d | %d | %d | %.2f / %.2f | %.0f / %.0f |%n",
              ++i,
              r.moved(),
              r.listedMs() < 0
                  ? "not within 120 s"
                  : String.format(Locale.ROOT, "%,d", r.listedMs()),
              r.answeredMs() < 0
                  ? "not within 120 s"
                  : String.format(Locale.ROOT, "%,d", r.answeredMs()),
              r.peakLoginsPerSecond(),
              r.heapBeforeMib(),
              r.heapAfterMib(),
              r.rssAfterMib(),
              r.idleFleetCores(),
              r.idleHubCores(),
              r.listing().ms(),
              r.listing().hubCpuMs()));
      listed.add(r.listedMs() < 0 ? Long.MAX_VALUE : r.listedMs());
      answered.add(r.answeredMs() < 0 ? Long.MAX_VALUE : r.answeredMs());
    }
    md.append('\n')
        .append(target("every agent listed once", listed))
        .append(target("a sample of " + sample + " answers from every survivor", answered));
    return md.toString();
  }

  private static String target(String what, List<Long> ms) {
    List<Long> sorted = new ArrayList<>(ms);
    sorted.sort(null);
    long median = sorted.get(sorted.size() / 2);
    long worst = sorted.get(sorted.size() - 1);
    return String.format(
        Locale.ROOT,
        "target %s after a kill -9, median %s, worst %s (goal ≤ 5 s): %s%n%n",
        what,
        median == Long.MAX_VALUE ? "—" : String.format(Locale.ROOT, "%.1f s", median / 1000.0),
        worst == Long.MAX_VALUE ? "—" : String.format(Locale.ROOT, "%.1f s", worst / 1000.0),
        worst <= 5000 ? "met" : "MISSED");
  }

  /** A failure's message without the agent's name, to count failures by cause. */
  static String kind(Throwable cause, String agentPrefix) {
    String m = String.valueOf(cause.getMessage()).replaceAll(agentPrefix + "[0-9-]+", "<agent>");
    return m.length() > 60 ? m.substring(0, 60) : m;
  }
}
