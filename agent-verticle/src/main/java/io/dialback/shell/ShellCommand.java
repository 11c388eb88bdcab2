package io.dialback.shell;

import io.dialback.agent.AgentVerticle;
import io.dialback.client.BridgeClient;
import io.dialback.client.LoginReply;
import io.dialback.client.ProxySettings;
import io.dialback.conf.HubAddress;
import io.dialback.wire.Wire;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dialback-agent.jar shell --hub HOST:PORT --token T [COMMAND ARGS]}: an interactive
 * session, or one command for scripts (each command is a subcommand with its own {@code --help}).
 * With {@code --share DIR} the shell is itself an agent that shares DIR while it runs, as in the
 * original {@code share} program.
 */
@Command(
    name = "shell",
    mixinStandardHelpOptions = true,
    versionProvider = ShellCommand.Version.class,
    modelTransformer = Commands.AddCommands.class,
    subcommands = CommandLine.HelpCommand.class,
    description = {
      "Browse and move files of agents through a hub.",
      "Without COMMAND: an interactive session (history, Tab completion; Ctrl-C cancels a"
          + " transfer, twice at the prompt leaves).",
      "With COMMAND: runs it and exits 0 on success, 1 if it failed, 2 on a usage mistake,"
          + " 3 if the hub cannot be reached or refuses the login. COMMAND --help for each."
    })
public final class ShellCommand extends SessionOwner implements Callable<Integer> {
  public static final int NO_CONNECTION = Shell.NO_CONNECTION;

  @Option(
      names = "--hub",
      scope = CommandLine.ScopeType.INHERIT,
      split = ",",
      paramLabel = "HOST:PORT|ws[s]://HOST:PORT/PATH",
      defaultValue = "${env:DIALBACK_HUB}",
      description =
          "Hub(s) to dial, in order (repeat or separate with commas; default: $DIALBACK_HUB): a"
              + " bridge port, or a hub's WebSocket endpoint.")
  List<String> hubs;

  @Option(
      names = "--proxy",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "URL",
      defaultValue = "${env:HTTPS_PROXY}",
      description =
          "Dial through this proxy: http://[USER:PASS@]HOST:PORT (CONNECT) or socks5://HOST:PORT"
              + " (default: $HTTPS_PROXY; hosts in $NO_PROXY are dialled directly).")
  String proxy;

  @Option(
      names = "--token",
      scope = CommandLine.ScopeType.INHERIT,
      defaultValue = "${env:DIALBACK_TOKEN}",
      description = "Token to log in with (default: $DIALBACK_TOKEN, which keeps it out of ps).")
  String token;

  @Option(
      names = "--connect-timeout",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "SECONDS",
      defaultValue = "10",
      description =
          "Give up on a hub that has not answered after this long (default: ${DEFAULT-VALUE}).")
  double connectTimeoutSeconds;

  @Option(
      names = "--share",
      paramLabel = "DIR",
      description = "Also share DIR as an agent (needs an agent token).")
  Path share;

  @Option(names = "--name", description = "Agent name when sharing (default: this machine's name).")
  String name;

  @Option(names = "--writable", description = "When sharing, accept uploads into DIR.")
  boolean writable;

  @Option(
      names = "--tls",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Dial the hub over TLS.")
  boolean tls;

  @Option(
      names = "--trust",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "PEM",
      description = "With --tls: trust this certificate (e.g. the hub's self-signed one).")
  Path trust;

  @Option(
      names = "--pin",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "SHA256",
      description =
          "With --tls: trust exactly the hub certificate with this fingerprint (as the hub prints it).")
  String pin;

  @Option(
      names = "--no-verify-host",
      scope = CommandLine.ScopeType.INHERIT,
      description = "With --tls: do not check the certificate names the hub's host.")
  boolean noVerifyHost;

  private Session session;
  private Vertx vertx;

  @Override
  synchronized Session session() {
    if (session == null) {
      boolean onTerminal = System.console() != null;
      session =
          new Session(
              System.out,
              System.err,
              onTerminal ? new TerminalProgress() : Shell.Progress.NONE,
              this::connect);
    }
    return session;
  }

  /**
   * Makes usage mistakes of the shell and its commands in {@code line} (the program's command line,
   * with {@code shell} among its commands) one line and a hint on stderr, exit code 2.
   */
  public static CommandLine handleMistakes(CommandLine line) {
    return Commands.handleMistakes(line, System.err);
  }

  /** One command ran from the command line: let go of the hub at once, the process ends. */
  @Override
  void done() {
    close();
  }

  @Override
  public Integer call() throws Exception {
    Session s = session();
    LoginReply login;
    BridgeClient client;
    try {
      s.dialback();
      client = s.client();
      login = client.login();
    } catch (Session.NoConnection e) {
      System.err.println(e.getMessage());
      return Shell.NO_CONNECTION;
    }
    try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
      String sharing =
          share == null ? "" : ", sharing " + share.toAbsolutePath() + " as " + login.identity();
      new InteractiveShell(s, terminal)
          .run(
              "dialback shell: connected to "
                  + Printable.of(login.hub())
                  + " as "
                  + Printable.of(login.identity())
                  + sharing);
    } finally {
      close();
    }
    return Shell.OK;
  }

