package io.dialback.hub.tls;

import io.dialback.tls.Fingerprints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The hub's own certificate for local runs: made once in process (EC P-256, ten years, the hub's IP
 * addresses as subject alternative names), kept in a folder, and reused after. Clients trust it by
 * pinning its SHA-256 fingerprint, or by trusting the exported PEM.
 *
 * @param keyStore PKCS#12 with the key and certificate
 * @param password the key store's password (kept beside it, readable by the owner only)
 * @param certificate the certificate in PEM, for clients to trust
 * @param fingerprint SHA-256 of the certificate, as {@code AB:CD:...}
 * @param generated whether it was made just now
 */
public record SelfSigned(
    Path keyStore, String password, Path certificate, String fingerprint, boolean generated) {

  private static final String ALIAS = "dialback-hub";

  /** The certificate in {@code dir}, made first if it is not there yet. */
  public static SelfSigned in(Path dir, List<String> addresses) throws IOException {
    Path store = dir.resolve("hub.p12");
    Path passwordFile = dir.resolve("hub.p12.password");
    Path pem = dir.resolve("hub-cert.pem");
    boolean generated = false;
    if (!Files.exists(store)) {
      Files.createDirectories(dir);
      String password = io.dialback.hub.gate.Tokens.generate();
      writePrivate(passwordFile, password);
      Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1"));
      Set<String> dns = new LinkedHashSet<>();
      for (String a : addresses) {
        if (a.equals("0.0.0.0") || a.equals("::")) {
          continue;
        }
        (a.matches("[0-9.]+|[0-9a-fA-F:]+") ? ips : dns).add(a);
      }
      try {
        Certificates.Issued cert =
            Certificates.selfSigned(
                "dialback hub", List.copyOf(ips), List.copyOf(dns), Duration.ofDays(3650));
        Certificates.writePkcs12(store, ALIAS, cert, password);
        restrict(store);
        Certificates.writePem(pem, cert.certificate());
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot make a certificate: " + e.getMessage(), e);
      }
      generated = true;
    }
    String password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
    return new SelfSigned(
        store, password, pem, Fingerprints.sha256(readCertificate(pem)), generated);
  }

  static X509Certificate readCertificate(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (CertificateException e) {
      throw new IOException("cannot read the certificate " + pem + ": " + e.getMessage(), e);
    }
  }

  private static void writePrivate(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    restrict(file);
  }

  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
  }
}
