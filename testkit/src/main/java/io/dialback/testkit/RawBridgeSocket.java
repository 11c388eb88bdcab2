package io.dialback.testkit;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A blocking socket that speaks raw bridge frames, for tests that must see exactly what goes over
 * the wire (and send what no well-behaved client would).
 */
public final class RawBridgeSocket implements AutoCloseable {
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private int replies;

  private RawBridgeSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code 127.0.0.1:port}. */
  public static RawBridgeSocket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setTcpNoDelay(true);
    return new RawBridgeSocket(socket);
  }

  /** Connects, logs in with {@code token} (and {@code name} if not null) and checks the reply. */
  public static RawBridgeSocket login(int port, String token, String name) throws IOException {
    RawBridgeSocket s = connect(port);
    JsonObject reply = s.loginReply(token, name);
    if (!"message".equals(reply.getString("type"))) {
      throw new IOException("login refused: " + reply.encode());
    }
    return s;
  }

  /** Connects and logs in asking for binary-extension frames; checks the hub granted them. */
  public static RawBridgeSocket loginBinary(int port, String token, String name)
      throws IOException {
    RawBridgeSocket s = connect(port);
    JsonObject reply = s.loginReply(token, name, true);
    if (!"message".equals(reply.getString("type"))
        || !reply.getJsonObject("body").getBoolean("binary", false)) {
      throw new IOException("binary login refused: " + reply.encode());
    }
    return s;
  }

  /** Sends a login frame and returns whatever frame answers it. */
  public JsonObject loginReply(String token, String name) throws IOException {
    return loginReply(token, name, false);
  }

  /** Sends a login frame (asking for binary frames if {@code binary}) and returns the answer. */
  public JsonObject loginReply(String token, String name, boolean binary) throws IOException {
    JsonObject body = new JsonObject().put("token", token);
    if (name != null) {
      body.put("name", name);
    }
    if (binary) {
      body.put("binary", true);
    }
    String reply = nextReplyAddress();
    send(
        new JsonObject()
            .put("type", "send")
            .put("address", "hub.login")
            .put("replyAddress", reply)
            .put("body", body));
    return read();
  }

  /** A fresh reply address for a request of this socket. */
  public String nextReplyAddress() {
    return "test.reply." + (++replies);
  }

  public RawBridgeSocket send(JsonObject frame) throws IOException {
    return sendBytes(frame.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** One frame with this payload and its true length. */
  public RawBridgeSocket sendBytes(byte[] payload) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(4 + payload.length);
    frame.putInt(payload.length).put(payload);
    return sendRaw(frame.array());
  }

  /**
   * A binary-extension frame: NUL, the header's length, the header (a frame object without body),
   * then {@code data} as raw bytes.
   */
  public RawBridgeSocket sendBinary(JsonObject header, byte[] data) throws IOException {
    byte[] head = header.encode().getBytes(StandardCharsets.UTF_8);
    ByteBuffer payload = ByteBuffer.allocate(1 + 4 + head.length + data.length);
    payload.put((byte) 0).putInt(head.length).put(head).put(data);
    return sendBytes(payload.array());
  }

  /** A frame as read: its JSON (the header, for a binary frame) and binary data (or null). */
  public record Frame(JsonObject json, byte[] data) {}

  /** The next frame, JSON or binary, waiting up to {@code wait}. */
  public Frame readFrame(Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    int length = in.readInt();
    byte[] payload = new byte[length];
    in.readFully(payload);
    if (length > 0 && payload[0] == 0) {
      ByteBuffer b = ByteBuffer.wrap(payload);
      b.get();
      int headLength = b.getInt();
      JsonObject head = new JsonObject(new String(payload, 5, headLength, StandardCharsets.UTF_8));
      byte[] data = java.util.Arrays.copyOfRange(payload, 5 + headLength, payload.length);
      return new Frame(head, data);
    }
    return new Frame(new JsonObject(new String(payload, StandardCharsets.UTF_8)), null);
  }

  /** The next frame, JSON or binary, or {@code null} when none arrives within {@code wait}. */
  public Frame pollFrame(Duration wait) throws IOException {
    try {
      return readFrame(wait);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  /** Bytes exactly as given: a lying length prefix, half a frame, anything. */
  public RawBridgeSocket sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Sends a ping and waits for the pong (a barrier: everything sent before is processed). */
  public void barrier() throws IOException {
    send(new JsonObject().put("type", "ping"));
    JsonObject frame = read();
    if (!"pong".equals(frame.getString("type"))) {
      throw new IOException("expected pong, got " + frame.encode());
    }
  }

  /** The next frame, waiting up to 10 s. */
  public JsonObject read() throws IOException {
    return read(DEFAULT_WAIT);
  }

  public JsonObject read(Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    int length = in.readInt();
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new JsonObject(new String(payload, StandardCharsets.UTF_8));
  }

  /** The next frame, or {@code null} when none arrives within {@code wait}. */
  public JsonObject poll(Duration wait) throws IOException {
    try {
      return read(wait);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  /**
   * Reads until the peer closes, returning the frames seen on the way; fails if the connection is
   * still open after {@code wait}.
   */
  public java.util.List<JsonObject> readUntilClosed(Duration wait) throws IOException {
    java.util.List<JsonObject> frames = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      try {
        frames.add(read(Duration.ofMillis(left)));
      } catch (EOFException | SocketException e) {
        return frames;
      } catch (SocketTimeoutException e) {
        throw new IOException("connection still open after " + wait + "; frames: " + frames);
      }
    }
  }

  /** True when the peer has closed (reads EOF within {@code wait}). */
  public boolean isClosedByPeer(Duration wait) throws IOException {
    try {
      readUntilClosed(wait);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads and discards any bytes for a moment (used to drain after raw writes). */
  public byte[] drain(Duration wait) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        bytes.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      // done
    }
    return bytes.toByteArray();
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
