package io.dialback.hub.bridge;

/** Who called whom, as metrics count calls: a fixed set, whatever the fleet. */
public enum CallKind {
  /** A client's request to an agent's address. */
  CLIENT_TO_AGENT("client_to_agent"),
  /** An agent's request to another agent's address. */
  AGENT_TO_AGENT("agent_to_agent"),
  /**
   * A Vert.x service (in this hub's Vert.x or a cluster member) calling an agent connected here;
   * calls a bridge connection passed on are counted by the hub that caller is connected to.
   */
  HUB_TO_AGENT("hub_to_agent"),
  /** A peer's request to an address that is not an agent's: {@code hub.*}, a Vert.x service. */
  TO_SERVICE("to_service"),
  /** A peer's publish (no answer, so no latency). */
  PUBLISH("publish");

  private final String label;

  CallKind(String label) {
    this.label = label;
  }

  /** The metric label value. */
  public String label() {
    return label;
  }

  /** The kind of a peer's request to {@code address}, by the caller's role. */
  static CallKind of(boolean callerIsAgent, boolean toAgent) {
    if (!toAgent) {
      return TO_SERVICE;
    }
    return callerIsAgent ? AGENT_TO_AGENT : CLIENT_TO_AGENT;
  }
}
