package io.dialback.conf;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code java -jar dialback-*.jar -conf FILE} does: load the conf, start Vert.x, deploy the
 * verticle, and stop gracefully on SIGTERM. Conf mistakes end the process with exit code 2 and a
 * message that names the key; other start-up failures with exit code 1.
 */
public final class Launcher {
  private static final Logger log = LoggerFactory.getLogger(Launcher.class);

  /** Exit code for a conf mistake (and a refused login, which is one). */
  public static final int CONF_ERROR = 2;

  private final String program;
  private final PrintStream err;

  public Launcher(String program, PrintStream err) {
    this.program = program;
    this.err = err;
  }

  /** A started deployment, or the exit code that ended the attempt. */
  public record Started(Vertx vertx, int exitCode) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Loads {@code conf}, makes a Vert.x with {@code vertxFactory} (which may read the conf, e.g. to
   * cluster), deploys {@code verticle} with the conf as its config, and registers the shutdown hook
   * that undeploys it (the verticle's {@code stop()} drains) on SIGTERM.
   */
  public Started deploy(
      String conf, Function<JsonObject, Future<Vertx>> vertxFactory, Deployable verticle) {
    JsonObject json;
    Vertx bootstrap = Vertx.vertx();
    try {
      json = ConfFiles.load(bootstrap, conf).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return failed(null, e);
    } finally {
      bootstrap.close();
    }
    Vertx vertx;
    try {
      vertx = vertxFactory.apply(json).await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      return failed(null, e);
    }
    try {
      vertx
          .deployVerticle(verticle, new DeploymentOptions().setConfig(json))
          .await(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      return failed(vertx, e);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("{} stopping", program);
                  try {
                    vertx.close().await(30, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    log.warn("{} did not stop cleanly: {}", program, e.toString());
                  }
                  log.info("{} stopped", program);
                },
                program + "-shutdown"));
    return new Started(vertx, 0);
  }

  private Started failed(Vertx vertx, Exception e) {
    boolean confMistake = e instanceof ConfigException;
    err.println(program + ": " + (confMistake ? "" : "failed to start: ") + e.getMessage());
    if (vertx != null) {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
    return new Started(null, confMistake ? CONF_ERROR : 1);
  }
}
