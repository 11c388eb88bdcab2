package io.dialback.hub.bridge;

import io.dialback.conf.Settings;
import io.dialback.wire.Wire;

/**
 * Per-connection bounds of the bridge: what one peer may make the hub hold in memory.
 *
 * @param maxFrameBytes largest frame accepted after login; a larger declared length closes
 * @param maxLoginFrameBytes largest frame accepted before login
 * @param maxPendingRequests requests a connection may have waiting for replies; beyond, {@code
 *     busy}
 * @param maxPendingDeliveries messages delivered to a connection and waiting for its reply
 * @param maxQueuedWriteBytes bytes queued towards a peer before it counts as not reading and is cut
 *     off; reading from the peer pauses at half of it
 * @param maxRegistrations addresses one connection may register
 * @param defaultTimeoutMs request timeout when the caller sets none
 * @param maxTimeoutMs upper clamp for a caller's {@code timeout} header
 * @param loginTimeoutMs time a new connection has to log in
 * @param idleTimeoutMs a connection that sends nothing (not even a ping) this long is closed; 0 off
 * @param drainTimeoutMs on stop, how long requests in flight may take before the port closes
 * @param maxConnectionsPerAddress connections open at once from one source address; 0 for no bound
 * @param maxLoginFailuresPerMinute failed logins from one address in a minute before further
 *     connections from it are refused for the rest of the minute
 * @param loginFailureDelayMs how long the answer to a failed login is held back
 * @param maxRequestsPerSecond sends and publishes per second of one identity (hub-wide); beyond,
 *     {@code busy}; 0 for no bound
 */
public record Limits(
    int maxFrameBytes,
    int maxLoginFrameBytes,
    int maxPendingRequests,
    int maxPendingDeliveries,
    int maxQueuedWriteBytes,
    int maxRegistrations,
    long defaultTimeoutMs,
    long maxTimeoutMs,
    long loginTimeoutMs,
    long idleTimeoutMs,
    long drainTimeoutMs,
    int maxConnectionsPerAddress,
    int maxLoginFailuresPerMinute,
    long loginFailureDelayMs,
    int maxRequestsPerSecond) {

  public static final Limits DEFAULTS =
      new Limits(
          Wire.DEFAULT_MAX_FRAME_BYTES,
          64 * 1024,
          1024,
          4096,
          32 * 1024 * 1024,
          1024,
          30_000,
          300_000,
          10_000,
          60_000,
          10_000,
          1024,
          30,
          500,
          10_000);

  /** Reads the {@code limits} section; absent keys keep their defaults. */
  public static Limits from(Settings s) {
    s.onlyKeys(
        "maxFrameBytes",
        "maxLoginFrameBytes",
        "maxPendingRequests",
        "maxPendingDeliveries",
        "maxQueuedWriteBytes",
        "maxRegistrations",
        "defaultTimeoutMs",
        "maxTimeoutMs",
        "loginTimeoutMs",
        "idleTimeoutMs",
        "drainTimeoutMs",
        "maxConnectionsPerAddress",
        "maxLoginFailuresPerMinute",
        "loginFailureDelayMs",
        "maxRequestsPerSecond");
    Limits d = DEFAULTS;
    int maxFrame = s.integer("maxFrameBytes", d.maxFrameBytes, 1024, Integer.MAX_VALUE);
    Limits limits =
        new Limits(
            maxFrame,
            s.integer(
                "maxLoginFrameBytes", Math.min(d.maxLoginFrameBytes, maxFrame), 256, maxFrame),
            s.integer("maxPendingRequests", d.maxPendingRequests, 1, 1_000_000),
            s.integer("maxPendingDeliveries", d.maxPendingDeliveries, 1, 1_000_000),
            s.integer("maxQueuedWriteBytes", d.maxQueuedWriteBytes, 64 * 1024, Integer.MAX_VALUE),
            s.integer("maxRegistrations", d.maxRegistrations, 1, 1_000_000),
            s.longValue("defaultTimeoutMs", d.defaultTimeoutMs, 1, 86_400_000),
            s.longValue("maxTimeoutMs", d.maxTimeoutMs, 1, 86_400_000),
            s.longValue("loginTimeoutMs", d.loginTimeoutMs, 100, 3_600_000),
            s.longValue("idleTimeoutMs", d.idleTimeoutMs, 0, 86_400_000),
            s.longValue("drainTimeoutMs", d.drainTimeoutMs, 0, 3_600_000),
            s.integer("maxConnectionsPerAddress", d.maxConnectionsPerAddress, 0, 10_000_000),
            s.integer("maxLoginFailuresPerMinute", d.maxLoginFailuresPerMinute, 1, 1_000_000),
            s.longValue("loginFailureDelayMs", d.loginFailureDelayMs, 0, 60_000),
            s.integer("maxRequestsPerSecond", d.maxRequestsPerSecond, 0, 100_000_000));
    if (limits.defaultTimeoutMs > limits.maxTimeoutMs) {
      throw s.fail(
          "defaultTimeoutMs",
          "must not exceed maxTimeoutMs ("
              + limits.maxTimeoutMs
              + "), got "
              + limits.defaultTimeoutMs);
    }
    return limits;
  }

  /** A caller's requested timeout, clamped into {@code 1..maxTimeoutMs}. */
  public long clampTimeout(Long requested) {
    if (requested == null || requested <= 0) {
      return defaultTimeoutMs;
    }
    return Math.min(requested, maxTimeoutMs);
  }
}
