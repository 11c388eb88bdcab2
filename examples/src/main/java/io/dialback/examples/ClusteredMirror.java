package io.dialback.examples;

import io.dialback.api.Dialback;
import io.dialback.hub.cluster.ClusterMember;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A Vert.x service that joins the hubs' cluster (no bridge connection, no token: the cluster is a
 * trusted zone) and mirrors an agent's folder, wherever in the cluster the agent is connected.
 *
 * <pre>
 * java -cp examples/target/dialback-examples.jar io.dialback.examples.ClusteredMirror \
 *     --conf conf/cluster/member.json --agent alpha --to /tmp/alpha --follow
 * </pre>
 */
@Command(
    name = "clustered-mirror",
    mixinStandardHelpOptions = true,
    versionProvider = MirrorCommand.Version.class,
    description = "Join the hubs' cluster and mirror an agent's folder into a local folder.")
public final class ClusteredMirror extends MirrorCommand {
  @Option(
      names = "--conf",
      required = true,
      description = "A conf with a cluster section, as a hub's (e.g. conf/cluster/member.json).")
  Path conf;

  @Option(
      names = "--identity",
      defaultValue = "mirror",
      description = "Who the agents see calling (default: ${DEFAULT-VALUE}).")
  String identity;

  private Vertx vertx;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClusteredMirror()).execute(args));
  }

  @Override
  Dialback connect() throws Exception {
    vertx = ClusterMember.join(conf).await(60, TimeUnit.SECONDS);
    return Dialback.over(vertx, identity);
  }

  @Override
  void disconnect() {
    if (vertx != null) {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("mirror: leaving the cluster: " + e.getMessage());
      }
    }
  }
}
