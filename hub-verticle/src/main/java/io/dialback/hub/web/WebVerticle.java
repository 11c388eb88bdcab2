package io.dialback.hub.web;

import io.dialback.hub.bridge.BridgeAccess;
import io.dialback.hub.bridge.BridgeContext;
import io.dialback.logging.LogSafe;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's share of the hub's {@code http} port: the bridge over WebSocket at the
 * configured path (browsers only from allowed origins), the web console's files at {@code /}, and
 * the console's streamed download at {@code POST /download}. Like the bridge port, one instance per
 * event loop.
 */
public final class WebVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WebVerticle.class);

  /**
   * Only the console's own files, scripts and connections; no inline script, no framing by others.
   */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'self';"
          + " base-uri 'none'";

  private final BridgeContext hub;
  private final HttpServerOptions options;
  private final WebOptions web;
  private final AtomicInteger boundPort;
  private final Origins origins;
  private BridgeAccess access;
  private ConsoleFiles console;
  private HttpServer server;

  /**
   * @param boundPort receives the port listened on (useful when the conf said 0)
   */
  public WebVerticle(
      BridgeContext hub, HttpServerOptions options, WebOptions web, AtomicInteger boundPort) {
    this.hub = Objects.requireNonNull(hub, "hub == null");
    this.options = new HttpServerOptions(Objects.requireNonNull(options, "options == null"));
    if (this.options.getPort() == 0) {
      // One random port shared by all instances; -1 is the bridge port's, so another value.
      this.options.setPort(-2);
    }
    this.web = Objects.requireNonNull(web, "web == null");
    this.boundPort = Objects.requireNonNull(boundPort, "boundPort == null");
    this.origins = new Origins(web.allowedOrigins());
  }

  @Override
  public Future<?> start() {
    access = new BridgeAccess(hub, context);
    console = web.console() ? new ConsoleFiles(web.path()) : null;
    server = vertx.createHttpServer(options).requestHandler(this::handle);
    return server
        .listen()
        .onSuccess(s -> boundPort.compareAndSet(0, s.actualPort()))
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot listen on "
                            + options.getHost()
                            + ":"
                            + Math.max(0, options.getPort())
                            + " (http): "
                            + e.getMessage(),
                        e)));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : hub.drain().compose(v -> server.close());
  }

  private void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    response
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "SAMEORIGIN")
        // Not no-referrer: with it, browsers send "Origin: null" on the console's own form post.
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Cross-Origin-Resource-Policy", "same-origin");
    String path = request.path();
    if (path.equals(web.path())) {
      bridge(request);
    } else if (path.equals("/download") && console != null) {
      if (request.method() != HttpMethod.POST) {
        plain(response.putHeader("Allow", "POST"), 405, "use POST");
      } else if (refused(request)) {
        return;
      } else {
        FileDownload.handle(vertx, access, request);
      }
    } else if (console != null && request.method() == HttpMethod.GET && console.serve(request)) {
      return;
    } else {
      plain(response, 404, "not found");
    }
  }

  private void bridge(HttpServerRequest request) {
    if (!request.canUpgradeToWebSocket()) {
      plain(
          request.response(),
          426,
          "this is the dialback bridge over WebSocket: connect with a WebSocket client");
      return;
    }
    if (refused(request)) {
      return;
    }
    request
        .toWebSocket()
        .onSuccess(access::webSocket)
        .onFailure(e -> log.debug("WebSocket upgrade failed: {}", e.toString()));
  }

  /** Refuses a browser request from an origin that is not allowed (true if it did). */
  private boolean refused(HttpServerRequest request) {
    String why = origins.refusal(request);
    if (why == null) {
      return false;
    }
    log.warn(
        "refused {} {} from {}: {}",
        request.method(),
        request.path(),
        request.remoteAddress(),
        LogSafe.text(why));
    plain(request.response(), 403, "access_denied: " + why);
    return true;
  }

  /** Ends {@code response} with {@code status} and a one-line text body. */
  static void plain(HttpServerResponse response, int status, String text) {
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(text + "\n");
  }
}
