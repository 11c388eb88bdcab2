package io.dialback.hub.gate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Making and hashing tokens. */
public final class Tokens {
  /** Prefix of a hashed token in conf: {@code "tokenHash": "sha256:<hex>"}. */
  public static final String SHA256 = "sha256:";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** A new token: 32 random bytes, base64url (43 characters). */
  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * The SHA-256 of a token, in hex. Tokens are long random strings, so one round of SHA-256 is as
   * good as a slow password hash here, and lets the hub look a token up in constant time.
   */
  public static String sha256Hex(String token) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }
}
