package io.dialback.hub.bridge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The calls of one connection that wait on an agent, so that they fail at once when the agent is
 * announced gone: when an agent's hub dies, the clustered event bus would leave them waiting out
 * their timeout. The hub is told which agents this connection waits on (and no more), so an
 * announcement reaches only the connections it concerns.
 */
final class AgentWatch {
  private record Call(String agent, Consumer<String> onLeft) {}

  private final BridgeConnection connection;
  private final Map<Object, Call> calls = new HashMap<>();
  private final Map<String, Integer> perAgent = new HashMap<>();

  AgentWatch(BridgeConnection connection) {
    this.connection = connection;
  }

  /** Watches call {@code key} on {@code agent}; {@code onLeft} fails it with a reason. */
  void watch(Object key, String agent, Consumer<String> onLeft) {
    calls.put(key, new Call(agent, onLeft));
    if (perAgent.merge(agent, 1, Integer::sum) == 1) {
      connection.hub.watch(agent, connection);
    }
  }

  /** Whether call {@code key} is watched (false once its agent left and it was failed). */
  boolean isWatched(Object key) {
    return calls.containsKey(key);
  }

  /** Stops watching a call; false when it was not watched any more (failed as its agent left). */
  boolean unwatch(Object key) {
    Call call = calls.remove(key);
    if (call == null) {
      return false;
    }
    if (perAgent.merge(call.agent(), -1, Integer::sum) == 0) {
      perAgent.remove(call.agent());
      connection.hub.unwatch(call.agent(), connection);
    }
    return true;
  }

  /** Fails every call waiting on {@code agent} with {@code reason}. */
  void agentLeft(String agent, String reason) {
    if (perAgent.remove(agent) == null) {
      return;
    }
    List<Call> failed = new ArrayList<>();
    calls.values().removeIf(c -> c.agent().equals(agent) && failed.add(c));
    connection.hub.unwatch(agent, connection);
    failed.forEach(c -> c.onLeft().accept(reason));
  }

  void close() {
    for (String agent : perAgent.keySet()) {
      connection.hub.unwatch(agent, connection);
    }
    perAgent.clear();
    calls.clear();
  }
}
