package io.dialback.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small proxy that does only what corporate proxies let out: HTTP {@code CONNECT host:port}
 * tunnels (with Basic proxy authentication when given {@code user:password}; any other HTTP request
 * is refused with 405), and on the same port SOCKS5 {@code CONNECT} (with username/password
 * authentication when given). It runs as a process of its own ({@code main PORT [USER:PASSWORD]})
 * so that tests go through a real proxy, and logs one line per tunnel — {@code [socks5] tunnel N to
 * HOST:PORT} when it opens, {@code tunnel N closed: A bytes up, B bytes down} when it ends — for
 * tests to check that their traffic took it.
 */
public final class ConnectProxy {
  private static final AtomicInteger TUNNELS = new AtomicInteger();

  private ConnectProxy() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    String userPassword = args.length > 1 ? args[1] : null;
    try (ServerSocket server = new ServerSocket(port, 64, InetAddress.getByName("127.0.0.1"))) {
      System.out.println("proxy listening on 127.0.0.1:" + server.getLocalPort());
      System.out.flush();
      while (true) {
        Socket client = server.accept();
        daemon(() -> serve(client, userPassword));
      }
    }
  }

  private static void serve(Socket client, String userPassword) {
    try (client) {
      InputStream in = new java.io.BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      in.mark(1);
      if (in.read() == 5) {
        socks5(client, in, out, userPassword);
        return;
      }
      in.reset();
      String credentials =
          userPassword == null
              ? null
              : "Basic "
                  + Base64.getEncoder()
                      .encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
      String requestLine = line(in);
      String auth = null;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        if (h.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:")) {
          auth = h.substring(h.indexOf(':') + 1).trim();
        }
      }
      String[] parts = requestLine.split(" ");
      if (parts.length < 3 || !parts[0].equals("CONNECT")) {
        respond(out, "405 Method Not Allowed", "only CONNECT");
        return;
      }
      if (credentials != null && !credentials.equals(auth)) {
        out.write(
            ("HTTP/1.1 407 Proxy Authentication Required\r\n"
                    + "Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        System.out.println("refused " + parts[1] + ": proxy authentication");
        return;
      }
      int colon = parts[1].lastIndexOf(':');
      String host = parts[1].substring(0, colon).replace("[", "").replace("]", "");
      int port = Integer.parseInt(parts[1].substring(colon + 1));
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(host, port), 5_000);
      } catch (IOException e) {
        respond(out, "502 Bad Gateway", e.toString());
        return;
      }
      out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      relay("", client, in, upstream, host, port);
    } catch (IOException | InterruptedException | RuntimeException e) {
      System.out.println("proxy: " + e);
    }
  }

  /** SOCKS5 (RFC 1928, 1929): the version byte is read already. */
  private static void socks5(Socket client, InputStream in, OutputStream out, String userPassword)
      throws IOException, InterruptedException {
    java.io.DataInputStream data = new java.io.DataInputStream(in);
    byte[] methods = new byte[data.readUnsignedByte()];
    data.readFully(methods);
    int wanted = userPassword == null ? 0x00 : 0x02;
    boolean offered = false;
    for (byte m : methods) {
      offered |= m == wanted;
    }
    out.write(new byte[] {5, (byte) (offered ? wanted : 0xFF)});
    out.flush();
    if (!offered) {
      System.out.println("refused socks5: no acceptable method");
      return;
    }
    if (userPassword != null) {
      data.readUnsignedByte(); // sub-negotiation version 1
      byte[] user = new byte[data.readUnsignedByte()];
      data.readFully(user);
      byte[] password = new byte[data.readUnsignedByte()];
      data.readFully(password);
      String given =
          new String(user, StandardCharsets.UTF_8)
              + ":"
              + new String(password, StandardCharsets.UTF_8);
      boolean ok = given.equals(userPassword);
      out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
      out.flush();
      if (!ok) {
        System.out.println("refused socks5: authentication");
        return;
      }
    }
    data.readUnsignedByte(); // version
    int command = data.readUnsignedByte();
    data.readUnsignedByte(); // reserved
    int type = data.readUnsignedByte();
    String host;
    if (type == 1) {
      byte[] a = new byte[4];
      data.readFully(a);
      host = InetAddress.getByAddress(a).getHostAddress();
    } else if (type == 4) {
      byte[] a = new byte[16];
      data.readFully(a);
      host = InetAddress.getByAddress(a).getHostAddress();
    } else {
      byte[] name = new byte[data.readUnsignedByte()];
      data.readFully(name);
      host = new String(name, StandardCharsets.US_ASCII);
    }
    int port = data.readUnsignedShort();
    byte[] reply = {5, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    if (command != 1) {
      reply[1] = 7; // command not supported
      out.write(reply);
      return;
    }
    Socket upstream = new Socket();
    try {
      upstream.connect(new InetSocketAddress(host, port), 5_000);
    } catch (IOException e) {
      reply[1] = 5; // connection refused
      out.write(reply);
      return;
    }
    out.write(reply);
    out.flush();
    relay("socks5 ", client, in, upstream, host, port);
  }

  private static void relay(
      String kind, Socket client, InputStream in, Socket upstream, String host, int port)
      throws IOException, InterruptedException {
    int n = TUNNELS.incrementAndGet();
    System.out.println(kind + "tunnel " + n + " to " + host + ":" + port);
    System.out.flush();
    AtomicLong up = new AtomicLong();
    AtomicLong down = new AtomicLong();
    try (upstream) {
      Thread pump = daemon(() -> copy(in, upstream, up));
      copy(upstream.getInputStream(), client, down);
      pump.join(2_000);
    }
    System.out.println(
        "tunnel " + n + " closed: " + up.get() + " bytes up, " + down.get() + " bytes down");
    System.out.flush();
  }

  private static Thread daemon(Runnable body) {
    Thread t = new Thread(body, "proxy");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void copy(InputStream from, Socket to, AtomicLong count) {
    byte[] buffer = new byte[64 * 1024];
    try {
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = from.read(buffer)) != -1) {
        out.write(buffer, 0, n);
        count.addAndGet(n);
      }
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static void respond(OutputStream out, String status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 " + status + "\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        bytes.write(b);
      }
      if (bytes.size() > 8192) {
        throw new IOException("line too long");
      }
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }
}
