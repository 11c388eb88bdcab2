package io.dialback.client;

import io.dialback.conf.Settings;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The proxy a client dials its hubs through, for every transport: an HTTP proxy tunnels TCP and
 * WebSocket connections alike with {@code CONNECT}; a SOCKS5 proxy connects them. Hubs whose host
 * {@code noProxy} names are dialled directly.
 *
 * @param proxy the proxy, or {@code null} for none
 * @param noProxy host names, domains ({@code example.com} also covers its subdomains, as does
 *     {@code .example.com}), IP literals, each with an optional {@code :port}, or {@code *} for all
 */
public record ProxySettings(ProxyOptions proxy, List<String> noProxy) {
  /** No proxy. */
  public static final ProxySettings NONE = new ProxySettings(null, List.of());

  public ProxySettings {
    proxy = proxy == null ? null : new ProxyOptions(proxy);
    noProxy = List.copyOf(Objects.requireNonNull(noProxy, "noProxy == null"));
  }

  /**
   * The conf's {@code proxy} section ({@code type: http|socks5|none, host, port, username?,
   * password?}); without one, {@code HTTPS_PROXY} (or {@code https_proxy}) and {@code NO_PROXY}
   * from {@code env}. A mistake names its key (or the variable).
   */
  public static ProxySettings from(Settings section, Map<String, String> env) {
    section.onlyKeys("type", "host", "port", "username", "password");
    List<String> noProxy = noProxy(env);
    boolean configured =
        !section.json().isEmpty()
            || section.has("type")
            || section.has("host")
            || section.has("port");
    if (!configured) {
      try {
        return fromEnvironment(env);
      } catch (IllegalArgumentException e) {
        throw new io.dialback.conf.ConfigException("HTTPS_PROXY", e.getMessage());
      }
    }
    String type = section.string("type", "http").toLowerCase(Locale.ROOT);
    if (type.equals("none")) {
      return NONE;
    }
    ProxyType proxyType = type(type);
    if (proxyType == null) {
      throw section.fail("type", "must be http, socks5 or none, got \"" + type + "\"");
    }
    ProxyOptions options =
        new ProxyOptions()
            .setType(proxyType)
            .setHost(section.requiredString("host"))
            .setPort(section.integer("port", proxyType == ProxyType.HTTP ? 3128 : 1080, 1, 65535));
    String user = section.string("username", null);
    if (user != null) {
      options.setUsername(user).setPassword(section.string("password", ""));
    }
    return new ProxySettings(options, noProxy);
  }

  /**
   * {@code HTTPS_PROXY} (or {@code https_proxy}) as a URL — {@code
   * http://[user:password@]host:port} or {@code socks5://…} — and {@code NO_PROXY}; none set:
   * {@link #NONE}.
   */
  public static ProxySettings fromEnvironment(Map<String, String> env) {
    String url = first(env, "HTTPS_PROXY", "https_proxy");
    if (url == null || url.isBlank()) {
      return NONE;
    }
    return new ProxySettings(parseUrl(url.trim()), noProxy(env));
  }

  /** A proxy written as a URL: {@code http://[user:password@]host[:port]} or {@code socks5://…}. */
  public static ProxyOptions parseUrl(String url) {
    String text = url.contains("://") ? url : "http://" + url;
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a proxy URL: \"" + url + "\"");
    }
    ProxyType type = type(uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT));
    if (type == null || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "not a proxy URL: \"" + url + "\" (http://host:port or socks5://host:port)");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    ProxyOptions options =
        new ProxyOptions()
            .setType(type)
            .setHost(host)
            .setPort(uri.getPort() != -1 ? uri.getPort() : type == ProxyType.HTTP ? 80 : 1080);
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      options.setUsername(decode(colon < 0 ? info : info.substring(0, colon)));
      options.setPassword(colon < 0 ? "" : decode(info.substring(colon + 1)));
    }
    return options;
  }

  /** The proxy to dial {@code host:port} through, or {@code null} to dial it directly. */
  public ProxyOptions proxyFor(String host, int port) {
    if (proxy == null) {
      return null;
    }
    String h = host.toLowerCase(Locale.ROOT);
    for (String entry : noProxy) {
      String e = entry.trim().toLowerCase(Locale.ROOT);
      if (e.equals("*")) {
        return null;
      }
      int colon = e.lastIndexOf(':');
      if (colon > 0 && e.indexOf(':') == colon && e.substring(colon + 1).matches("\\d+")) {
        if (Integer.parseInt(e.substring(colon + 1)) != port) {
          continue;
        }
        e = e.substring(0, colon);
      }
      if (e.startsWith("[") && e.endsWith("]")) {
        e = e.substring(1, e.length() - 1);
      }
      String domain = e.startsWith(".") ? e.substring(1) : e;
      if (!domain.isEmpty() && (h.equals(domain) || h.endsWith("." + domain))) {
        return null;
      }
    }
    return new ProxyOptions(proxy);
  }

  /** For logs: the proxy's address, never its credentials. */
  @Override
  public String toString() {
    return proxy == null
        ? "no proxy"
        : proxy.getType().name().toLowerCase(Locale.ROOT)
            + " proxy "
            + proxy.getHost()
            + ":"
            + proxy.getPort()
            + (noProxy.isEmpty() ? "" : " (not for " + String.join(",", noProxy) + ")");
  }

  private static ProxyType type(String name) {
    return switch (name) {
      case "http" -> ProxyType.HTTP;
      case "socks5", "socks5h" -> ProxyType.SOCKS5;
      default -> null;
    };
  }

  private static List<String> noProxy(Map<String, String> env) {
    String value = first(env, "NO_PROXY", "no_proxy");
    List<String> hosts = new ArrayList<>();
    if (value != null) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          hosts.add(part.trim());
        }
      }
    }
    return hosts;
  }

  private static String first(Map<String, String> env, String... names) {
    for (String name : names) {
      String value = env.get(name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
