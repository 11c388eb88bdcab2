package io.dialback.hub.gate;

import io.dialback.conf.Settings;
import io.dialback.wire.Wire;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code auth.tokens}: a secret, the role it grants, and for agents the names it may
 * bind.
 *
 * @param id a non-secret label for logs; defaults to the role and the first name
 */
public record TokenGrant(String id, String token, Role role, List<String> names) {

  public TokenGrant {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(token, "token == null");
    Objects.requireNonNull(role, "role == null");
    names = List.copyOf(names);
  }

  /** Reads one {@code auth.tokens[i]} object. */
  public static TokenGrant from(Settings s) {
    s.onlyKeys("token", "role", "names", "id");
    String token = s.requiredString("token");
    if (token.length() < 8) {
      throw s.fail("token", "must be at least 8 characters long");
    }
    String roleName = s.requiredString("role");
    Role role = Role.of(roleName);
    if (role == null) {
      throw s.fail("role", "must be \"agent\" or \"client\", got \"" + roleName + "\"");
    }
    List<String> names = s.strings("names", List.of());
    for (String name : names) {
      if (!Wire.isValidAgentName(name)) {
        throw s.fail(
            "names",
            "\"" + name + "\" is not a valid agent name (letters, digits, _ and -, at most 64)");
      }
    }
    if (role == Role.AGENT && names.isEmpty()) {
      throw s.fail("names", "an agent token must list the names it may bind");
    }
    if (role == Role.CLIENT && !names.isEmpty()) {
      throw s.fail("names", "a client token binds no names; use role \"agent\" to bind names");
    }
    String id = s.string("id", role == Role.AGENT ? "agent:" + names.get(0) : "client");
    return new TokenGrant(id, token, role, names);
  }

  @Override
  public String toString() {
    // Never print the secret.
    return "TokenGrant[id=" + id + ", role=" + role.wireName() + ", names=" + names + "]";
  }
}
