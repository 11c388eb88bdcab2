package io.dialback.examples;

import io.dialback.api.AgentInfo;
import io.dialback.api.Dialback;
import io.dialback.api.DialbackException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Option;

/**
 * What both mirror programs do once they can reach the agents: list them, mirror one agent's
 * folder, and with {@code --follow} keep it in step until stopped (Ctrl-C, SIGTERM). Exit codes: 0
 * done, 1 the mirror failed, 2 a usage mistake, 3 the hubs could not be reached.
 */
abstract class MirrorCommand implements Callable<Integer> {
  /** The version from the jar's manifest. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = MirrorCommand.class.getPackage().getImplementationVersion();
      return new String[] {"dialback-examples " + (v == null ? "dev" : v)};
    }
  }

  static final int FAILED = 1;
  static final int UNREACHABLE = 3;

  @Option(names = "--agent", required = true, description = "The agent whose folder to mirror.")
  String agent;

  @Option(
      names = "--from",
      defaultValue = "",
      description = "The agent's folder, relative to its root (default: the root).")
  String from;

  @Option(names = "--to", required = true, description = "The local folder to mirror into.")
  Path to;

  @Option(names = "--follow", description = "Then apply the agent's file changes until stopped.")
  boolean follow;

  /** Reaches the agents; fails when the hubs cannot be reached. */
  abstract Dialback connect() throws Exception;

  /** Lets go of the hubs (closes the connection, or leaves the cluster). */
  abstract void disconnect();

  @Override
  public Integer call() {
    Dialback dialback;
    try {
      dialback = connect();
    } catch (Exception e) {
      System.err.println("mirror: cannot reach the hubs: " + e.getMessage());
      return UNREACHABLE;
    }
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                done.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      List<AgentInfo> agents = dialback.blocking().agents();
      System.out.println("agents: " + agents.stream().map(AgentInfo::name).sorted().toList());
      FolderMirror mirror = new FolderMirror(dialback.agent(agent), from, to, System.out);
      FolderMirror.Result result = mirror.mirror();
      System.out.printf(
          "mirrored %s:%s to %s: %d copied (%d bytes), %d unchanged%n",
          agent, from, to, result.copied(), result.bytes(), result.unchanged());
      if (follow) {
        mirror.follow(stop);
      }
      return 0;
    } catch (DialbackException e) {
      System.err.println("mirror: " + e.getMessage());
      return FAILED;
    } catch (Exception e) {
      System.err.println("mirror: " + e);
      return FAILED;
    } finally {
      disconnect();
      done.countDown();
      if (!stop.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
  }
}
