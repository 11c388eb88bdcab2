package io.dialback.conf;

import io.vertx.core.net.HostAndPort;
import java.util.Objects;

/** {@code host:port} as conf files and command lines write it (IPv6 literals in brackets). */
public final class HostPort {
  private HostPort() {}

  /** Parses {@code host:port}; fails with a message that quotes the input. */
  public static HostAndPort parse(String hostPort) {
    Objects.requireNonNull(hostPort, "hostPort == null");
    HostAndPort parsed = HostAndPort.parseAuthority(hostPort.trim(), -1);
    if (parsed == null || parsed.port() < 1 || parsed.port() > 65535) {
      throw new IllegalArgumentException("not a host:port: \"" + hostPort + "\"");
    }
    String host = parsed.host();
    if (host.startsWith("[") && host.endsWith("]")) {
      // An IPv6 literal: the brackets belong to the notation, not to the address.
      return HostAndPort.create(host.substring(1, host.length() - 1), parsed.port());
    }
    return parsed;
  }
}
