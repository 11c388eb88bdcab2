package io.dialback.shell;

import io.dialback.agent.AgentVerticle;
import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.client.LoginReply;
import io.dialback.client.ProxySettings;
import io.dialback.conf.HubAddress;
import io.dialback.wire.Wire;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dialback-agent.jar shell --hub HOST:PORT --token T [COMMAND ARGS]}: an interactive
 * session, or one command for scripts. With {@code --share DIR} the shell is itself an agent that
 * shares DIR while it runs, as in the original {@code share} program.
 */
@Command(
    name = "shell",
    mixinStandardHelpOptions = true,
    description = {
      "Browse and fetch files of agents through a hub.",
      "Without COMMAND: an interactive session (history, Tab completion).",
      "With COMMAND: runs it and exits 0 on success, 1 if it failed, 2 on a usage mistake,"
          + " 3 if the hub cannot be reached or refuses the login.",
      "Commands: list | ls AGENT[:PATH] | stat AGENT:PATH | cat AGENT:PATH"
          + " | get AGENT:PATH [DEST] | put LOCAL AGENT:PATH | help"
    })
public final class ShellCommand implements Callable<Integer> {
  public static final int NO_CONNECTION = 3;

  @Option(
      names = "--hub",
      required = true,
      split = ",",
      paramLabel = "HOST:PORT|ws[s]://HOST:PORT/PATH",
      description =
          "Hub(s) to dial, in order (repeat or separate with commas): a bridge port, or a hub's"
              + " WebSocket endpoint.")
  List<String> hubs;

  @Option(
      names = "--proxy",
      paramLabel = "URL",
      defaultValue = "${env:HTTPS_PROXY}",
      description =
          "Dial through this proxy: http://[USER:PASS@]HOST:PORT (CONNECT) or socks5://HOST:PORT"
              + " (default: $HTTPS_PROXY; hosts in $NO_PROXY are dialled directly).")
  String proxy;

  @Option(
      names = "--token",
      defaultValue = "${env:DIALBACK_TOKEN}",
      description = "Token to log in with (default: $DIALBACK_TOKEN, which keeps it out of ps).")
  String token;

  @Option(
      names = "--share",
      paramLabel = "DIR",
      description = "Also share DIR as an agent (needs an agent token).")
  Path share;

  @Option(names = "--name", description = "Agent name when sharing (default: this machine's name).")
  String name;

  @Option(names = "--writable", description = "When sharing, accept uploads into DIR.")
  boolean writable;

  @Option(names = "--tls", description = "Dial the hub over TLS.")
  boolean tls;

  @Option(
      names = "--trust",
      paramLabel = "PEM",
      description = "With --tls: trust this certificate (e.g. the hub's self-signed one).")
  Path trust;

  @Option(
      names = "--pin",
      paramLabel = "SHA256",
      description =
          "With --tls: trust exactly the hub certificate with this fingerprint (as the hub prints it).")
  String pin;

