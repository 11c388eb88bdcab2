package io.dialback.hub;

import io.dialback.conf.Launcher;
import io.dialback.hub.cluster.ClusterConfig;
import io.dialback.hub.cluster.HubCluster;
import io.dialback.hub.metrics.MetricsSetup;
import io.dialback.logging.OwnLogging;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar dialback-hub.jar -conf conf/hub.json}: starts a hub and runs until stopped. */
@Command(
    name = "dialback-hub",
    mixinStandardHelpOptions = true,
    versionProvider = HubMain.Version.class,
    subcommands = TokenCommand.class,
    description = "Runs a dialback hub: the bridge port agents and clients dial.")
public final class HubMain implements Callable<Integer> {

  @Option(
      names = {"-conf", "--conf"},
      paramLabel = "FILE|JSON",
      description = "Hub conf: a JSON file or inline JSON (default: built-in defaults).")
  String conf;

  public static void main(String[] args) {
    OwnLogging.use();
    // Before Hazelcast's first log line, which would otherwise go through java.util.logging.
    System.setProperty("hazelcast.logging.type", "slf4j");
    int code = new CommandLine(new HubMain()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Option(
      names = {"-cluster", "--cluster"},
      description = "Join the hub cluster described by the conf's cluster section.")
  boolean cluster;

  @Override
  public Integer call() {
    AtomicReference<ClusterManager> manager = new AtomicReference<>();
    Launcher.Started started =
        new Launcher("dialback-hub", System.err)
            .deploy(
                conf,
                json -> {
                  if (cluster) {
                    JsonObject section = json.getJsonObject("cluster", new JsonObject());
                    json.put("cluster", section.put("enabled", true));
                  }
                  HubConfig hub = HubConfig.from(json, System.getenv());
                  ClusterConfig cfg = hub.cluster();
                  boolean meters = hub.admin().enabled() && hub.admin().vertxMetrics();
                  if (!cfg.enabled()) {
                    return Future.succeededFuture(
                        MetricsSetup.builder(new VertxOptions(), meters).build());
                  }
                  HazelcastClusterManager hz = HubCluster.clusterManager(cfg);
                  manager.set(hz);
                  return MetricsSetup.builder(HubCluster.options(cfg), meters)
                      .withClusterManager(hz)
                      .buildClustered();
                },
                new HubVerticle(System.getenv(), manager::get, confFile()));
    return started.exitCode(); // Vert.x keeps the process running until SIGTERM
  }

  /** The conf file to watch for token changes, or null when the conf was inline JSON. */
  private java.nio.file.Path confFile() {
    return conf == null || conf.trim().startsWith("{") ? null : java.nio.file.Path.of(conf);
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = HubMain.class.getPackage().getImplementationVersion();
      return new String[] {"dialback-hub " + (version == null ? "(development)" : version)};
    }
  }
}
