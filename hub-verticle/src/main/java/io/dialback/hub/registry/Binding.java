package io.dialback.hub.registry;

/** One of this hub's own bindings; {@code stored} changes if this member's id does. */
final class Binding {
  final AgentRecord record;
  final Runnable lost;
  volatile String stored;

  /** This hub is stopping and the agent moves: losing the name is expected, not a loss. */
  volatile boolean moving;

  Binding(AgentRecord record, Runnable lost, String stored) {
    this.record = record;
    this.lost = lost;
    this.stored = stored;
  }
}
