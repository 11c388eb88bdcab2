package io.dialback.hub;

import io.dialback.hub.tls.Certificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** A test CA and the client certificates it signs, as PEM files for Vert.x. */
public final class TestCerts {
  private static final Duration VALIDITY = Duration.ofDays(30);

  private final Path dir;
  private final Certificates.Issued ca;

  private TestCerts(Path dir, Certificates.Issued ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /** A new CA in {@code dir} ({@code ca.pem}). */
  public static TestCerts authority(Path dir) throws Exception {
    Files.createDirectories(dir);
    Certificates.Issued ca = Certificates.authority("dialback test CA", VALIDITY);
    TestCerts certs = new TestCerts(dir, ca);
    Certificates.writePem(certs.caPem(), ca.certificate());
    return certs;
  }

  /** The CA's certificate in PEM: what a hub trusts client certificates by. */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  /** A client certificate for {@code commonName}, signed by this CA: {@code [certPem, keyPem]}. */
  public Path[] client(String commonName) throws Exception {
    Certificates.Issued issued =
        Certificates.signed(ca, commonName, List.of(), VALIDITY, KeyPurposeId.id_kp_clientAuth);
    Path cert = dir.resolve(commonName + "-cert.pem");
    Path key = dir.resolve(commonName + "-key.pem");
    Certificates.writePem(cert, issued.certificate());
    Certificates.writeKeyPem(key, issued.keys().getPrivate());
    return new Path[] {cert, key};
  }
}
