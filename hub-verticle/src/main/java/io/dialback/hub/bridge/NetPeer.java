package io.dialback.hub.bridge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** A bridge connection over a TCP socket (with TLS when the port has it). */
final class NetPeer implements Peer {
  private final NetSocket socket;

  NetPeer(NetSocket socket) {
    this.socket = socket;
  }

  @Override
  public void handler(Handler<Buffer> handler) {
    socket.handler(handler);
  }

  @Override
  public void closeHandler(Handler<Void> handler) {
    socket.closeHandler(handler);
  }

  @Override
  public void exceptionHandler(Handler<Throwable> handler) {
    socket.exceptionHandler(handler);
  }

  @Override
  public Future<Void> write(Buffer data) {
    return socket.write(data);
  }

  @Override
  public void pause() {
    socket.pause();
  }

  @Override
  public void resume() {
    socket.resume();
  }

  @Override
  public void close() {
    socket.close();
  }

  @Override
  public String remote() {
    return String.valueOf(socket.remoteAddress());
  }

  @Override
  public String host() {
    return socket.remoteAddress() == null ? "?" : socket.remoteAddress().host();
  }

  @Override
  public String certifiedName() {
    return socket.isSsl() ? certifiedName(socket.sslSession()) : null;
  }

  /** The CN of the verified client certificate of a TLS session, or {@code null} without one. */
  static String certifiedName(SSLSession session) {
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
        return null;
      }
      String dn = ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
      for (Rdn rdn : new LdapName(dn).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
      return null;
    } catch (SSLPeerUnverifiedException | InvalidNameException e) {
      return null; // no client certificate
    }
  }
}
