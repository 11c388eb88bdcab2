package io.dialback.client;

/**
 * What the hub said to a successful {@code hub.login}.
 *
 * @param identity who the hub takes this connection for (the agent name, or the token's id)
 * @param role {@code agent} or {@code client}
 * @param hub the hub's name
 */
public record LoginReply(String identity, String role, String hub) {}
