package io.dialback.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers that cannot report the port they took.
 *
 * <p>They come from below the kernel's ephemeral range, never from it: a port handed out here is
 * bound by its server only a moment later, and meanwhile any process that binds port 0 (a hub's
 * event bus or hub links, a client's outgoing connection) takes its port from the ephemeral range.
 * FrozenHubUnderLoadTest once failed so: one hub's link port, bound to port 0, took the bridge port
 * the test had reserved for the next hub ("Address already in use").
 */
public final class Ports {
  private static final InetAddress LOOPBACK = loopback();
  private static final int[] RANGE = range();

  private Ports() {}

  /** A port that was free on 127.0.0.1 a moment ago, outside the ephemeral range. */
  public static int free() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = RANGE[0] + random.nextInt(RANGE[1] - RANGE[0] + 1);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(LOOPBACK, port), 1);
        return port;
      } catch (IOException e) {
        // taken: try another
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ports below the ephemeral range (Linux's, when it can be read; else its default). */
  private static int[] range() {
    int ephemeralLow = 32768;
    try {
      // Read as lines: a /proc file reports size 0, and Files.readString then reads one byte.
      String[] bounds =
          Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
              .get(0)
              .trim()
              .split("\\s+");
      int low = Integer.parseInt(bounds[0]);
      if (low >= 4096 && low <= 65535) {
        ephemeralLow = low;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the default
    }
    int high = Math.min(ephemeralLow - 1, 32767);
    return new int[] {Math.min(20000, high - 1000), high};
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
