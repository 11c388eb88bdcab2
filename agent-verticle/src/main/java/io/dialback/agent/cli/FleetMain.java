package io.dialback.agent.cli;

import io.dialback.agent.AgentVerticle;
import io.dialback.logging.OwnLogging;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A fleet of real agents in one JVM, for tests and the benchmark: {@code count} {@link
 * AgentVerticle}s from one conf, named {@code <prefix>00001} and on (a token whose {@code names}
 * holds {@code <prefix>*} enrols them all). With {@code --spread}, agent {@code i} lists the conf's
 * hubs starting at hub {@code i mod n}, so that the fleet spreads over them. Prints one line when
 * every agent is connected and runs until stopped (SIGTERM).
 */
@Command(
    name = "dialback-fleet",
    mixinStandardHelpOptions = true,
    description = "Runs many agents in one JVM (a test and benchmark tool).")
public final class FleetMain implements Callable<Integer> {
  @Option(
      names = "--conf",
      required = true,
      description = "An agent conf: hubs, token, root, reconnect; its name is ignored.")
  Path conf;

  @Option(names = "--count", required = true, description = "How many agents.")
  int count;

  @Option(names = "--prefix", defaultValue = "fleet-", description = "Names begin with this.")
  String prefix;

  @Option(names = "--spread", description = "Agent i lists the hubs from hub i mod n.")
  boolean spread;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Start at most this many agents a second (0: all at once).")
  int rate;

  public static void main(String[] args) {
    OwnLogging.use();
    System.exit(new CommandLine(new FleetMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    JsonObject template = new JsonObject(Files.readString(conf));
    JsonArray hubs = template.getJsonArray("hubs");
    Vertx vertx = Vertx.vertx();
    long start = System.nanoTime();
    List<Future<?>> connected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (rate > 0 && i > 0 && i % Math.max(1, rate / 10) == 0) {
        Thread.sleep(100); // a tenth of the rate every tenth of a second
      }
      JsonObject one = template.copy().put("name", String.format(Locale.ROOT, "%s%05d", prefix, i));
      if (spread && hubs != null && !hubs.isEmpty()) {
        JsonArray rotated = new JsonArray();
        for (int k = 0; k < hubs.size(); k++) {
          rotated.add(hubs.getValue((i + k) % hubs.size()));
        }
        one.put("hubs", rotated);
      }
      AgentVerticle agent = new AgentVerticle();
      connected.add(
          vertx
              .deployVerticle(agent, new DeploymentOptions().setConfig(one))
              .compose(id -> agent.connected()));
    }
    try {
      Future.join(connected).await(Math.max(60, count / 20), TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("fleet: not every agent connected: " + e.getMessage());
    }
    long failed = connected.stream().filter(Future::failed).count();
    System.out.printf(
        Locale.ROOT,
        "fleet: %d of %d agents connected in %d ms%n",
        count - failed,
        count,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    vertx.close().await(20, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    System.err.println("fleet: stopping: " + e);
                  }
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
