package io.dialback.hub.cluster;

import io.dialback.conf.Settings;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code cluster.tls} section: TLS with required client certificates on the clustered event
 * bus, so that only processes holding a certificate signed by the cluster's CA exchange event-bus
 * messages with the hubs.
 *
 * <p>It does not cover Hazelcast's own port (membership and the cluster's maps): Hazelcast's open
 * source edition has no TLS. See docs/security.md.
 *
 * @param certPath PEM certificate (chain) of this member, signed by the CA in {@code caPath}
 * @param keyPath PEM private key of {@code certPath}
 * @param caPath PEM certificate(s) of the CA that signs every member's certificate
 */
public record ClusterTls(boolean enabled, String certPath, String keyPath, String caPath) {

  /** TLS off. */
  public static final ClusterTls OFF = new ClusterTls(false, null, null, null);

  public ClusterTls {
    if (enabled) {
      Objects.requireNonNull(certPath, "certPath == null");
      Objects.requireNonNull(keyPath, "keyPath == null");
      Objects.requireNonNull(caPath, "caPath == null");
    }
  }

  /**
   * Reads {@code cluster.tls}; when enabled, every file must be there and readable, the certificate
   * current and signed by the CA, so that a mistake stops the process at start with the key named
   * rather than at the first message between members.
   */
  public static ClusterTls from(Settings s) {
    s.onlyKeys("enabled", "certPath", "keyPath", "caPath");
    if (!s.bool("enabled", false)) {
      return OFF;
    }
    String cert = s.requiredString("certPath");
    String key = s.requiredString("keyPath");
    String ca = s.requiredString("caPath");
    List<X509Certificate> authorities = certificates(s, "caPath", ca);
    List<X509Certificate> chain = certificates(s, "certPath", cert);
    X509Certificate own = chain.get(0);
    try {
      own.checkValidity();
    } catch (CertificateException e) {
      throw s.fail(
          "certPath",
          cert + " is not valid now (" + own.getNotBefore() + " .. " + own.getNotAfter() + ")");
    }
    if (!chainsTo(chain, authorities)) {
      throw s.fail(
          "certPath",
          cert
              + " ("
              + own.getSubjectX500Principal().getName()
              + ") is not signed by the CA in "
              + ca);
    }
    String keyText = read(s, "keyPath", key);
    if (!keyText.matches("(?s).*-----BEGIN (RSA |EC )?PRIVATE KEY-----.*")) {
      throw s.fail("keyPath", key + " holds no PEM private key (BEGIN PRIVATE KEY)");
    }
    return new ClusterTls(true, cert, key, ca);
  }

  /** Sets {@code options} for TLS both ways: serving with client certificates, and dialling. */
  public EventBusOptions apply(EventBusOptions options) {
    if (!enabled) {
      return options;
    }
    // The event bus is a server and a client: one key pair and one trust serve both sides. Vert.x
    // derives the client's options from these (and checks no host name: members are trusted by
    // their CA alone). EventBusOptions trusts every server by default: without setTrustAll(false)
    // a hub would deliver messages to any member whose event bus shows any certificate.
    return options
        .setSsl(true)
        .setTrustAll(false)
        .setKeyCertOptions(ownKey())
        .setTrustOptions(authority())
        .setClientAuth(ClientAuth.REQUIRED);
  }

  /** A hub link's listening side, as the event bus's: TLS with client certificates required. */
  public NetServerOptions apply(NetServerOptions options) {
    if (!enabled) {
      return options;
    }
    return options
        .setSsl(true)
        .setKeyCertOptions(ownKey())
        .setTrustOptions(authority())
        .setClientAuth(ClientAuth.REQUIRED);
  }

  /**
   * A hub link's dialling side: this member's certificate, and only servers whose certificate the
   * cluster's CA signed (no host name check, as on the event bus: members are trusted by their CA).
   */
  public NetClientOptions apply(NetClientOptions options) {
    if (!enabled) {
      return options;
    }
    return options
        .setSsl(true)
        .setTrustAll(false)
        .setHostnameVerificationAlgorithm("")
        .setKeyCertOptions(ownKey())
        .setTrustOptions(authority());
  }

  /** This member's certificate and key. */
  private PemKeyCertOptions ownKey() {
    return new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath);
  }

  /** The cluster's CA: the only members this one talks to. */
  private PemTrustOptions authority() {
    return new PemTrustOptions().addCertPath(caPath);
  }

  private static List<X509Certificate> certificates(Settings s, String key, String path) {
    read(s, key, path);
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      List<X509Certificate> certs = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certs.add((X509Certificate) c);
      }
      if (certs.isEmpty()) {
        throw s.fail(key, path + " holds no PEM certificate");
      }
      return certs;
    } catch (IOException | CertificateException e) {
      throw s.fail(key, path + " is not a PEM certificate: " + e.getMessage());
    }
  }

  private static String read(Settings s, String key, String path) {
    try {
      return Files.readString(Path.of(path), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw s.fail(key, "cannot read " + path + ": no such file");
    } catch (AccessDeniedException e) {
      throw s.fail(key, "cannot read " + path + ": permission denied");
    } catch (IOException | RuntimeException e) {
      throw s.fail(key, "cannot read " + path + ": " + e);
    }
  }

  /** Whether the chain's first certificate leads, through the chain's others, to a CA's. */
  private static boolean chainsTo(List<X509Certificate> chain, List<X509Certificate> authorities) {
    X509Certificate current = chain.get(0);
    for (int hops = 0; hops < chain.size(); hops++) {
      if (signedByOneOf(current, authorities)) {
        return true;
      }
      X509Certificate issuer = null;
      for (X509Certificate candidate : chain) {
        if (candidate != current && signedByOneOf(current, List.of(candidate))) {
          issuer = candidate;
        }
      }
      if (issuer == null) {
        return false;
      }
      current = issuer;
    }
    return false;
  }

  private static boolean signedByOneOf(X509Certificate cert, List<X509Certificate> issuers) {
    for (X509Certificate issuer : issuers) {
      try {
        cert.verify(issuer.getPublicKey());
        return true;
      } catch (GeneralSecurityException e) {
        // not this one
      }
    }
    return false;
  }
}
