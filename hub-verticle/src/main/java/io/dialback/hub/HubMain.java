package io.dialback.hub;

import io.dialback.conf.Launcher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar dialback-hub.jar -conf conf/hub.json}: starts a hub and runs until stopped. */
@Command(
    name = "dialback-hub",
    mixinStandardHelpOptions = true,
    versionProvider = HubMain.Version.class,
    description = "Runs a dialback hub: the bridge port agents and clients dial.")
public final class HubMain implements Callable<Integer> {

  @Option(
      names = {"-conf", "--conf"},
      paramLabel = "FILE|JSON",
      description = "Hub conf: a JSON file or inline JSON (default: built-in defaults).")
  String conf;

  public static void main(String[] args) {
    int code = new CommandLine(new HubMain()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() {
    Launcher.Started started =
        new Launcher("dialback-hub", System.err)
            .deploy(conf, json -> Future.succeededFuture(Vertx.vertx()), new HubVerticle());
    return started.exitCode(); // Vert.x keeps the process running until SIGTERM
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
