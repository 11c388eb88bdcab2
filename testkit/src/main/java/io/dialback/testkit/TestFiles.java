package io.dialback.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Real files for transfer tests: pseudo-random content of any size, and checksums. */
public final class TestFiles {
  private TestFiles() {}

  /** Writes {@code size} pseudo-random bytes (same seed, same bytes) without holding them. */
  public static Path random(Path path, long size, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(path)) {
      long left = size;
      while (left > 0) {
        for (int i = 0; i < block.length; i += 8) {
          long r = random.nextLong();
          for (int j = 0; j < 8 && i + j < block.length; j++) {
            block[i + j] = (byte) (r >>> (8 * j));
          }
        }
        int n = (int) Math.min(block.length, left);
        out.write(block, 0, n);
        left -= n;
      }
    }
    return path;
  }

  /** Deletes a folder and everything below it, if it exists. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** SHA-256 of a file, streamed. */
  public static String sha256(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
