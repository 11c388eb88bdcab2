package io.dialback.hub.gate;

import java.util.Locale;

/** What a token lets its holder do: bind agent names, or only call and subscribe. */
public enum Role {
  AGENT,
  CLIENT;

  /** The name used in conf and on the wire. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role with this wire name, or {@code null}. */
  public static Role of(String wireName) {
    for (Role role : values()) {
      if (role.wireName().equals(wireName)) {
        return role;
      }
    }
    return null;
  }
}