  @Option(
      names = "--no-verify-host",
      description = "With --tls: do not check the certificate names the hub's host.")
  boolean noVerifyHost;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "A command and its arguments; none for interactive.")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    if (System.getenv("DIALBACK_LOG_LEVEL") == null) {
      // The shell reports what goes wrong itself; its stderr is for the user, not for logs.
      System.setProperty("DIALBACK_LOG_LEVEL", "ERROR");
    }
    if (System.getenv("DIALBACK_AUDIT_LEVEL") == null) {
      System.setProperty("DIALBACK_AUDIT_LEVEL", "WARN");
    }
    if (token == null || token.isBlank()) {
      System.err.println("dialback: --token (or DIALBACK_TOKEN) is required");
      return Shell.USAGE;
    }
    try {
      hubs.forEach(HubAddress::parse);
    } catch (IllegalArgumentException e) {
      System.err.println("dialback: --hub: " + e.getMessage());
      return Shell.USAGE;
    }
    try {
      proxySettings();
    } catch (IllegalArgumentException e) {
      System.err.println("dialback: --proxy: " + e.getMessage());
      return Shell.USAGE;
    }
    boolean oneShot = command != null && !command.isEmpty();
    Vertx vertx = Vertx.vertx();
    BridgeClient client = null;
    try {
      try {
        client = share == null ? connect(vertx, oneShot) : shareAndConnect(vertx);
      } catch (IllegalArgumentException e) {
        System.err.println("dialback: " + e.getMessage());
        return Shell.USAGE;
      } catch (Exception e) {
        System.err.println(
            "dialback: cannot connect to " + String.join(",", hubs) + ": " + Shell.describe(e));
        return NO_CONNECTION;
      }
      boolean onTerminal = System.console() != null;
      Shell shell =
          new Shell(
              vertx,
              client,
              System.out,
              System.err,
              onTerminal ? new TerminalProgress() : Shell.Progress.NONE);
      if (oneShot) {
        return shell.run(command);
      }
      try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
        LoginReply login = client.login();
        String sharing =
            share == null ? "" : ", sharing " + share.toAbsolutePath() + " as " + login.identity();
        new InteractiveShell(shell, terminal)
            .run(
                "dialback shell: connected to "
                    + login.hub()
                    + " as "
                    + login.identity()
                    + sharing);
      }
      return Shell.OK;
    } finally {
      // Close the connection first: it says goodbye cleanly, and Vert.x then closes at once.
      if (client != null && share == null) {
        client.close().await(10, TimeUnit.SECONDS);
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private BridgeClient connect(Vertx vertx, boolean oneShot) throws Exception {
    ClientOptions.Builder options =
        ClientOptions.builder()
            .hubs(hubs)
            .token(token)
            .net(net())
            .backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.25)
            .proxy(proxySettings())
            .maxConnectAttempts(oneShot ? Math.max(3, hubs.size()) : -1);
    if (tls && pin != null) {
      options.pin(pin);
    }
    BridgeClient client = BridgeClient.create(vertx, options.build());
    client.connect().await(60, TimeUnit.SECONDS);
    return client;
  }

  private BridgeClient shareAndConnect(Vertx vertx) throws Exception {
    if (!Files.isDirectory(share)) {
      throw new IllegalArgumentException("--share: " + share + " is not a directory");
    }
    String agentName = name != null ? name : defaultName();
    if (!Wire.isValidAgentName(agentName)) {
      throw new IllegalArgumentException("--name: \"" + agentName + "\" is not a valid agent name");
    }
    JsonObject conf =
        new JsonObject()
            .put("name", agentName)
            .put("hubs", new JsonArray(hubs))
            .put("token", token)
            .put("root", share.toString())
            .put("writable", writable);
    if (tls) {
      conf.put(
          "tls",
          new JsonObject()
              .put("enabled", true)
              .put("verifyHost", !noVerifyHost)
              .put("trustCertPath", trust == null ? null : trust.toString())
              .put("pin", pin));
    }
    Map<String, String> proxyEnv = new java.util.HashMap<>();
    if (proxy != null && !proxy.isBlank()) {
      proxyEnv.put("HTTPS_PROXY", proxy);
      proxyEnv.put("NO_PROXY", String.join(",", noProxy()));
    }
    AgentVerticle agent = new AgentVerticle(proxyEnv);
    vertx
        .deployVerticle(agent, new DeploymentOptions().setConfig(conf))
        .await(30, TimeUnit.SECONDS);
    Future<LoginReply> connected = agent.connected();
    connected.await(60, TimeUnit.SECONDS);
    return agent.client();
  }

  /** {@code --proxy} (or {@code HTTPS_PROXY}), with {@code NO_PROXY}'s exceptions. */
  private ProxySettings proxySettings() {
    if (proxy == null || proxy.isBlank()) {
      return ProxySettings.NONE;
    }
    return new ProxySettings(ProxySettings.parseUrl(proxy.trim()), noProxy());
  }

  private static List<String> noProxy() {
    String value =
        System.getenv("NO_PROXY") != null ? System.getenv("NO_PROXY") : System.getenv("no_proxy");
    return value == null ? List.of() : List.of(value.split(","));
  }

  private NetClientOptions net() {
    NetClientOptions net = new NetClientOptions().setConnectTimeout(5_000).setTcpNoDelay(true);
    if (tls) {
      net.setSsl(true).setHostnameVerificationAlgorithm(noVerifyHost ? "" : "HTTPS");
      if (trust != null) {
        net.setTrustOptions(new PemTrustOptions().addCertPath(trust.toString()));
      }
    }
    return net;
  }

  /** This machine's name, made into a valid agent name. */
  private static String defaultName() {
    String host = AgentVerticle.hostName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    host = host.replaceAll("^[^a-z0-9]+", "");
    return host.isEmpty() ? "shell" : host.length() > 64 ? host.substring(0, 64) : host;
  }
}
