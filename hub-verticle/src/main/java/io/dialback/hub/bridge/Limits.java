package io.dialback.hub.bridge;

import io.dialback.conf.Settings;
import io.dialback.wire.Wire;

/**
 * The bridge's bounds: what one connection, one identity and the whole hub may make the hub hold.
 *
 * <p>Memory bounds come in three tiers — a connection, an identity (every connection of one token
 * or agent name) and the hub — so that no identity holds more than its share and the total stays
 * below the heap: {@code OutOfMemoryError} is never the limit that acts. The hub-wide defaults are
 * fractions of the JVM's maximum heap.
 *
 * @param maxFrameBytes largest frame accepted after login; a larger declared length closes
 * @param maxLoginFrameBytes largest frame accepted before login
 * @param maxPendingRequests requests a connection may have waiting for replies; beyond, {@code
 *     busy}
 * @param maxPendingDeliveries messages delivered to a connection and waiting for its reply
 * @param maxQueuedWriteBytes bytes queued towards a peer before it counts as not reading and is cut
 *     off; reading from the peer pauses at half of it
 * @param maxQueuedWriteBytesPerIdentity bytes queued towards all connections of one identity; past
 *     it, a connection of that identity that has more than {@link #STALLED_BYTES} queued is cut off
 * @param maxQueuedWriteBytesTotal the same across the hub
 * @param maxFrameBufferBytesPerIdentity bytes of frames larger than {@link #SMALL_FRAME_BYTES} that
 *     connections of one identity may have half-received at once; a connection over it stops being
 *     read until there is room (a single frame larger than this is refused like an oversized one)
 * @param maxFrameBufferBytesTotal the same across the hub
 * @param maxRegistrations addresses one connection may register
 * @param maxRegistrationsPerIdentity addresses all connections of one identity may register
 * @param maxRegistrationsTotal registrations across the hub
 * @param maxAddressChars the longest address (or reply address) a frame may name
 * @param defaultTimeoutMs request timeout when the caller sets none
 * @param maxTimeoutMs upper clamp for a caller's {@code timeout} header
 * @param loginTimeoutMs time a new connection has to log in
 * @param idleTimeoutMs a connection that sends nothing (not even a ping) this long is closed; 0 off
 * @param drainTimeoutMs on stop, how long requests in flight may take before the port closes
 * @param maxConnectionsPerAddress connections open at once from one source address; 0 for no bound
 *     (the default: agents behind one NAT share an address)
 * @param maxConnectionsPerIdentity logged-in connections of one identity at once
 * @param maxPendingLoginsPerAddress connections from one address that have not logged in yet; a new
 *     one beyond it pushes out the oldest (so a correct token always gets in). Half the hub-wide
 *     bound by default: it was 256, and when a hub holding 3,343 agents (all from one address, as
 *     behind a NAT) was killed, the survivors pushed out 2,943 of their logins, each of which then
 *     backed off and tried again
 * @param maxPendingLogins the same across the hub
 * @param maxLoginFailuresPerMinute failed logins from one address in a minute after which its
 *     failures are answered only after {@code maxLoginFailureDelayMs}
 * @param loginFailureDelayMs how long the answer to a failed login is held back
 * @param maxLoginFailureDelayMs how long it is held back for an address over the failure rate
 * @param maxRequestsPerSecond sends and publishes per second of one identity (hub-wide); beyond,
 *     {@code busy}; 0 for no bound
 */
