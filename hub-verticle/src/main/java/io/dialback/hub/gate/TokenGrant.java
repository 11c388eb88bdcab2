package io.dialback.hub.gate;

import io.dialback.conf.Settings;
import io.dialback.wire.Wire;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of {@code auth.tokens}: a secret (or its SHA-256), the role it grants, for agents the
 * names it may bind, optionally the addresses its holder may use and when it expires.
 *
 * <p>An agent token's {@code names} holds names ({@code alpha}) and patterns: a name's beginning
 * followed by {@code *} ({@code edge-*}), which lets one token enrol a fleet. A pattern binds any
 * valid name that begins with the prefix and is longer; still one live connection per name.
 *
 * @param id a non-secret label for logs and audit lines; defaults to the role and first name
 * @param digest SHA-256 of the token, in hex: the only form in which the hub keeps it
 * @param allow address patterns (regular expressions) the holder may send to, publish to and
 *     register; empty means any address the fixed rules allow
 * @param expires when the token stops working; {@code null} for never
 */
public record TokenGrant(
    String id, String digest, Role role, List<String> names, List<Pattern> allow, Instant expires) {

  public TokenGrant {
    Objects.requireNonNull(id, "id == null");
    Objects.requireNonNull(digest, "digest == null");
    Objects.requireNonNull(role, "role == null");
    names = List.copyOf(names);
    allow = List.copyOf(allow);
  }

  /** Reads one {@code auth.tokens[i]} object: {@code token} or {@code tokenHash}, and the rest. */
  public static TokenGrant from(Settings s) {
    s.onlyKeys("token", "tokenHash", "role", "names", "id", "allow", "expires");
    String token = s.string("token", null);
    String hash = s.string("tokenHash", null);
    String digest;
    if ((token == null) == (hash == null)) {
      throw s.fail(
          "token", "give either token or tokenHash (\"sha256:<hex>\"), not both or neither");
    }
    if (token != null) {
      if (token.length() < 8) {
        throw s.fail("token", "must be at least 8 characters long");
      }
      digest = Tokens.sha256Hex(token);
    } else {
      if (!hash.matches(Tokens.SHA256 + "[0-9a-f]{64}")) {
        throw s.fail(
            "tokenHash",
            "must be \"sha256:\" and 64 lower-case hex digits (see: dialback-hub.jar token)");
      }
      digest = hash.substring(Tokens.SHA256.length());
    }
    String roleName = s.requiredString("role");
    Role role = Role.of(roleName);
    if (role == null) {
      throw s.fail("role", "must be \"agent\" or \"client\", got \"" + roleName + "\"");
    }
    List<String> names = s.strings("names", List.of());
    for (String name : names) {
      if (!Wire.isValidAgentName(isPattern(name) ? prefixOf(name) : name)) {
        throw s.fail(
            "names",
            "\""
                + name
                + "\" is neither a valid agent name (letters, digits, _ and -, at most 64) nor such"
                + " a name's beginning followed by one * (edge-*)");
      }
    }
    if (role == Role.AGENT && names.isEmpty()) {
      throw s.fail("names", "an agent token must list the names it may bind");
    }
    if (role == Role.CLIENT && !names.isEmpty()) {
      throw s.fail("names", "a client token binds no names; use role \"agent\" to bind names");
    }
    List<Pattern> allow = new ArrayList<>();
    for (String pattern : s.strings("allow", List.of())) {
      try {
        allow.add(Pattern.compile(pattern));
      } catch (PatternSyntaxException e) {
        throw s.fail(
            "allow", "\"" + pattern + "\" is not a regular expression: " + e.getDescription());
      }
    }
    Instant expires = null;
    String until = s.string("expires", null);
    if (until != null) {
      try {
        expires = Instant.parse(until);
      } catch (DateTimeParseException e) {
        throw s.fail(
            "expires",
            "must be an ISO-8601 instant like 2027-01-31T00:00:00Z, got \"" + until + "\"");
      }
    }
    String id = s.string("id", role == Role.AGENT ? "agent:" + names.get(0) : "client");
    return new TokenGrant(id, digest, role, names, allow, expires);
  }

  /** Whether {@code entry} of {@code names} is a pattern ({@code edge-*}), not one name. */
  public static boolean isPattern(String entry) {
    return entry.endsWith("*");
  }

  /** What a name bound by pattern {@code entry} begins with. */
  public static String prefixOf(String entry) {
    return entry.substring(0, entry.length() - 1);
  }

  /**
   * Whether the holder may bind {@code name}: listed as it is, or beginning with a pattern's prefix
   * and longer than it (case counts, as in addresses).
   */
  public boolean mayBind(String name) {
    for (String entry : names) {
      if (isPattern(entry)
          ? name.length() > entry.length() - 1 && name.startsWith(prefixOf(entry))
          : entry.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a login must say which name it binds: more than one, or a pattern. */
  public boolean nameNeeded() {
    return names.size() != 1 || isPattern(names.get(0));
  }

  /** Whether the holder may use {@code address} (always, without {@code allow} patterns). */
  public boolean allows(String address) {
    if (allow.isEmpty()) {
      return true;
    }
    for (Pattern p : allow) {
      if (p.matcher(address).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code other} grants the same: same secret, role, names, patterns and expiry. (Record
   * equality would compare the compiled patterns by identity.)
   */
  public boolean sameAs(TokenGrant other) {
    return digest.equals(other.digest)
        && role == other.role
        && names.equals(other.names)
        && Objects.equals(expires, other.expires)
        && allow.stream()
            .map(Pattern::pattern)
            .toList()
            .equals(other.allow.stream().map(Pattern::pattern).toList());
  }

  public boolean expiredAt(Instant now) {
    return expires != null && !now.isBefore(expires);
  }

  @Override
  public String toString() {
    // Never the secret, nor its hash.
    return "TokenGrant[id=" + id + ", role=" + role.wireName() + ", names=" + names + "]";
  }
}
