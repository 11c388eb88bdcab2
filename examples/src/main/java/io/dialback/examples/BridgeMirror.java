package io.dialback.examples;

import io.dialback.api.Dialback;
import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A stand-alone program that mirrors an agent's folder over the bridge, like any program in any
 * language would reach the hub: one TCP connection, a login with a client token, then requests.
 *
 * <pre>
 * java -cp examples/target/dialback-examples.jar io.dialback.examples.BridgeMirror \
 *     --hub 127.0.0.1:7000 --token demo-client-token-change-me --agent alpha --to /tmp/alpha
 * </pre>
 */
@Command(
    name = "bridge-mirror",
    mixinStandardHelpOptions = true,
    versionProvider = MirrorCommand.Version.class,
    description = "Mirror an agent's folder into a local folder, over a hub's bridge port.")
public final class BridgeMirror extends MirrorCommand {
  @Option(
      names = "--hub",
      required = true,
      split = ",",
      description = "Hub(s) as host:port, tried in order.")
  java.util.List<String> hubs;

  @Option(
      names = "--token",
      description = "A client token (default: the DIALBACK_TOKEN environment variable).")
  String token;

  private Vertx vertx;
  private BridgeClient client;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BridgeMirror()).execute(args));
  }

  @Override
  Dialback connect() throws Exception {
    String credential = token != null ? token : System.getenv("DIALBACK_TOKEN");
    if (credential == null) {
      throw new IllegalArgumentException("give --token or set DIALBACK_TOKEN");
    }
    vertx = Vertx.vertx();
    client =
        BridgeClient.create(vertx, ClientOptions.builder().hubs(hubs).token(credential).build());
    client.connect().await(30, TimeUnit.SECONDS);
    return Dialback.over(client);
  }

  @Override
  void disconnect() {
    if (vertx != null) {
      try {
        if (client != null) {
          client.close().await(10, TimeUnit.SECONDS);
        }
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("mirror: closing: " + e.getMessage());
      }
    }
  }
}
