package io.dialback.agent.fs;

import io.dialback.logging.LogSafe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's audit trail of writes, on the logger {@code dialback.audit}: one line per event,
 * {@code key=value}, where every value a caller chose (its identity, a path, a reason that quotes
 * one) is escaped by {@link LogSafe} and quoted, so that no caller can start a line or add a field.
 */
final class Audit {
  private static final Logger audit = LoggerFactory.getLogger("dialback.audit");

  /** Paths are kept longer than other peer text: a cut path would not say which file changed. */
  private static final int MAX_PATH = 1_000;

  private static final int MAX_REASON = 400;

  private Audit() {}

  static void write(String identity, String path, long bytes) {
    audit.info("write identity={} path={} bytes={}", identity(identity), path(path), bytes);
  }

  static void writeRefused(String identity, String reason) {
    writeRefused(identity, "write", reason);
  }

  /** A writing operation ({@code write}, {@code mkdir}, ...) refused, e.g. on a read-only agent. */
  static void writeRefused(String identity, String operation, String reason) {
    audit.info("{}-refused identity={} reason={}", operation, identity(identity), reason(reason));
  }

  static void writeFailed(String identity, String path, String reason) {
    audit.info(
        "write-failed identity={} path={} reason={}",
        identity(identity),
        path(path),
        reason(reason));
  }

  /** A folder made, an entry deleted or moved ({@code detail} may be null). */
  static void change(String identity, String operation, String path, String detail) {
    if (detail == null) {
      audit.info("{} identity={} path={}", operation, identity(identity), path(path));
    } else {
      audit.info(
          "{} identity={} path={} detail={}",
          operation,
          identity(identity),
          path(path),
          reason(detail));
    }
  }

  /** An upload ended by the agent (idle, too slow, too large); its temp file is removed. */
  static void writeAbandoned(String identity, String path, long bytes, String reason) {
    audit.info(
        "write-abandoned identity={} path={} bytes={} reason={} (the old file is unchanged)",
        identity(identity),
        path(path),
        bytes,
        reason(reason));
  }

  /** A caller's identity, quoted; {@code -} when the call carried none (a local caller). */
  static String identity(String identity) {
    return identity == null || identity.isEmpty() ? "-" : quoted(identity, LogSafe.DEFAULT_MAX);
  }

  static String path(String path) {
    return quoted(path, MAX_PATH);
  }

  static String reason(String reason) {
    return quoted(reason, MAX_REASON);
  }

  private static String quoted(String value, int max) {
    return "\"" + LogSafe.text(value, max) + "\"";
  }
}
