package io.dialback.shell;

import io.dialback.api.FileHash;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** {@code --verify}: the SHA-256 at both ends of a transfer, compared. */
final class Verify {
  private Verify() {}

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[256 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static FileHash remote(Session session, RemotePath remote) {
    return session.await(
        session.dialback().agent(remote.agent()).hash(remote.bare()), null, "hash " + remote);
  }

  /** Fails unless both sums are equal; says what was checked on stderr when on a terminal. */
  static void same(Session session, String what, String one, String other) throws IOException {
    if (!one.equals(other)) {
      throw new IOException(
          "verify failed for "
              + what
              + ": sha256 "
              + one
              + " at one end, "
              + other
              + " at the other");
    }
    if (session.onTerminal()) {
      session.err.println("verified " + what + ": sha256 " + one);
    }
  }
}
