package io.dialback.hub.gate;

import io.vertx.core.json.JsonObject;

/**
 * Who a connection is once its {@code hub.login} succeeded.
 *
 * @param identity the bound agent name, or the token's id for clients
 * @param name the bound agent name, or {@code null} when none was bound
 * @param meta what the peer said about itself at login (never null)
 * @param grant the token (or certificate) that let it in
 */
public record Login(String identity, Role role, String name, JsonObject meta, TokenGrant grant) {}
