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
 * the wire (and send what no well-behaved client would) — over TCP, or over a WebSocket where each
 * {@link #sendRaw} is one binary message and reads see the messages' bytes as one stream.
 */
public final class RawBridgeSocket implements AutoCloseable {
  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final WebSocketStreams.In webSocketIn;
  private int replies;

  private RawBridgeSocket(Socket socket, WebSocketStreams.In webSocketIn, OutputStream out)
      throws IOException {
    this.socket = socket;
    this.webSocketIn = webSocketIn;
    this.in = new DataInputStream(webSocketIn != null ? webSocketIn : socket.getInputStream());
    this.out = out != null ? out : socket.getOutputStream();
  }

  /** Connects to {@code 127.0.0.1:port}. */
  public static RawBridgeSocket connect(int port) throws IOException {
    return new RawBridgeSocket(open(port), null, null);
  }

  /** Connects over TCP or WebSocket, as {@code endpoint} says. */
  public static RawBridgeSocket connect(BridgeEndpoint endpoint) throws IOException {
    return endpoint.isWebSocket()
        ? connectWebSocket(endpoint.port(), endpoint.path(), null)
        : connect(endpoint.port());
  }

  /**
   * Opens a WebSocket to {@code 127.0.0.1:port} at {@code path}, sending {@code Origin: origin}
   * unless it is null; fails with the hub's answer if the upgrade is refused.
   */
  public static RawBridgeSocket connectWebSocket(int port, String path, String origin)
      throws IOException {
    Socket socket = open(port);
    WebSocketStreams.Upgrade upgrade = WebSocketStreams.upgrade(socket, port, path, origin);
    if (upgrade.status() != 101) {
      socket.close();
      throw new IOException("upgrade refused: " + upgrade.statusLine() + " " + upgrade.body());
    }
    WebSocketStreams.Out out = new WebSocketStreams.Out(socket);
    return new RawBridgeSocket(socket, new WebSocketStreams.In(socket, out), out);
  }

  private static Socket open(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setTcpNoDelay(true);
    return socket;
  }

  /** Connects, logs in with {@code token} (and {@code name} if not null) and checks the reply. */
  public static RawBridgeSocket login(int port, String token, String name) throws IOException {
    return login(BridgeEndpoint.tcp(port), token, name);
  }

  /** {@link #login(int, String, String)} over TCP or WebSocket. */
  public static RawBridgeSocket login(BridgeEndpoint endpoint, String token, String name)
      throws IOException {
    RawBridgeSocket s = connect(endpoint);
    JsonObject reply = s.loginReply(token, name);
    if (!"message".equals(reply.getString("type"))) {
      throw new IOException("login refused: " + reply.encode());
    }
    return s;
  }

  /** Connects and logs in asking for binary-extension frames; checks the hub granted them. */
  public static RawBridgeSocket loginBinary(int port, String token, String name)
      throws IOException {
    return loginBinary(BridgeEndpoint.tcp(port), token, name);
  }

  /** {@link #loginBinary(int, String, String)} over TCP or WebSocket. */
  public static RawBridgeSocket loginBinary(BridgeEndpoint endpoint, String token, String name)
      throws IOException {
    RawBridgeSocket s = connect(endpoint);
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

  /** Over WebSocket: a text message, which is not part of the bridge protocol. */
  public RawBridgeSocket sendText(String text) throws IOException {
    webSocketOut().text(text);
    return this;
  }

  /**
   * Over WebSocket: one frame exactly as given, however large (see {@link WebSocketStreams.Out}).
   */
  public RawBridgeSocket sendWebSocketFrame(int first, byte[] payload) throws IOException {
    webSocketOut().rawFrame(first, payload);
    return this;
  }

  private WebSocketStreams.Out webSocketOut() {
    if (!(out instanceof WebSocketStreams.Out ws)) {
      throw new IllegalStateException("not a WebSocket");
    }
    return ws;
  }

  /** Over WebSocket: the close status the hub sent (-1 before it closed, or over TCP). */
  public int closeStatus() {
    return webSocketIn == null ? -1 : webSocketIn.closeStatus();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
