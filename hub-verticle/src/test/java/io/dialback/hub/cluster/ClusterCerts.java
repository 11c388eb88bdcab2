package io.dialback.hub.cluster;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A cluster CA and the member certificates it signs, made in-process (EC P-256): PEM files for
 * {@code cluster.tls}. Each call to {@link #authority} is a new, unrelated CA.
 */
public final class ClusterCerts {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final String name;
  private final X500Name caName;
  private final KeyPair caKeys;

  /** A member's PEM files. */
  public record Member(Path certPem, Path keyPem) {}

  private ClusterCerts(Path dir, String name, X500Name caName, KeyPair caKeys) {
    this.dir = dir;
    this.name = name;
    this.caName = caName;
    this.caKeys = caKeys;
  }

  /** A new CA named {@code name}, written to {@code dir/<name>-ca.pem}. */
  public static ClusterCerts authority(Path dir, String name) throws Exception {
    Files.createDirectories(dir);
    X500Name subject = new X500Name("CN=" + name + " cluster CA");
    KeyPair keys = keyPair();
    X509v3CertificateBuilder builder = builder(subject, subject, keys);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    ClusterCerts ca = new ClusterCerts(dir, name, subject, keys);
    writePem(ca.caPem(), sign(builder, keys.getPrivate()));
    return ca;
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
    KeyPair keys = keyPair();
    X509v3CertificateBuilder builder = builder(caName, new X500Name("CN=" + member), keys);
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    builder.addExtension(
        Extension.extendedKeyUsage,
        false,
        new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
    Path cert = dir.resolve(member + "-cert.pem");
    Path key = dir.resolve(member + "-key.pem");
    writePem(cert, sign(builder, caKeys.getPrivate()));
    try (Writer w = Files.newBufferedWriter(key);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new PemObject("PRIVATE KEY", keys.getPrivate().getEncoded())); // PKCS#8
    }
    return new Member(cert, key);
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(2))),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static void writePem(Path file, X509Certificate cert) throws IOException {
    try (Writer w = Files.newBufferedWriter(file);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(cert);
    }
  }
}
