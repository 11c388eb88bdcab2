package io.dialback.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client by hand over a plain socket, for tests that must control every byte: the
 * upgrade request (with or without an {@code Origin}), and streams where each {@code write} is one
 * binary message and reading yields the data of the messages that arrive, concatenated — the same
 * view of the bridge a TCP socket gives.
 */
public final class WebSocketStreams {
  /** Client frames are cut at this size (the hub reads no larger frames whole). */
  public static final int FRAME_BYTES = 64 * 1024;

  private WebSocketStreams() {}

  /** The answer to an upgrade request. */
  public record Upgrade(int status, String statusLine, Map<String, String> headers, String body) {}

  /**
   * Sends the upgrade request for {@code path} (with {@code Origin: origin} unless null) and reads
   * the response head; on 101 the socket then speaks WebSocket frames, else the body is read too.
   */
  public static Upgrade upgrade(Socket socket, int port, String path, String origin)
      throws IOException {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    StringBuilder request =
        new StringBuilder()
            .append("GET ")
            .append(path)
            .append(" HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:")
            .append(port)
            .append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .append("Sec-WebSocket-Key: ")
            .append(key)
            .append("\r\nSec-WebSocket-Version: 13\r\n");
    if (origin != null) {
      request.append("Origin: ").append(origin).append("\r\n");
    }
    request.append("\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    String statusLine = line(in);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        headers.put(
            h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
    }
    String[] parts = statusLine.split(" ", 3);
    int status = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    if (status == 101) {
      String expected = accept(key);
      if (!expected.equals(headers.get("sec-websocket-accept"))) {
        throw new IOException("bad Sec-WebSocket-Accept: " + headers);
      }
      return new Upgrade(status, statusLine, headers, "");
    }
    String body = "";
    String length = headers.get("content-length");
    if (length != null) {
      byte[] bytes = new byte[Integer.parseInt(length)];
      in.readFully(bytes);
      body = new String(bytes, StandardCharsets.UTF_8);
    }
    return new Upgrade(status, statusLine, headers, body);
  }

  private static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest =
          sha1.digest(
              (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String line(DataInputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        break;
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    if (b == -1 && bytes.size() == 0) {
      throw new EOFException("connection closed during the upgrade");
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }

  /** Writes masked client frames: each write one binary message (fragmented past 64 KiB). */
  public static final class Out extends OutputStream {
    private final OutputStream raw;

    public Out(Socket socket) throws IOException {
      this.raw = socket.getOutputStream();
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] data, int off, int len) throws IOException {
      int at = 0;
      do {
        int n = Math.min(FRAME_BYTES, len - at);
        boolean fin = at + n == len;
        frame((at == 0 ? 0x2 : 0x0) | (fin ? 0x80 : 0), data, off + at, n);
        at += n;
      } while (at < len);
      raw.flush();
    }

    /** A text message (which the bridge does not accept). */
    public synchronized void text(String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      frame(0x81, bytes, 0, bytes.length);
      raw.flush();
    }

    /**
     * One frame as given: {@code first} is the FIN bit and opcode (0x82: a whole binary message).
     */
    public synchronized void rawFrame(int first, byte[] payload) throws IOException {
      frame(first, payload, 0, payload.length);
      raw.flush();
    }

    /** A control frame: close (0x8), ping (0x9) or pong (0xA). */
    synchronized void control(int opcode, byte[] payload) throws IOException {
      frame(0x80 | opcode, payload, 0, payload.length);
      raw.flush();
    }

    private void frame(int first, byte[] data, int off, int len) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream(14);
      head.write(first);
      if (len < 126) {
        head.write(0x80 | len);
      } else if (len < 65536) {
        head.write(0x80 | 126);
        head.write(len >>> 8);
        head.write(len);
      } else {
        head.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          head.write((int) ((long) len >>> shift));
        }
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      head.write(mask, 0, 4);
      byte[] masked = new byte[len];
      for (int i = 0; i < len; i++) {
        masked[i] = (byte) (data[off + i] ^ mask[i & 3]);
      }
      raw.write(head.toByteArray());
      raw.write(masked);
    }
  }

  /**
   * Reads the data of the messages that arrive as one stream; answers pings; a close frame (or the
   * end of the connection) is the end of the stream.
   */
  public static final class In extends InputStream {
    private final DataInputStream raw;
    private final Out out;
    private long left;
    private boolean closed;

    /** The close status the hub sent, or -1. */
    private int closeStatus = -1;

    public In(Socket socket, Out out) throws IOException {
      this.raw = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
      this.out = out;
    }

    public int closeStatus() {
      return closeStatus;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (left == 0) {
        if (closed || !nextDataFrame()) {
          return -1;
        }
      }
      int n = raw.read(buffer, off, (int) Math.min(len, left));
      if (n == -1) {
        closed = true;
        return -1;
      }
      left -= n;
      return n;
    }

    /** Reads frame heads until a data frame starts; false at the end of the stream. */
    private boolean nextDataFrame() throws IOException {
      int first = raw.read();
      if (first == -1) {
        closed = true;
        return false;
      }
      int second = raw.readUnsignedByte();
      long length = second & 0x7f;
      if (length == 126) {
        length = raw.readUnsignedShort();
      } else if (length == 127) {
        length = raw.readLong();
      }
      byte[] mask = null;
      if ((second & 0x80) != 0) {
        mask = new byte[4];
        raw.readFully(mask);
      }
      int opcode = first & 0x0f;
      if (opcode >= 0x8) {
        byte[] payload = new byte[(int) length];
        raw.readFully(payload);
        if (mask != null) {
          for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i & 3];
          }
        }
        if (opcode == 0x8) {
          closeStatus =
              payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
          closed = true;
          try {
            out.control(0x8, new byte[0]);
          } catch (IOException ignored) {
            // the peer may be gone already
          }
          return false;
        }
        if (opcode == 0x9) {
          out.control(0xA, payload);
        }
        return true;
      }
      left = length;
      return true;
    }
  }
}
