package io.dialback.hub.registry;

import io.vertx.core.Future;
import java.util.List;

/**
 * Which agent names are bound, by which connection on which hub; the source of {@code
 * hub.agents.list} and of the {@code joined}/{@code left} events.
 */
public interface AgentRegistry {
  /**
   * Binds the record's name; fails with a {@code conflict} when a live connection holds it. {@code
   * lost} runs if the binding is later taken away (after a cluster split heals and another hub's
   * connection holds the name), so that the connection can be closed.
   */
  Future<Void> bind(AgentRecord record, Runnable lost);

  /** Releases the name if it is still bound by this record's connection, and says {@code left}. */
  Future<Void> unbind(AgentRecord record);

  /**
   * The record's hub is stopping and has told its agent to move: another hub's connection may take
   * the name over (and the move is announced as {@code joined} there, not as {@code left}).
   */
  default Future<Void> markMoving(AgentRecord record) {
    return Future.succeededFuture();
  }

  /** Every bound agent, ordered by name. */
  Future<List<AgentRecord>> list();

  /** How many agents are bound (a cheaper question than {@link #list()} where it can be). */
  default Future<Integer> size() {
    return list().map(List::size);
  }

  /** Stops background work (lease renewal, listeners). */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
