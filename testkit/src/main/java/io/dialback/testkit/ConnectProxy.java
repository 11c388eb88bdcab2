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
 * A small HTTP proxy that does only what corporate proxies let out: {@code CONNECT host:port}
 * tunnels (with Basic proxy authentication when given {@code user:password}); any other request is
 * refused with 405. It runs as a process of its own ({@code main PORT [USER:PASSWORD]}) so that
 * tests go through a real proxy, and logs one line per tunnel — {@code tunnel N to HOST:PORT} when
 * it opens, {@code tunnel N closed: A bytes up, B bytes down} when it ends — for tests to check
 * that their traffic took it.
 */
public final class ConnectProxy {
  private static final AtomicInteger TUNNELS = new AtomicInteger();

  private ConnectProxy() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    String credentials =
        args.length > 1
            ? "Basic "
                + Base64.getEncoder().encodeToString(args[1].getBytes(StandardCharsets.UTF_8))
            : null;
    try (ServerSocket server = new ServerSocket(port, 64, InetAddress.getByName("127.0.0.1"))) {
      System.out.println("proxy listening on 127.0.0.1:" + server.getLocalPort());
      System.out.flush();
      while (true) {
        Socket client = server.accept();
        daemon(() -> serve(client, credentials));
      }
    }
  }

  private static void serve(Socket client, String credentials) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
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
      int n = TUNNELS.incrementAndGet();
      System.out.println("tunnel " + n + " to " + host + ":" + port);
      System.out.flush();
      out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
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
    } catch (IOException | InterruptedException | RuntimeException e) {
      System.out.println("proxy: " + e);
    }
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
