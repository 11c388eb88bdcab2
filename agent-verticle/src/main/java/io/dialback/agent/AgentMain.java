package io.dialback.agent;

import io.dialback.conf.ConfFiles;
import io.dialback.conf.ConfigException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar dialback-agent.jar -conf conf/agent.json}: runs an agent until stopped. */
@Command(
    name = "dialback-agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description = "Runs a dialback agent: dials its hub and shares a folder.")
public final class AgentMain implements Callable<Integer> {

  @Option(
      names = {"-conf", "--conf"},
      paramLabel = "FILE|JSON",
      description = "Agent conf: a JSON file or inline JSON.")
  String conf;

  public static void main(String[] args) {
    int code = new CommandLine(new AgentMain()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    JsonObject json;
    try {
      json = ConfFiles.load(conf);
    } catch (ConfigException e) {
      System.err.println("dialback-agent: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    AgentVerticle agent = new AgentVerticle();
    try {
      vertx
          .deployVerticle(agent, new DeploymentOptions().setConfig(json))
          .await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      boolean confMistake = e instanceof ConfigException;
      System.err.println(
          "dialback-agent: " + (confMistake ? "" : "failed to start: ") + e.getMessage());
      vertx.close();
      return confMistake ? 2 : 1;
    }
    // Run until stopped; a refused login ends the process with the setting to fix.
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger exit = new AtomicInteger();
    agent
        .connected()
        .onFailure(
            e -> {
              System.err.println("dialback-agent: " + e.getMessage());
              exit.set(2);
              done.countDown();
            });
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
                "dialback-agent-shutdown"));
    done.await();
    return exit.get();
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dialback-agent " + AgentVerticle.version()};
    }
  }
}
