package io.dialback.hub;

import io.dialback.conf.HubAddress;
import io.dialback.conf.Settings;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hub's {@code http} port: the bridge protocol over WebSocket at {@code path}, the web console
 * at {@code /}, and the console's download endpoint. Absent from the conf, no such port opens.
 *
 * @param tls TLS of this port; the bridge port's {@code tls} when the section has none
 * @param allowedOrigins browser origins ({@code scheme://host[:port]}) besides the port's own whose
 *     pages may open the WebSocket or post a download; a request from any other origin is refused
 * @param console whether to serve the web console at {@code /}
 */
public record HttpConfig(
    boolean enabled,
    String host,
    int port,
    String path,
    HubConfig.TlsConfig tls,
    List<String> allowedOrigins,
    boolean console) {

  public static final int DEFAULT_PORT = 7443;

  /** No {@code http} port. */
  static HttpConfig off(HubConfig.TlsConfig tls) {
    return new HttpConfig(
        false, "127.0.0.1", DEFAULT_PORT, HubAddress.DEFAULT_PATH, tls, List.of(), false);
  }

  /** Reads the {@code http} section; {@code bridgeHost} and {@code bridgeTls} are the defaults. */
  static HttpConfig from(Settings root, String bridgeHost, HubConfig.TlsConfig bridgeTls) {
    Settings s = root.section("http");
    if (!root.has("http") && !s.has("enabled")) {
      return off(bridgeTls); // DIALBACK_HUB_HTTP_ENABLED=true turns it on without the key
    }
    s.onlyKeys("enabled", "host", "port", "path", "tls", "allowedOrigins", "console");
    String path = s.string("path", HubAddress.DEFAULT_PATH);
    if (!path.startsWith("/") || path.equals("/") || path.contains("?") || path.contains("#")) {
      throw s.fail("path", "must be a path like /bridge (not /, no query), got \"" + path + "\"");
    }
    List<String> origins = new ArrayList<>();
    for (String origin : s.strings("allowedOrigins", List.of())) {
      origins.add(origin(s, origin));
    }
    return new HttpConfig(
        s.bool("enabled", true),
        s.string("host", bridgeHost),
        s.integer("port", DEFAULT_PORT, 0, 65535),
        path,
        s.has("tls") ? HubConfig.TlsConfig.from(s.section("tls")) : bridgeTls,
        List.copyOf(origins),
        s.bool("console", true));
  }

  /** An origin as browsers send it: lower-case scheme and host, the port only when not default. */
  private static String origin(Settings s, String text) {
    try {
      URI uri = new URI(text.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
          || uri.getRawQuery() != null
          || uri.getUserInfo() != null) {
        throw new IllegalArgumentException();
      }
      int port = uri.getPort();
      boolean defaultPort =
          port == -1
              || (scheme.equals("http") && port == 80)
              || (scheme.equals("https") && port == 443);
      return scheme
          + "://"
          + uri.getHost().toLowerCase(Locale.ROOT)
          + (defaultPort ? "" : ":" + port);
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      throw s.fail(
          "allowedOrigins",
          "\""
              + text
              + "\" is not an origin like https://console.example.com or http://10.0.0.5:8080");
    }
  }
}
