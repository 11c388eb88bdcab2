package io.dialback.hub.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Makes certificates in process (EC P-256, SHA-256 with ECDSA) with BouncyCastle: the hub's
 * self-signed one, and a CA with the certificates it signs for tests and local clusters. No {@code
 * keytool} subprocess, so it works on a runtime image without one.
 */
public final class Certificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A key pair and the certificate for it. */
  public record Issued(KeyPair keys, X509Certificate certificate) {}

  private Certificates() {}

  /**
   * A self-signed server certificate for {@code commonName}, valid from an hour ago for {@code
   * validity}, for the given IP addresses and host names.
   */
  public static Issued selfSigned(
      String commonName, List<String> ips, List<String> dnsNames, Duration validity)
      throws GeneralSecurityException {
    KeyPair keys = keyPair();
    X500Name name = new X500Name("CN=" + commonName);
    X509v3CertificateBuilder b = builder(name, name, keys, validity);
    usage(b, false, KeyPurposeId.id_kp_serverAuth);
    names(b, ips, dnsNames);
    return new Issued(keys, sign(b, keys.getPrivate()));
  }

  /** A certificate authority named {@code commonName}. */
  public static Issued authority(String commonName, Duration validity)
      throws GeneralSecurityException {
    KeyPair keys = keyPair();
    X500Name name = new X500Name("CN=" + commonName);
    X509v3CertificateBuilder b = builder(name, name, keys, validity);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return new Issued(keys, sign(b, keys.getPrivate()));
  }

  /**
   * A certificate for {@code commonName} signed by {@code ca}, for TLS clients ({@code purposes}
   * says which: client, server or both) and the given addresses.
   */
  public static Issued signed(
      Issued ca, String commonName, List<String> ips, Duration validity, KeyPurposeId... purposes)
      throws GeneralSecurityException {
    KeyPair keys = keyPair();
    X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder b = builder(issuer, new X500Name("CN=" + commonName), keys, validity);
    usage(b, true, purposes);
    names(b, ips, List.of());
    return new Issued(keys, sign(b, ca.keys().getPrivate()));
  }

  /** Writes {@code certificate} as PEM. */
  public static void writePem(Path file, X509Certificate certificate) throws IOException {
    try (Writer w = Files.newBufferedWriter(file);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(certificate);
    }
  }

  /** Writes {@code key} as PEM (PKCS#8). */
  public static void writeKeyPem(Path file, PrivateKey key) throws IOException {
    try (Writer w = Files.newBufferedWriter(file);
        JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
    }
  }

  /** Writes a PKCS#12 key store holding {@code issued} under {@code alias}. */
  public static void writePkcs12(Path file, String alias, Issued issued, String password)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        alias,
        issued.keys().getPrivate(),
        password.toCharArray(),
        new Certificate[] {issued.certificate()});
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(validity)),
        subject,
        keys.getPublic());
  }

  private static void usage(X509v3CertificateBuilder b, boolean critical, KeyPurposeId... purposes)
      throws GeneralSecurityException {
    try {
      b.addExtension(
          Extension.keyUsage,
          critical,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static void names(X509v3CertificateBuilder b, List<String> ips, List<String> dnsNames)
      throws GeneralSecurityException {
    if (ips.isEmpty() && dnsNames.isEmpty()) {
      return;
    }
    GeneralName[] all = new GeneralName[ips.size() + dnsNames.size()];
    int i = 0;
    for (String ip : ips) {
      all[i++] = new GeneralName(GeneralName.iPAddress, ip);
    }
    for (String dns : dnsNames) {
      all[i++] = new GeneralName(GeneralName.dNSName, dns);
    }
    try {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(all));
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
