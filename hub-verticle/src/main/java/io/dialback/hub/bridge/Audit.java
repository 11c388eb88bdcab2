package io.dialback.hub.bridge;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one line per login, refusal and forced close, with who, what and from where, on
 * the logger {@code dialback.audit} so that operators can route it apart. Never a secret.
 */
final class Audit {
  private static final Logger audit = LoggerFactory.getLogger("dialback.audit");

  /** Refusals logged per connection; a hostile peer must not flood the trail. */
  static final int MAX_REFUSALS_PER_CONNECTION = 20;

  private Audit() {}

  static void login(String identity, String role, String tokenId, String from) {
    audit.info("login identity={} role={} token={} from={}", identity, role, tokenId, from);
  }

  static void loginRefused(int code, String reason, String from) {
    audit.info("login-refused code={} from={} reason=\"{}\"", code, from, reason);
  }

  static void refused(
      String identity, String from, String type, String address, int code, String reason) {
    audit.info(
        "refused identity={} from={} frame={} address={} code={} reason=\"{}\"",
        identity,
        from,
        type,
        address,
        code,
        reason);
  }

  static void refusalsCapped(String identity, String from) {
    audit.info(
        "refused identity={} from={} further refusals of this connection are not logged",
        identity,
        from);
  }

  static void closed(String identity, String from, String reason) {
    audit.info("closed identity={} from={} reason=\"{}\"", identity, from, reason);
  }
}
