package io.dialback.hub.registry;

import com.hazelcast.map.IMap;
import io.dialback.logging.LogSafe;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds again the registry entries a renewal did not find as this hub's: gone from the map (lost in
 * a storm's partition moves, or leases that ran out), or stored under the hub's former member id
 * after a merge. A name a live hub holds now is lost. {@link #AT_ONCE} in flight at a time: one
 * after another, as before, thousands of them took seconds per thousand after a storm, while the
 * agents stayed unlisted.
 */
final class PutBack {
  private static final Logger log = LoggerFactory.getLogger(ClusteredAgentRegistry.class);

  /** Entries put back at once. */
  static final int AT_ONCE = 256;

  private PutBack() {}

  /**
   * Puts back {@code missing}, each as {@code stored} has it now, for {@code leaseMs}, as a login
   * binds ({@link BindIfFree}: a name held by a hub not in {@code members} is taken over); {@code
   * lost} hears of each name a live hub holds (with that hub). Blocks; a put that fails is left to
   * the next renewal.
   *
   * @return the bindings bound again
   */
  static List<Binding> run(
      IMap<String, String> map,
      long leaseMs,
      List<Binding> missing,
      Set<String> members,
      Function<Binding, String> stored,
      BiConsumer<Binding, String> lost) {
    List<Binding> bound = new ArrayList<>();
    if (missing.isEmpty()) {
      return bound;
    }
    StringBuilder some = new StringBuilder();
    for (Binding b : missing.subList(0, Math.min(3, missing.size()))) {
      some.append(some.length() == 0 ? "" : ", ")
          .append(LogSafe.text(b.record.name()))
          .append(" (logged in ")
          .append(Instant.ofEpochMilli(b.record.connectedAt()))
          .append(')');
    }
    log.warn(
        "{} of this hub's agent entries were not in the registry as its own, e.g. {}; binding"
            + " them again",
        missing.size(),
        some);
    for (int from = 0; from < missing.size(); from += AT_ONCE) {
      List<Binding> batch = missing.subList(from, Math.min(missing.size(), from + AT_ONCE));
      List<String> values = new ArrayList<>(batch.size());
      List<CompletableFuture<String>> puts = new ArrayList<>(batch.size());
      for (Binding b : batch) {
        String value = stored.apply(b);
        values.add(value);
        puts.add(
            map.submitToKey(b.record.name(), new BindIfFree(value, leaseMs, members))
                .toCompletableFuture());
      }
      CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0]))
          .exceptionally(e -> null)
          .join();
      for (int i = 0; i < batch.size(); i++) {
        CompletableFuture<String> put = puts.get(i);
        if (put.isCompletedExceptionally()) {
          continue;
        }
        String previous = put.join();
        if (previous == null) {
          batch.get(i).stored = values.get(i);
          bound.add(batch.get(i));
        } else {
          lost.accept(batch.get(i), new JsonObject(previous).getString("hub"));
        }
      }
    }
    return bound;
  }
}
