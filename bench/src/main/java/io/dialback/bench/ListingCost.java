package io.dialback.bench;

import io.dialback.api.Dialback;
import io.dialback.testkit.JavaProcess;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one {@code hub.agents.list} of a whole fleet costs, averaged over a few listings one after
 * another: its time as the caller sees it, and the CPU time the hubs spent meanwhile ({@code
 * /proc}), every hub's, as a listing reads the registry from all of them.
 */
record ListingCost(double ms, double hubCpuMs) {
  static ListingCost measure(Dialback hub, List<JavaProcess> hubs, int times) throws Exception {
    hub.agents().await(30, TimeUnit.SECONDS); // warm
    double cpu0 = CpuTime.seconds(hubs);
    long t0 = System.nanoTime();
    for (int i = 0; i < times; i++) {
      hub.agents().await(30, TimeUnit.SECONDS);
    }
    double ms = (System.nanoTime() - t0) / 1e6 / times;
    return new ListingCost(ms, (CpuTime.seconds(hubs) - cpu0) * 1000 / times);
  }

  /** Asks each of {@code hubs} for the whole listing {@code times} times, one after another. */
  static void warm(Collection<Dialback> hubs, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      for (Dialback hub : hubs) {
        hub.agents().await(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Waits until {@code hub} lists {@code agents} agents. */
  static void awaitAll(Dialback hub, int agents, Duration wait) throws Exception {
    long end = System.nanoTime() + wait.toNanos();
    int seen = 0;
    while (System.nanoTime() < end) {
      seen = hub.agents().await(30, TimeUnit.SECONDS).size();
      if (seen == agents) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("only " + seen + " of " + agents + " agents listed");
  }
}
