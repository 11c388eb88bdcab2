package io.dialback.shell;

import io.dialback.conf.HubAddress;
import io.dialback.tls.Fingerprints;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * After a TLS connection failed: does the hub speak TLS at all, and with which certificate? A
 * handshake that trusts anything tells an untrusted certificate (whose fingerprint the hint can
 * show) from a port that does not speak TLS. Nothing is sent after the handshake.
 */
final class TlsProbe {
  private TlsProbe() {}

  /** The SHA-256 fingerprint the hub presents, or null if no TLS handshake succeeds there. */
  static String presentedFingerprint(String hub, Duration timeout) {
    try {
      HubAddress target = HubAddress.parse(hub); // host:port or wss://host:port/path
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      int millis = (int) Math.min(3_000, Math.max(200, timeout.toMillis()));
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(target.host(), target.port()), millis);
        plain.setSoTimeout(millis);
        try (SSLSocket tls =
            (SSLSocket)
                context
                    .getSocketFactory()
                    .createSocket(plain, target.host(), target.port(), false)) {
          tls.startHandshake();
          return Fingerprints.sha256((X509Certificate) tls.getSession().getPeerCertificates()[0]);
        }
      }
    } catch (Exception e) {
      return null;
    }
  }

  /** Trusts every certificate: only for looking at what the hub presents, never for a session. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
