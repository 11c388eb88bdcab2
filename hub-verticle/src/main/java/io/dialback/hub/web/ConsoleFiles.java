package io.dialback.hub.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The web console's files, read once from the jar: plain HTML, CSS and JavaScript, no build step,
 * nothing fetched from elsewhere. They are served with a Content Security Policy that allows only
 * themselves: no inline script, no other origin.
 */
final class ConsoleFiles {
  private static final String ROOT = "io/dialback/hub/web/console/";
  private static final Map<String, String> FILES =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/console.js", "console.js",
          "/console.css", "console.css",
          "/favicon.svg", "favicon.svg");

  private final Map<String, Buffer> contents = new java.util.HashMap<>();

  /**
   * @param bridgePath where the page finds the bridge (written into the page, HTML-escaped)
   */
  ConsoleFiles(String bridgePath) {
    for (String file : FILES.values()) {
      contents.computeIfAbsent(file, ConsoleFiles::read);
    }
    String page = contents.get("index.html").toString(StandardCharsets.UTF_8);
    contents.put("index.html", Buffer.buffer(page.replace("{{BRIDGE_PATH}}", escape(bridgePath))));
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** Serves the file at the request's path; false if there is none. */
  boolean serve(HttpServerRequest request) {
    String file = FILES.get(request.path());
    if (file == null) {
      return false;
    }
    Buffer body = contents.get(file);
    request
        .response()
        .putHeader("Content-Type", type(file))
        .putHeader("Cache-Control", "no-cache")
        .end(body);
    return true;
  }

  private static String type(String file) {
    if (file.endsWith(".html")) {
      return "text/html; charset=utf-8";
    } else if (file.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    } else if (file.endsWith(".css")) {
      return "text/css; charset=utf-8";
    } else {
      return "image/svg+xml";
    }
  }

  private static Buffer read(String file) {
    try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(ROOT + file)) {
      if (in == null) {
        throw new IllegalStateException("console file " + ROOT + file + " is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