public record Limits(
    int maxFrameBytes,
    int maxLoginFrameBytes,
    int maxPendingRequests,
    int maxPendingDeliveries,
    int maxQueuedWriteBytes,
    long maxQueuedWriteBytesPerIdentity,
    long maxQueuedWriteBytesTotal,
    long maxFrameBufferBytesPerIdentity,
    long maxFrameBufferBytesTotal,
    int maxRegistrations,
    int maxRegistrationsPerIdentity,
    int maxRegistrationsTotal,
    int maxAddressChars,
    long defaultTimeoutMs,
    long maxTimeoutMs,
    long loginTimeoutMs,
    long idleTimeoutMs,
    long drainTimeoutMs,
    int maxConnectionsPerAddress,
    int maxConnectionsPerIdentity,
    int maxPendingLoginsPerAddress,
    int maxPendingLogins,
    int maxLoginFailuresPerMinute,
    long loginFailureDelayMs,
    long maxLoginFailureDelayMs,
    int maxRequestsPerSecond) {

  /** Frames up to this size are read without asking the frame-buffer budget. */
  public static final int SMALL_FRAME_BYTES = 64 * 1024;

  /**
   * Under memory pressure, a connection with more than this queued counts as not reading (the
   * operating system's socket buffer is full and a backlog waits).
   */
  public static final int STALLED_BYTES = 64 * 1024;

  /** What one registration costs the hub, roughly (consumer, maps, address), for the default. */
  private static final long REGISTRATION_COST = 2 * 1024;

  private static final long HEAP = Runtime.getRuntime().maxMemory();

  /** Connections still logging in, hub-wide, by default: 16 KiB each of an eighth of the heap. */
  private static int pendingLogins() {
    return (int) Math.max(256, Math.min(65_536, HEAP / 8 / (16 * 1024)));
  }

  public static final Limits DEFAULTS =
      new Limits(
          Wire.DEFAULT_MAX_FRAME_BYTES,
          16 * 1024,
          1024,
          4096,
          32 * 1024 * 1024,
          HEAP / 8,
          HEAP / 4,
          HEAP / 8,
          HEAP / 4,
          1024,
          4096,
          (int) Math.max(10_000, Math.min(10_000_000, HEAP / 4 / REGISTRATION_COST)),
          256,
          30_000,
          300_000,
          10_000,
          60_000,
          10_000,
          0,
          1024,
          Math.max(256, pendingLogins() / 2),
          pendingLogins(),
          30,
          500,
          5_000,
          10_000);

  /** Reads the {@code limits} section; absent keys keep their defaults. */
  public static Limits from(Settings s) {
    s.onlyKeys(
        "maxFrameBytes",
        "maxLoginFrameBytes",
        "maxPendingRequests",
        "maxPendingDeliveries",
        "maxQueuedWriteBytes",
        "maxQueuedWriteBytesPerIdentity",
        "maxQueuedWriteBytesTotal",
        "maxFrameBufferBytesPerIdentity",
        "maxFrameBufferBytesTotal",
        "maxRegistrations",
        "maxRegistrationsPerIdentity",
        "maxRegistrationsTotal",
        "maxAddressChars",
        "defaultTimeoutMs",
        "maxTimeoutMs",
        "loginTimeoutMs",
        "idleTimeoutMs",
        "drainTimeoutMs",
        "maxConnectionsPerAddress",
        "maxConnectionsPerIdentity",
        "maxPendingLoginsPerAddress",
        "maxPendingLogins",
        "maxLoginFailuresPerMinute",
        "loginFailureDelayMs",
        "maxLoginFailureDelayMs",
        "maxRequestsPerSecond");
    Limits d = DEFAULTS;
    int maxFrame = s.integer("maxFrameBytes", d.maxFrameBytes, 1024, Integer.MAX_VALUE);
    long big = Long.MAX_VALUE / 4;
    Limits limits =
        new Limits(
            maxFrame,
            s.integer(
                "maxLoginFrameBytes", Math.min(d.maxLoginFrameBytes, maxFrame), 256, maxFrame),
            s.integer("maxPendingRequests", d.maxPendingRequests, 1, 1_000_000),
            s.integer("maxPendingDeliveries", d.maxPendingDeliveries, 1, 1_000_000),
            s.integer("maxQueuedWriteBytes", d.maxQueuedWriteBytes, 64 * 1024, Integer.MAX_VALUE),
            s.longValue(
                "maxQueuedWriteBytesPerIdentity", d.maxQueuedWriteBytesPerIdentity, 64 * 1024, big),
            s.longValue("maxQueuedWriteBytesTotal", d.maxQueuedWriteBytesTotal, 64 * 1024, big),
            s.longValue(
                "maxFrameBufferBytesPerIdentity",
                d.maxFrameBufferBytesPerIdentity,
                SMALL_FRAME_BYTES,
                big),
            s.longValue(
                "maxFrameBufferBytesTotal", d.maxFrameBufferBytesTotal, SMALL_FRAME_BYTES, big),
            s.integer("maxRegistrations", d.maxRegistrations, 1, 1_000_000),
            s.integer("maxRegistrationsPerIdentity", d.maxRegistrationsPerIdentity, 1, 10_000_000),
            s.integer("maxRegistrationsTotal", d.maxRegistrationsTotal, 1, 100_000_000),
            s.integer("maxAddressChars", d.maxAddressChars, 16, 1_000_000),
            s.longValue("defaultTimeoutMs", d.defaultTimeoutMs, 1, 86_400_000),
            s.longValue("maxTimeoutMs", d.maxTimeoutMs, 1, 86_400_000),
            s.longValue("loginTimeoutMs", d.loginTimeoutMs, 100, 3_600_000),
            s.longValue("idleTimeoutMs", d.idleTimeoutMs, 0, 86_400_000),
            s.longValue("drainTimeoutMs", d.drainTimeoutMs, 0, 3_600_000),
            s.integer("maxConnectionsPerAddress", d.maxConnectionsPerAddress, 0, 10_000_000),
            s.integer("maxConnectionsPerIdentity", d.maxConnectionsPerIdentity, 1, 10_000_000),
            s.integer("maxPendingLoginsPerAddress", d.maxPendingLoginsPerAddress, 1, 10_000_000),
            s.integer("maxPendingLogins", d.maxPendingLogins, 1, 10_000_000),
            s.integer("maxLoginFailuresPerMinute", d.maxLoginFailuresPerMinute, 1, 1_000_000),
            s.longValue("loginFailureDelayMs", d.loginFailureDelayMs, 0, 60_000),
            s.longValue("maxLoginFailureDelayMs", d.maxLoginFailureDelayMs, 0, 60_000),
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

  /**
   * The bounds of one end of a hub link, which carries the calls of many connections of the other
   * hub, each bounded there by these limits: frames as large as a peer's plus what a hub adds
   * (reply address, caller identity, timeout); calls bounded on this side only by what each agent
   * connection may have waiting ({@code maxPendingDeliveries}), as calls arriving on the event bus
   * are; as many bytes queued as one identity may hold.
   */
  Limits forLinks() {
    int many = 1 << 20;
    return new Limits(
        (int) Math.min(Integer.MAX_VALUE, maxFrameBytes + 64L * 1024),
        maxLoginFrameBytes,
        many,
        many,
        (int)
            Math.min(
                Integer.MAX_VALUE, Math.max(maxQueuedWriteBytes, maxQueuedWriteBytesPerIdentity)),
        maxQueuedWriteBytesPerIdentity,
        maxQueuedWriteBytesTotal,
        maxFrameBufferBytesPerIdentity,
        maxFrameBufferBytesTotal,
        0,
        0,
        maxRegistrationsTotal,
        maxAddressChars,
        defaultTimeoutMs,
        maxTimeoutMs,
        loginTimeoutMs,
        0,
        drainTimeoutMs,
        maxConnectionsPerAddress,
        maxConnectionsPerIdentity,
        maxPendingLoginsPerAddress,
        maxPendingLogins,
        maxLoginFailuresPerMinute,
        loginFailureDelayMs,
        maxLoginFailureDelayMs,
        0);
  }

  /** A caller's requested timeout, clamped into {@code 1..maxTimeoutMs}. */
  public long clampTimeout(Long requested) {
    if (requested == null || requested <= 0) {
      return defaultTimeoutMs;
    }
    return Math.min(requested, maxTimeoutMs);
  }
}
