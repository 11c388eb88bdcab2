package io.dialback.hub;

import io.dialback.hub.tls.Keytool;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;

/** A test CA and client certificates it signs, made with keytool; PEM files for Vert.x. */
public final class TestCerts {
  private static final String PASSWORD = "test-password";

  private final Path dir;

  private TestCerts(Path dir) {
    this.dir = dir;
  }

  /** A new CA in {@code dir}: {@code ca.p12} and {@code ca.pem}. */
  public static TestCerts authority(Path dir) throws Exception {
    Files.createDirectories(dir);
    Keytool.run(
        List.of(
            "-genkeypair",
            "-alias",
            "ca",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=dialback test CA",
            "-ext",
            "bc:c",
            "-validity",
            "30",
            "-keystore",
            dir.resolve("ca.p12").toString(),
            "-storetype",
            "PKCS12",
            "-storepass",
            PASSWORD,
            "-keypass",
            PASSWORD));
    Keytool.run(
        List.of(
            "-exportcert",
            "-rfc",
            "-alias",
            "ca",
            "-keystore",
            dir.resolve("ca.p12").toString(),
            "-storepass",
            PASSWORD,
            "-file",
            dir.resolve("ca.pem").toString()));
    return new TestCerts(dir);
  }

  /** The CA's certificate in PEM: what a hub trusts client certificates by. */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  /** A client certificate for {@code commonName}, signed by this CA: {@code [certPem, keyPem]}. */
  public Path[] client(String commonName) throws Exception {
    Path store = dir.resolve(commonName + ".p12");
    String s = store.toString();
    Keytool.run(
        List.of(
            "-genkeypair",
            "-alias",
            "me",
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-dname",
            "CN=" + commonName,
            "-validity",
            "30",
            "-keystore",
            s,
            "-storetype",
            "PKCS12",
            "-storepass",
            PASSWORD,
            "-keypass",
            PASSWORD));
    Path csr = dir.resolve(commonName + ".csr");
    Keytool.run(
        List.of(
            "-certreq",
            "-alias",
            "me",
            "-keystore",
            s,
            "-storepass",
            PASSWORD,
            "-file",
            csr.toString()));
    Path cert = dir.resolve(commonName + "-cert.pem");
    Keytool.run(
        List.of(
            "-gencert",
            "-alias",
            "ca",
            "-keystore",
            dir.resolve("ca.p12").toString(),
            "-storepass",
            PASSWORD,
            "-infile",
            csr.toString(),
            "-outfile",
            cert.toString(),
            "-rfc",
            "-validity",
            "30",
            "-ext",
            "eku=clientAuth"));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    Key key = ks.getKey("me", PASSWORD.toCharArray());
    Path keyPem = dir.resolve(commonName + "-key.pem");
    Files.writeString(
        keyPem,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    return new Path[] {cert, keyPem};
  }
}
