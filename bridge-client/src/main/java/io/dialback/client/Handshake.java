package io.dialback.client;

import io.dialback.wire.FailureCode;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * What makes a fresh {@link Link} usable: the login (asking for binary frames if the options say
 * so), then the client's consumers registered on it (their pong says they are in place).
 */
final class Handshake {
  private Handshake() {}

  /**
   * {@code cause} as a refusal of the credentials themselves (401, 403, 400), which retrying cannot
   * help; null for anything else.
   */
  static ReplyException refusal(Throwable cause) {
    if (cause instanceof ReplyException e
        && (e.failureCode() == FailureCode.NOT_LOGGED_IN.code()
            || e.failureCode() == FailureCode.DENIED.code()
            || e.failureCode() == FailureCode.BAD_REQUEST.code())) {
      return e;
    }
    return null;
  }

  /** Logs {@code link} in and registers {@code consumers}; the hub's answer to the login. */
  static Future<LoginReply> run(Link link, ClientOptions options, Consumers consumers) {
    return link.request(Wire.HUB_LOGIN, options.loginBody(), options.requestTimeout(), null)
        .compose(
            message -> {
              JsonObject reply = message.bodyAsJsonObject();
              link.binary(Boolean.TRUE.equals(reply.getValue(Wire.LOGIN_BINARY)));
              if (reply.getValue(Wire.LOGIN_MAX_PENDING) instanceof Number max) {
                link.maxPendingRequests(max.intValue());
              }
              LoginReply login =
                  new LoginReply(
                      reply.getString(Wire.LOGIN_IDENTITY),
                      reply.getString(Wire.LOGIN_ROLE),
                      reply.getString(Wire.LOGIN_HUB));
              return consumers.register(link, consumers.all()).map(login);
            });
  }
}
