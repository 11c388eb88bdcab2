package io.dialback.hub.web;

import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which browser pages may use the {@code http} port's bridge and download endpoint: a request
 * without an {@code Origin} header is not from a browser page and passes (agents, the shell, other
 * programs); one with an {@code Origin} passes only when it is the port's own origin or listed in
 * {@code allowedOrigins}. This is what stops cross-site WebSocket hijacking: a page on another site
 * that opens a WebSocket to the hub carries its own origin, and is refused before any frame.
 */
final class Origins {
  private final List<String> allowed;

  Origins(List<String> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /** Why {@code request} may not proceed, or {@code null} when it may. */
  String refusal(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return null;
    }
    String normalised = normalise(origin);
    if (normalised != null && (normalised.equals(own(request)) || allowed.contains(normalised))) {
      return null;
    }
    return "origin " + origin + " is not allowed here (http.allowedOrigins)";
  }

  /** The origin of the page the hub itself serves, as the browser names it. */
  static String own(HttpServerRequest request) {
    String authority = request.authority() == null ? null : request.authority().toString();
    if (authority == null) {
      return null;
    }
    return normalise((request.isSSL() ? "https" : "http") + "://" + authority);
  }

  /** {@code scheme://host[:port]} in lower case without a default port, or null if not one. */
  static String normalise(String origin) {
    try {
      URI uri = new URI(origin.trim());
      String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
      if (scheme == null || uri.getHost() == null) {
        return null;
      }
      int port = uri.getPort();
      boolean standard =
          port == -1
              || (scheme.equals("http") && port == 80)
              || (scheme.equals("https") && port == 443);
      return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (standard ? "" : ":" + port);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }
}
