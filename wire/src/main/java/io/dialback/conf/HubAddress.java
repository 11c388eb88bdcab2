package io.dialback.conf;

import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a hub takes bridge connections, as conf files and command lines write it: {@code host:port}
 * for its bridge port (TCP, with TLS when the client's TLS is on), or {@code ws://host:port/path} /
 * {@code wss://host:port/path} for its WebSocket endpoint (the same frames, one per binary message;
 * {@code wss} is TLS whatever else is set).
 *
 * @param path the WebSocket path ({@code /bridge} by default); {@code null} for TCP
 */
public record HubAddress(Scheme scheme, String host, int port, String path) {

  /** How the bridge connection is carried. */
  public enum Scheme {
    TCP,
    WS,
    WSS
  }

  /** The path a hub serves the bridge on over WebSocket unless its conf says otherwise. */
  public static final String DEFAULT_PATH = "/bridge";

  public HubAddress {
    Objects.requireNonNull(scheme, "scheme == null");
    Objects.requireNonNull(host, "host == null");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535: " + port);
    }
    if (scheme == Scheme.TCP ? path != null : path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with / (and only for ws/wss): " + path);
    }
  }

  /** A bridge port over TCP. */
  public static HubAddress tcp(String host, int port) {
    return new HubAddress(Scheme.TCP, host, port, null);
  }

  /**
   * Parses {@code host:port}, {@code ws://host:port/path} or {@code wss://host:port/path} (port
   * defaults 80 and 443, path {@code /bridge}); fails with a message that quotes the input.
   */
  public static HubAddress parse(String text) {
    Objects.requireNonNull(text, "text == null");
    String t = text.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("ws://") && !lower.startsWith("wss://")) {
      if (lower.contains("://")) {
        throw bad(text, "unknown scheme");
      }
      HostAndPort hp = HostPort.parse(t);
      return tcp(hp.host(), hp.port());
    }
    URI uri;
    try {
      uri = new URI(t);
    } catch (URISyntaxException e) {
      throw bad(text, e.getReason());
    }
    boolean tls = lower.startsWith("wss://");
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw bad(text, "no host");
    }
    if (uri.getUserInfo() != null || uri.getFragment() != null) {
      throw bad(text, "user names and fragments have no place here");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
    String path =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? DEFAULT_PATH : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path = path + "?" + uri.getRawQuery();
    }
    try {
      return new HubAddress(tls ? Scheme.WSS : Scheme.WS, host, port, path);
    } catch (IllegalArgumentException e) {
      throw bad(text, e.getMessage());
    }
  }

  private static IllegalArgumentException bad(String text, String why) {
    return new IllegalArgumentException(
        "not a hub address: \""
            + text
            + "\" ("
            + why
            + "; write host:port, ws://host:port/path or wss://host:port/path)");
  }

  /** Whether this is a WebSocket endpoint. */
  public boolean webSocket() {
    return scheme != Scheme.TCP;
  }

  /** The host as it goes into a URL or {@code host:port} (IPv6 literals in brackets). */
  public String hostForUrl() {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  /** As written in a conf file: {@code host:port} or the WebSocket URL. */
  @Override
  public String toString() {
    return switch (scheme) {
      case TCP -> hostForUrl() + ":" + port;
      case WS -> "ws://" + hostForUrl() + ":" + port + path;
      case WSS -> "wss://" + hostForUrl() + ":" + port + path;
    };
  }
}
