package io.dialback.demo;

import io.dialback.agent.AgentVerticle;
import io.dialback.conf.ConfFiles;
import io.dialback.conf.ConfigException;
import io.dialback.hub.HubVerticle;
import io.dialback.hub.metrics.MetricsSetup;
import io.dialback.logging.OwnLogging;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The quick start: one process with a hub ({@code hub.json}) and every agent ({@code agent*.json})
 * of a conf folder, embedded as verticles in one Vert.x, as any application can embed them. Prints
 * how to talk to them and runs until Ctrl-C.
 */
@Command(
    name = "dialback-demo",
    mixinStandardHelpOptions = true,
    versionProvider = DemoMain.Version.class,
    description = {
      "Starts a hub and the demo agents of a conf folder in one process.",
      "The agents dial the demo's hub, wherever DIALBACK_HUB_PORT moves it."
    })
public final class DemoMain implements Callable<Integer> {

  @Option(
      names = "--conf-dir",
      defaultValue = "conf",
      paramLabel = "DIR",
      description = "Folder with hub.json and agent*.json (default: ${DEFAULT-VALUE}).")
  Path confDir;

  public static void main(String[] args) {
    OwnLogging.use();
    int code = new CommandLine(new DemoMain()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    // Vert.x's own meters join the hub's on its admin port (conf/hub.json turns that on).
    Vertx vertx = MetricsSetup.builder(new VertxOptions(), true).build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx), "dialback-demo-shutdown"));
    try {
      JsonObject hubConf = load(vertx, confDir.resolve("hub.json"));
      List<Path> agentConfs = agentConfs();
      HubVerticle hub = new HubVerticle();
      try {
        vertx
            .deployVerticle(hub, new DeploymentOptions().setConfig(hubConf))
            .await(60, TimeUnit.SECONDS);
      } catch (ConfigException e) {
        throw e;
      } catch (Exception e) {
        System.err.println("dialback-demo: " + startFailure(e, hubConf));
        close(vertx);
        return 1;
      }
      List<String> agents = new ArrayList<>();
      for (Path file : agentConfs) {
        AgentVerticle agent = new AgentVerticle();
        // The demo's agents dial the demo's hub, on whatever port it took.
        JsonObject agentConf =
            load(vertx, file).put("hubs", new JsonArray().add("127.0.0.1:" + hub.actualPort()));
        vertx
            .deployVerticle(agent, new DeploymentOptions().setConfig(agentConf))
            .await(60, TimeUnit.SECONDS);
        agent.connected().await(30, TimeUnit.SECONDS);
        agents.add(
            agent.settings().name()
                + " ("
                + agent.settings().root()
                + ", "
                + (agent.settings().fs().writable() ? "writable" : "read-only")
                + ")");
      }
      agents.sort(null);
      printHowTo(hub.actualPort(), hub.httpPort(), clientToken(hubConf), agents);
      printAdmin(hub.adminPort(), hubConf);
      System.out.println("Ctrl-C stops the demo.");
      return 0;
    } catch (ConfigException e) {
      System.err.println("dialback-demo: " + e.getMessage());
      close(vertx);
      return 2;
    }
  }

  /** Why the hub did not start, in one line: a port in use says which and what to do. */
  private static String startFailure(Exception e, JsonObject hubConf) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || String.valueOf(t.getMessage()).contains("Address already in use")) {
        String port =
            System.getenv().getOrDefault("DIALBACK_HUB_PORT", hubConf.getValue("port", 7000) + "");
        return "port "
            + port
            + " is in use (another demo or hub running?): stop it, or start the demo on another"
            + " port, e.g. DIALBACK_HUB_PORT=7100 java -jar demo/target/dialback-demo.jar";
      }
    }
    return "the hub did not start: " + e.getMessage();
  }

  private List<Path> agentConfs() throws IOException {
    try (Stream<Path> files = Files.list(confDir)) {
      List<Path> confs =
          files.filter(p -> p.getFileName().toString().matches("agent.*\\.json")).sorted().toList();
      if (confs.isEmpty()) {
        throw new ConfigException("--conf-dir", "no agent*.json in " + confDir);
      }
      return confs;
    }
  }

  private static JsonObject load(Vertx vertx, Path file) throws Exception {
    return ConfFiles.load(vertx, file.toString()).await(30, TimeUnit.SECONDS);
  }

  /** The first client token of the hub's conf, to show in the examples. */
  private static String clientToken(JsonObject hubConf) {
    JsonArray tokens =
        hubConf.getJsonObject("auth", new JsonObject()).getJsonArray("tokens", new JsonArray());
    for (Object o : tokens) {
      JsonObject t = (JsonObject) o;
      if ("client".equals(t.getString("role"))) {
        return t.getString("token");
      }
    }
    return "<a client token from hub.json>";
  }

  private static void printHowTo(int port, int httpPort, String token, List<String> agents) {
    String shell =
        "java -jar agent-verticle/target/dialback-agent.jar shell --hub 127.0.0.1:"
            + port
            + " --token "
            + token;
    System.out.println();
    System.out.println(
        "dialback demo: hub on 127.0.0.1:" + port + "; agents " + String.join(", ", agents));
    System.out.println();
    System.out.println("Talk to them from another terminal:");
    System.out.println("  " + shell + "          (interactive)");
    System.out.println("  " + shell + " list");
    System.out.println("  " + shell + " ls -l alpha:");
    System.out.println("  " + shell + " cat alpha:README.txt");
    System.out.println("  " + shell + " get alpha:README.txt /tmp/");
    System.out.println("  " + shell + " put /etc/hostname beta:");
    if (httpPort > 0) {
      System.out.println(
          "Or open the web console at http://127.0.0.1:"
              + httpPort
              + "/ and log in with the token "
              + token
              + ";");
      System.out.println(
          "  agents behind a firewall that lets only HTTP(S) out can dial ws://127.0.0.1:"
              + httpPort
              + "/bridge instead.");
    }
    System.out.println(
        "From Python or Node.js, see \"Calling agents from other languages\" in README.md.");
    System.out.flush();
  }

  /** Where the hub's admin endpoints are, when its conf turns them on. */
  private static void printAdmin(int adminPort, JsonObject hubConf) {
    if (adminPort == 0) {
      return;
    }
    JsonObject admin = hubConf.getJsonObject("admin", new JsonObject());
    String base = "http://" + admin.getString("host", "127.0.0.1") + ":" + adminPort;
    String token = admin.getString("token", "<admin.token from hub.json>");
    System.out.println();
    System.out.println("Admin endpoints of the hub (docs/operations.md):");
    System.out.println("  " + base + "/metrics          Prometheus");
    System.out.println("  " + base + "/health/live      " + base + "/health/ready");
    System.out.println("  curl -H 'Authorization: Bearer " + token + "' " + base + "/api/agents");
    System.out.println("  (also /api/connections, /api/hubs; the shell's hubs command lists hubs)");
    System.out.flush();
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = DemoMain.class.getPackage().getImplementationVersion();
      return new String[] {"dialback-demo " + (v == null ? "dev" : v)};
    }
  }

  private static void close(Vertx vertx) {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // exiting anyway
    }
  }
}
