package io.dialback.agent.cli;

import io.dialback.agent.AgentVerticle;
import io.dialback.conf.Launcher;
import io.dialback.logging.LogSafe;
import io.dialback.logging.OwnLogging;
import io.dialback.shell.ShellCommand;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar dialback-agent.jar -conf conf/agent.json}: runs an agent until stopped. */
@Command(
    name = "dialback-agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    subcommands = ShellCommand.class,
    description = {
      "Runs a dialback agent: dials its hub and shares a folder.",
      "The shell: dialback-agent shell --hub HOST:PORT --token T [COMMAND ARGS]"
    })
public final class AgentMain implements Callable<Integer> {

  @Option(
      names = {"-conf", "--conf"},
      paramLabel = "FILE|JSON",
      description = "Agent conf: a JSON file or inline JSON.")
  String conf;

  public static void main(String[] args) {
    OwnLogging.use();
    int code = ShellCommand.handleMistakes(new CommandLine(new AgentMain())).execute(args);
    // A shell command is done and its output flushed: end now, without waiting for Vert.x's
    // threads to wind down (that took longer than the command itself).
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    AgentVerticle agent = new AgentVerticle();
    Launcher.Started started =
        new Launcher("dialback-agent", System.err)
            .deploy(conf, json -> Future.succeededFuture(Vertx.vertx()), agent);
    if (!started.ok()) {
      return started.exitCode();
    }
    // Runs until SIGTERM; a refused login ends the process naming the setting to fix.
    CountDownLatch refused = new CountDownLatch(1);
    agent
        .connected()
        .onFailure(
            e -> {
              // The refusal quotes the hub's words.
              System.err.println("dialback-agent: " + LogSafe.text(e.getMessage(), 500));
              refused.countDown();
            });
    refused.await();
    started.vertx().close().await(10, TimeUnit.SECONDS);
    return Launcher.CONF_ERROR;
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dialback-agent " + AgentVerticle.version()};
    }
  }
}
