package io.dialback.agent;

import java.util.List;

/**
 * A service an agent offers beside its files: a verticle, listed in the agent's conf under {@code
 * services}, that answers local event-bus consumers at {@code <address>.<operation>}, where {@code
 * address} ({@code agent.<name>.<service>}) arrives in its config. The agent exposes each operation
 * to the hub for as long as it runs.
 *
 * <p>A verticle that does not implement this interface can still be listed; its conf entry then
 * names the operations.
 */
public interface AgentService {
  /** Config key of the address prefix the service registers below. */
  String ADDRESS = "address";

  /** Config key of the agent's shared root folder. */
  String ROOT = "root";

  /** The operations served, each at {@code <address>.<operation>}. */
  List<String> operations();
}
