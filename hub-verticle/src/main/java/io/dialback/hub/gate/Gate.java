package io.dialback.hub.gate;

import io.dialback.wire.FailureCode;
import io.dialback.wire.FrameException;
import io.dialback.wire.Wire;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks {@code hub.login} bodies against the configured tokens and decides which agent name, if
 * any, the connection binds.
 *
 * <p>Tokens are looked up by their SHA-256 (the only form the hub keeps), so the lookup takes the
 * same path whatever prefix of a token a guesser has right.
 */
public final class Gate {
  private final Map<String, TokenGrant> byDigest = new HashMap<>();

  public Gate(List<TokenGrant> grants) {
    for (TokenGrant grant : grants) {
      if (byDigest.putIfAbsent(grant.digest(), grant) != null) {
        throw new IllegalArgumentException(
            "auth.tokens: the token of " + grant.id() + " is listed twice");
      }
    }
  }

  /** Whether {@code grant} is still valid here: listed (same secret) and not expired. */
  public boolean stillValid(TokenGrant grant) {
    TokenGrant current = byDigest.get(grant.digest());
    return current != null && current.sameAs(grant) && !current.expiredAt(Instant.now());
  }

  /** The login a body asks for, or the refusal to send back before closing. */
  public Login authenticate(Object body) throws FrameException {
    return authenticate(body, null);
  }

  /**
   * The login a body asks for on a connection whose verified client certificate names {@code
   * certified} (or {@code null}). A certificate is an agent's identity: without a token it binds
   * the name it carries; with a token, the token must allow that very name.
   */
  public Login authenticate(Object body, String certified) throws FrameException {
    if (!(body instanceof JsonObject)) {
      throw new FrameException(
          FailureCode.BAD_REQUEST, "hub.login needs a body {token, name?, meta?}");
    }
    JsonObject login = (JsonObject) body;
    Object token = login.getValue(Wire.LOGIN_TOKEN);
    if (token == null && certified != null) {
      return byCertificate(login, certified);
    }
    if (!(token instanceof String) || ((String) token).isEmpty()) {
      throw new FrameException(FailureCode.BAD_REQUEST, "hub.login needs a string token");
    }
    TokenGrant grant = byDigest.get(Tokens.sha256Hex((String) token));
    if (grant == null) {
      throw new FrameException(FailureCode.NOT_LOGGED_IN, "unknown token");
    }
    if (grant.expiredAt(Instant.now())) {
      throw new FrameException(
          FailureCode.NOT_LOGGED_IN, "token " + grant.id() + " expired at " + grant.expires());
    }
    Object meta = login.getValue(Wire.LOGIN_META);
    if (meta != null && !(meta instanceof JsonObject)) {
      throw new FrameException(FailureCode.BAD_REQUEST, "meta must be an object");
    }
    JsonObject safeMeta = meta == null ? new JsonObject() : (JsonObject) meta;
    Object name = login.getValue(Wire.LOGIN_NAME);
    if (name != null && !(name instanceof String)) {
      throw new FrameException(FailureCode.BAD_REQUEST, "name must be a string");
    }
    if (grant.role() == Role.CLIENT) {
      if (name != null) {
        throw new FrameException(
            FailureCode.DENIED,
            "token " + grant.id() + " is a client token and binds no agent name");
      }
      return new Login(grant.id(), Role.CLIENT, null, safeMeta, grant);
    }
    String chosen = (String) name;
    if (chosen == null) {
      if (grant.nameNeeded()) {
        throw new FrameException(
            FailureCode.BAD_REQUEST,
            "token " + grant.id() + " may bind " + grant.names() + ": say which with name");
      }
      chosen = grant.names().get(0);
    }
    if (!Wire.isValidAgentName(chosen)) {
      throw new FrameException(FailureCode.BAD_REQUEST, "invalid agent name \"" + chosen + "\"");
    }
    if (!grant.mayBind(chosen)) {
      throw new FrameException(
          FailureCode.DENIED, "token " + grant.id() + " may not bind the name " + chosen);
    }
    if (certified != null && !certified.equals(chosen)) {
      throw new FrameException(
          FailureCode.DENIED, "the client certificate names " + certified + ", not " + chosen);
    }
    return new Login(chosen, Role.AGENT, chosen, safeMeta, grant);
  }

  private static Login byCertificate(JsonObject login, String certified) throws FrameException {
    if (!Wire.isValidAgentName(certified)) {
      throw new FrameException(
          FailureCode.DENIED,
          "the client certificate's name \"" + certified + "\" is not a valid agent name");
    }
    Object name = login.getValue(Wire.LOGIN_NAME);
    if (name != null && !certified.equals(name)) {
      throw new FrameException(
          FailureCode.DENIED, "the client certificate names " + certified + ", not " + name);
    }
    Object meta = login.getValue(Wire.LOGIN_META);
    return new Login(
        certified,
        Role.AGENT,
        certified,
        meta instanceof JsonObject ? (JsonObject) meta : new JsonObject(),
        null);
  }
}
