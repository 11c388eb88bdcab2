package io.dialback.link;

/**
 * Why a connection ended, on either side: one name that logs, the audit trail and metrics share (in
 * the way nats-server types every close).
 */
public enum CloseReason {
  /** The peer closed the connection, or it broke. */
  PEER_CLOSED("peer_closed"),
  /** This side closed it: a client's {@code close()}, an agent stopping. */
  CLOSED_BY_US("closed"),
  /** No login within the login timeout. */
  LOGIN_TIMEOUT("login_timeout"),
  /** The login was refused (credentials, name, conf). */
  LOGIN_REFUSED("login_refused"),
  /** A frame other than the login came first. */
  NOT_LOGGED_IN("not_logged_in"),
  /** A frame the hub could not read before login. */
  PROTOCOL_VIOLATION("protocol_violation"),
  /** A declared frame length beyond the bound. */
  MAX_FRAME_EXCEEDED("max_frame_exceeded"),
  /** The peer did not read: its queued bytes passed their bound. */
  SLOW_CONSUMER("slow_consumer"),
  /** The hub's or the identity's memory bounds were reached and this peer was the one to go. */
  MEMORY_PRESSURE("memory_pressure"),
  /** Too many connections at once (per address, identity or logging in). */
  TOO_MANY_CONNECTIONS("too_many_connections"),
  /** The token was revoked or expired while the connection was open. */
  TOKEN_REVOKED("token_revoked"),
  /** Another connection holds the agent name now (a healed cluster split). */
  NAME_TAKEN("name_taken"),
  /** The hub is stopping. */
  SHUTDOWN("shutdown"),
  /** Nothing heard from the other side within the idle or ping timeout. */
  IDLE("idle"),
  /** A defect of ours. */
  INTERNAL("internal");

  private final String label;

  CloseReason(String label) {
    this.label = label;
  }

  /** The short name in logs, audit lines and metric labels. */
  public String label() {
    return label;
  }
}
