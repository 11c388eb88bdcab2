package io.dialback.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Certificate pinning: trusting exactly the certificate with a given SHA-256 fingerprint, as a hub
 * prints for its self-signed certificate. The pin is the whole authentication, so host names are
 * not checked against it.
 */
public final class Fingerprints {
  private Fingerprints() {}

  /** {@code AB:CD:...}: the SHA-256 of the certificate's DER encoding. */
  public static String sha256(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a certificate", e);
    }
  }

  /** The fingerprint in one canonical form; accepts colons or none, any case. */
  public static String normalise(String fingerprint) {
    String hex = fingerprint.replace(":", "").trim().toUpperCase(Locale.ROOT);
    if (!hex.matches("[0-9A-F]{64}")) {
      throw new IllegalArgumentException(
          "not a SHA-256 fingerprint (64 hex digits): " + fingerprint);
    }
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(HexFormat.of().parseHex(hex));
  }

  /** A trust manager that accepts only a server certificate with this fingerprint. */
  public static TrustManager pinning(String fingerprint) {
    String expected = normalise(fingerprint);
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType)
          throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException(
            "a pinning trust manager checks servers only");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType)
          throws java.security.cert.CertificateException {
        if (chain == null || chain.length == 0 || !sha256(chain[0]).equals(expected)) {
          throw new java.security.cert.CertificateException(
              "the hub's certificate is not the pinned one (expected SHA-256 "
                  + expected
                  + ", got "
                  + (chain == null || chain.length == 0 ? "none" : sha256(chain[0]))
                  + ")");
        }
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
  }
}
