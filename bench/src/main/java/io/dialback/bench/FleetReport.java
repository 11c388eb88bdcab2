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

  static String markdown(
      List<Run> done,
      int agents,
      int fleets,
      int startRate,
      int sample,
      Duration poll,
      String hubHeap) {
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
                + " sees it and in the three hubs' CPU time (mean of five in a row). Each run starts"
                + " a fresh cluster.%n%n",
            hubHeap,
            agents,
            fleets,
            startRate,
            sample,
            poll.toMillis()));
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
}