  private void close() {
    if (session != null && share == null) {
      session.close(); // says goodbye to the hub; the process ends without waiting for Vert.x
    }
  }

  /** Connects (called by the session when a command first needs the hub). */
  private BridgeClient connect() {
    quietLogs();
    if (hubs == null || hubs.isEmpty()) {
      throw new Session.NoConnection(
          "dialback: give the hub with --hub HOST:PORT, or set DIALBACK_HUB");
    }
    if (token == null || token.isBlank()) {
      throw new Session.NoConnection("dialback: --token (or DIALBACK_TOKEN) is required");
    }
    for (String hub : hubs) {
      try {
        HubAddress.parse(hub);
      } catch (IllegalArgumentException e) {
        throw new Session.NoConnection("dialback: --hub: " + e.getMessage());
      }
    }
    ProxySettings proxySettings;
    try {
      proxySettings = proxySettings();
    } catch (IllegalArgumentException e) {
      throw new Session.NoConnection("dialback: --proxy: " + e.getMessage());
    }
    if (vertx == null) {
      // Small: a shell needs one connection, and no cache of class-path files.
      vertx =
          Vertx.vertx(
              new VertxOptions()
                  .setEventLoopPoolSize(2)
                  .setWorkerPoolSize(4)
                  .setFileSystemOptions(
                      new FileSystemOptions()
                          .setFileCachingEnabled(false)
                          .setClassPathResolvingEnabled(false)));
    }
    Duration timeout = Duration.ofMillis(Math.max(100, (long) (connectTimeoutSeconds * 1000)));
    HubDialer.Target target =
        new HubDialer.Target(hubs, token, tls, trust, pin, noVerifyHost, timeout, proxySettings);
    return share == null ? HubDialer.dial(vertx, target) : shareAndConnect(timeout);
  }

  /**
   * The shell reports what goes wrong itself; its stderr is for the user, not for logs. Unless a
   * log level is asked for (or it shares a folder, as an agent), it starts no logging at all:
   * configuring Logback took a third of a one-shot command's time. Netty's JFR probe goes too.
   */
  private void quietLogs() {
    if (System.getenv("DIALBACK_LOG_LEVEL") == null && share == null) {
      System.setProperty("slf4j.internal.verbosity", "WARN");
      System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
    }
    if (System.getenv("DIALBACK_LOG_LEVEL") == null) {
      System.setProperty("DIALBACK_LOG_LEVEL", "ERROR");
    }
    if (System.getenv("DIALBACK_AUDIT_LEVEL") == null) {
      System.setProperty("DIALBACK_AUDIT_LEVEL", "WARN");
    }
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
  }

  private BridgeClient shareAndConnect(Duration timeout) {
    if (!Files.isDirectory(share)) {
      throw new Session.NoConnection("dialback: --share: " + share + " is not a directory");
    }
    String agentName = name != null ? name : defaultName();
    if (!Wire.isValidAgentName(agentName)) {
      throw new Session.NoConnection(
          "dialback: --name: \"" + agentName + "\" is not a valid agent name");
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
    try {
      vertx
          .deployVerticle(agent, new DeploymentOptions().setConfig(conf))
          .await(30, TimeUnit.SECONDS);
      agent.connected().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new Session.NoConnection(
          "dialback: cannot share as " + agentName + ": " + Printable.of(Shell.describe(e)));
    }
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

  /** This machine's name, made into a valid agent name. */
  private static String defaultName() {
    String host = AgentVerticle.hostName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
    host = host.replaceAll("^[^a-z0-9]+", "");
    return host.isEmpty() ? "shell" : host.length() > 64 ? host.substring(0, 64) : host;
  }

  /** The version from the jar's manifest. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"dialback shell " + AgentVerticle.version()};
    }
  }
}
