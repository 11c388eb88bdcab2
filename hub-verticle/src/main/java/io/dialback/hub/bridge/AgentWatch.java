package io.dialback.hub.bridge;

import java.util.HashMap;
import java.util.Map;

/**
 * The calls of one connection that wait on an agent, by the peer's reply address, so that they fail
 * at once when the agent is announced gone: when an agent's hub dies, the clustered event bus would
 * leave them waiting out their timeout. The hub is told which agents this connection waits on (and
 * no more), so an announcement reaches only the connections it concerns.
 */
final class AgentWatch {
  /** A request of the peer to an agent. */
  record Call(String agent, String address) {}

  private final BridgeConnection connection;
  private final Map<String, Call> calls = new HashMap<>();
  private final Map<String, Integer> perAgent = new HashMap<>();

  AgentWatch(BridgeConnection connection) {
    this.connection = connection;
  }

  void watch(String replyAddress, String agent, String address) {
    calls.put(replyAddress, new Call(agent, address));
    if (perAgent.merge(agent, 1, Integer::sum) == 1) {
      connection.hub.watch(agent, connection);
    }
  }

  /** Stops watching a call; false when it was not watched any more (failed as its agent left). */
  boolean unwatch(String replyAddress) {
    Call call = calls.remove(replyAddress);
    if (call == null) {
      return false;
    }
    if (perAgent.merge(call.agent(), -1, Integer::sum) == 0) {
      perAgent.remove(call.agent());
      connection.hub.unwatch(call.agent(), connection);
    }
    return true;
  }

  /** Takes out every call waiting on {@code agent}, handing each to {@code failed}. */
  void agentLeft(String agent, java.util.function.BiConsumer<String, Call> failed) {
    if (perAgent.remove(agent) == null) {
      return;
    }
    calls
        .entrySet()
        .removeIf(
            e -> {
              if (!e.getValue().agent().equals(agent)) {
                return false;
              }
              failed.accept(e.getKey(), e.getValue());
              return true;
            });
    connection.hub.unwatch(agent, connection);
  }

  void close() {
    for (String agent : perAgent.keySet()) {
      connection.hub.unwatch(agent, connection);
    }
    perAgent.clear();
    calls.clear();
  }
}
