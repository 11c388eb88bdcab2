package io.dialback.shell;

import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.client.ProxySettings;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Dials the hub for the shell and, when that fails, says why in one line: the hub's own reason when
 * it gave one, a hint at {@code --tls} / {@code --trust} / {@code --pin} when TLS is the problem,
 * and "no answer within N s" for a hub that never answers — never later than the connect timeout.
 */
final class HubDialer {
  /** The connection settings of {@link ShellCommand}. */
  record Target(
      List<String> hubs,
      String token,
      boolean tls,
      Path trust,
      String pin,
      boolean noVerifyHost,
      Duration connectTimeout,
      ProxySettings proxy) {}

  private HubDialer() {}

  static NetClientOptions net(Target t) {
    NetClientOptions net =
        new NetClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, t.connectTimeout().toMillis()))
            .setTcpNoDelay(true);
    if (t.tls()) {
      net.setSsl(true).setHostnameVerificationAlgorithm(t.noVerifyHost() ? "" : "HTTPS");
      if (t.trust() != null) {
        net.setTrustOptions(new PemTrustOptions().addCertPath(t.trust().toString()));
      }
    }
    return net;
  }

  /** A connected client, or {@link Session.NoConnection} with the line that says why not. */
  static BridgeClient dial(Vertx vertx, Target t) {
    ClientOptions.Builder options =
        ClientOptions.builder()
            .hubs(t.hubs())
            .token(t.token())
            .net(net(t))
            .requestTimeout(t.connectTimeout()) // the login's answer, too, within the timeout
            .backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.25)
            .proxy(t.proxy())
            .maxConnectAttempts(Math.max(3, t.hubs().size()));
    if (t.tls() && t.pin() != null) {
      try {
        options.pin(t.pin());
      } catch (IllegalArgumentException e) {
        throw new Usage("--pin: " + e.getMessage());
      }
    }
    BridgeClient client = BridgeClient.create(vertx, options.build());
    try {
      client.connect().await(t.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
      return client;
    } catch (TimeoutException e) {
      client.close();
      throw new Session.NoConnection(
          line(
              t,
              "no answer within "
                  + seconds(t.connectTimeout())
                  + " (the connect timeout; --connect-timeout changes it)",
              t.tls()
                  ? "is it a dialback hub, speaking TLS on that port?"
                  : "is it a dialback hub? If it speaks TLS, add --tls with --trust PEM or --pin"
                      + " SHA256"));
    } catch (Exception e) {
      client.close();
      String reason = Shell.describe(e);
      String hint = hint(t, reason);
      if (t.tls() && hint != null && hint.startsWith(HANDSHAKE_FAILED)) {
        // Vert.x says only "Failed to create SSL connection": look at what the hub presents.
        String presented = TlsProbe.presentedFingerprint(t.hubs().get(0), t.connectTimeout());
        if (presented != null) {
          hint =
              t.trust() == null && t.pin() == null
                  ? "the hub's certificate is not trusted here; if SHA-256 "
                      + presented
                      + " is your hub's (it prints it when it starts), give --pin "
                      + presented
                      + ", or --trust with its PEM file"
                  : "the hub presents the certificate SHA-256 "
                      + presented
                      + ", which --trust / --pin does not accept";
        }
      }
      throw new Session.NoConnection(line(t, reason, hint));
    }
  }

  private static final String HANDSHAKE_FAILED = "the TLS handshake failed";

  private static String line(Target t, String reason, String hint) {
    return "dialback: cannot connect to "
        + String.join(",", t.hubs())
        + ": "
        + Printable.of(reason)
        + (hint == null ? "" : ". Hint: " + hint);
  }

  /** A hint where the failure looks like a TLS mismatch or an untrusted certificate. */
  static String hint(Target t, String reason) {
    String r = reason.toLowerCase(Locale.ROOT);
    boolean tlsTrouble =
        r.contains("ssl")
            || r.contains("tls")
            || r.contains("handshake")
            || r.contains("pkix")
            || r.contains("certificate");
    if (t.tls() && tlsTrouble) {
      if (r.contains("pkix") || r.contains("certificate") || r.contains("unable to find valid")) {
        return t.trust() == null && t.pin() == null
            ? "the hub's certificate is not trusted here: give --trust HUB-CERT.pem, or --pin"
                + " SHA256 with the fingerprint the hub prints when it starts"
            : "the hub's certificate is not the one --trust / --pin names";
      }
      return HANDSHAKE_FAILED
          + ": does the hub speak TLS on that port? Without TLS, leave out --tls";
    }
    if (!t.tls() && r.startsWith("unavailable: connection to") && r.contains("closed")) {
      return "the hub closed the connection without answering the login: if it speaks TLS, add"
          + " --tls (with --trust PEM or --pin SHA256)";
    }
    return null;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
