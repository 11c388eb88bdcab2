package io.dialback.hub.cluster;

import io.dialback.hub.tls.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/**
 * A cluster CA and the member certificates it signs, made in-process (EC P-256): PEM files for
 * {@code cluster.tls}. Each call to {@link #authority} is a new, unrelated CA.
 */
public final class ClusterCerts {
  private static final Duration VALIDITY = Duration.ofDays(2);

  private final Path dir;
  private final String name;
  private final Certificates.Issued ca;

  /** A member's PEM files. */
  public record Member(Path certPem, Path keyPem) {}

  private ClusterCerts(Path dir, String name, Certificates.Issued ca) {
    this.dir = dir;
    this.name = name;
    this.ca = ca;
  }

  /** A new CA named {@code name}, written to {@code dir/<name>-ca.pem}. */
  public static ClusterCerts authority(Path dir, String name) throws Exception {
    Files.createDirectories(dir);
    ClusterCerts certs =
        new ClusterCerts(dir, name, Certificates.authority(name + " cluster CA", VALIDITY));
    Certificates.writePem(certs.caPem(), certs.ca.certificate());
    return certs;
  }

  /** The CA's certificate in PEM: every member's {@code cluster.tls.caPath}. */
  public Path caPem() {
    return dir.resolve(name + "-ca.pem");
  }

  /**
   * A member certificate for {@code member}, signed by this CA, for 127.0.0.1, usable as TLS server
   * and client.
   */
  public Member member(String member) throws Exception {
    Certificates.Issued issued =
        Certificates.signed(
            ca,
            member,
            List.of("127.0.0.1"),
            VALIDITY,
            KeyPurposeId.id_kp_serverAuth,
            KeyPurposeId.id_kp_clientAuth);
    Path cert = dir.resolve(member + "-cert.pem");
    Path key = dir.resolve(member + "-key.pem");
    Certificates.writePem(cert, issued.certificate());
    Certificates.writeKeyPem(key, issued.keys().getPrivate());
    return new Member(cert, key);
  }
}
