package io.dialback.hub.bridge;

import io.dialback.link.CloseReason;
import io.dialback.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail: one line per login, refusal and forced close, with who, what and from where, on
 * the logger {@code dialback.audit} so that operators can route it apart. Never a secret.
 *
 * <p>Every field a peer could have chosen goes through {@link LogSafe}, so that it can neither
 * forge a line nor make one long; refusals are bounded per connection and across the hub.
 */
final class Audit {
  private static final Logger audit = LoggerFactory.getLogger("dialback.audit");

  /** Refusals logged per connection; a hostile peer must not flood the trail. */
  static final int MAX_REFUSALS_PER_CONNECTION = 20;

  /** Refusal lines per second across the hub; the rest are counted and the count logged. */
  static final int MAX_REFUSALS_PER_SECOND = 100;

  private static long windowStart;
  private static int inWindow;
  private static long suppressed;

  private Audit() {}

  static void login(String identity, String role, String tokenId, String from) {
    audit.info(
        "login identity={} role={} token={} from={}",
        LogSafe.text(identity),
        role,
        LogSafe.text(tokenId),
        from);
  }

  static void loginRefused(int code, String reason, String from) {
    audit.info("login-refused code={} from={} reason=\"{}\"", code, from, LogSafe.text(reason));
  }

  static void refused(
      String identity, String from, String type, String address, int code, String reason) {
    if (!refusalAllowed()) {
      return;
    }
    audit.info(
        "refused identity={} from={} frame={} address={} code={} reason=\"{}\"",
        LogSafe.text(identity),
        from,
        LogSafe.text(type, 32),
        LogSafe.text(address),
        code,
        LogSafe.text(reason));
  }

  static void refusalsCapped(String identity, String from) {
    if (!refusalAllowed()) {
      return;
    }
    audit.info(
        "refused identity={} from={} further refusals of this connection are not logged",
        LogSafe.text(identity),
        from);
  }

  static void closed(String identity, String from, CloseReason reason, String detail) {
    audit.info(
        "closed identity={} from={} reason={} detail=\"{}\"",
        LogSafe.text(identity),
        from,
        reason.label(),
        LogSafe.text(detail));
  }

  /** At most {@link #MAX_REFUSALS_PER_SECOND} refusal lines a second, hub-wide. */
  private static synchronized boolean refusalAllowed() {
    long now = System.nanoTime();
    if (now - windowStart > 1_000_000_000L) {
      if (suppressed > 0) {
        audit.info(
            "refused: {} further refusal lines in the last second were not logged", suppressed);
      }
      windowStart = now;
      inWindow = 0;
      suppressed = 0;
    }
    if (inWindow < MAX_REFUSALS_PER_SECOND) {
      inWindow++;
      return true;
    }
    suppressed++;
    return false;
  }
}
