package io.dialback.hub;

import io.dialback.conf.ConfFiles;
import io.dialback.conf.ConfigException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
    JsonObject json;
    try {
      json = ConfFiles.load(conf);
    } catch (ConfigException e) {
      System.err.println("dialback-hub: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      vertx
          .deployVerticle(new HubVerticle(), new DeploymentOptions().setConfig(json))
          .await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // A conf mistake names its key; anything else is a start-up failure (port taken, ...).
      boolean confMistake = e instanceof ConfigException;
      System.err.println(
          "dialback-hub: " + (confMistake ? "" : "failed to start: ") + e.getMessage());
      vertx.close();
      return confMistake ? 2 : 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    vertx.close().await(10, TimeUnit.SECONDS);
                  } catch (Exception ignored) {
                    // Exiting anyway.
                  }
                },
                "dialback-hub-shutdown"));
    return 0;
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
