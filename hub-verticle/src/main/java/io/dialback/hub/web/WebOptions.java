package io.dialback.hub.web;

import java.util.List;
import java.util.Objects;

/**
 * What the {@code http} port serves beyond its socket options.
 *
 * @param path where the bridge is served over WebSocket
 * @param allowedOrigins browser origins besides the port's own that may open the WebSocket or post
 *     a download, as {@code scheme://host[:port]} in lower case
 * @param console whether the web console is served at {@code /}
 */
public record WebOptions(String path, List<String> allowedOrigins, boolean console) {
  public WebOptions {
    Objects.requireNonNull(path, "path == null");
    allowedOrigins = List.copyOf(Objects.requireNonNull(allowedOrigins, "allowedOrigins == null"));
  }
}
