package io.dialback.hub.admin;

import io.dialback.conf.Settings;
import java.util.List;
import java.util.Set;

/**
 * The {@code admin} section of a hub's conf: the admin HTTP port, off the bridge port. A conf
 * without the section opens no admin port (several hubs on one machine, and embedders, get no
 * fixed-port clash); with it, {@code enabled} defaults to true.
 *
 * @param port 0 picks a free port (the hub logs it)
 * @param token the bearer token {@code /api/*} asks for; null: {@code /api/*} answers 401 to all
 * @param protect what else asks for the token: {@code metrics}, {@code health}
 * @param vertxMetrics whether Vert.x's own meters (net, event bus, JVM) join the hub's
 */
public record AdminConfig(
    boolean enabled,
    String host,
    int port,
    String token,
    Set<String> protect,
    boolean vertxMetrics) {

  public static final int DEFAULT_PORT = 7080;

  /** The shortest token accepted, as for bridge tokens. */
  static final int MIN_TOKEN_CHARS = 8;

  /** No admin port. */
  public static AdminConfig off() {
    return new AdminConfig(false, "127.0.0.1", DEFAULT_PORT, null, Set.of(), true);
  }

  /** Reads the {@code admin} section ({@code s}); {@code present}: the conf has the key. */
  public static AdminConfig from(Settings s, boolean present) {
    s.onlyKeys("enabled", "host", "port", "token", "protect", "vertxMetrics");
    boolean enabled = s.bool("enabled", present);
    String host = s.string("host", "127.0.0.1");
    int port = s.integer("port", DEFAULT_PORT, 0, 65535);
    String token = s.string("token", null);
    if (token != null && token.length() < MIN_TOKEN_CHARS) {
      throw s.fail("token", "must be at least " + MIN_TOKEN_CHARS + " characters");
    }
    List<String> protect = s.strings("protect", List.of());
    for (String p : protect) {
      if (!p.equals("metrics") && !p.equals("health")) {
        throw s.fail("protect", "may list metrics and health, got \"" + p + "\"");
      }
    }
    if (enabled && !protect.isEmpty() && token == null) {
      throw s.fail("protect", "needs admin.token, the token that protects " + protect);
    }
    return new AdminConfig(
        enabled, host, port, token, Set.copyOf(protect), s.bool("vertxMetrics", true));
  }
}
