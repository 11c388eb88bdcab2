package io.dialback.hub.web;

import io.dialback.api.Chunk;
import io.dialback.api.Dialback;
import io.dialback.api.DialbackException;
import io.dialback.api.FileStat;
import io.dialback.api.RemoteAgent;
import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.conf.HubAddress;
import io.dialback.hub.bridge.BridgeAccess;
import io.dialback.link.ByteSocket;
import io.dialback.wire.FailureCode;
import io.dialback.wire.Wire;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.TreeMap;

/**
 * {@code POST /download} (form fields {@code token}, {@code agent}, {@code path}): one file of an
 * agent, streamed to the browser's download as its chunks arrive, never whole in memory.
 *
 * <p>It is a bridge client of its own hub: it logs in with the form's token over an in-process
 * connection ({@link BridgeAccess#inProcess}), so the login, the address policy, the bounds and the
 * audit are those of every other connection, counted against the browser's address. Up to {@link
 * #WINDOW} chunk reads are in flight, and none is asked for while the response's write queue is
 * full: a slow browser slows the agent down instead of filling the hub. Every chunk must report the
 * size and modification time the file had at the start, else the download is cut (a file that
 * changes while it is read would arrive torn). A failure before the first byte is an HTTP error
 * with the reason as text; after it, the connection is cut, which the browser shows as a failed
 * download.
 */
final class FileDownload {
  static final int WINDOW = 4;
  static final int CHUNK = 256 * 1024;
  static final long MAX_FORM_BYTES = 16 * 1024;

  private final Vertx vertx;
  private final BridgeAccess access;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final TreeMap<Long, Buffer> arrived = new TreeMap<>();
  private BridgeClient client;
  private RemoteAgent agent;
  private String path;
  private FileStat stat;
  private long nextAsk;

  /** The agent's chunk size, learnt from its first answer (it caps what one read returns). */
  private int stride;

  private long nextWrite;
  private int inFlight;
  private boolean ended;

  private FileDownload(Vertx vertx, BridgeAccess access, HttpServerRequest request) {
    this.vertx = vertx;
    this.access = access;
    this.request = request;
    this.response = request.response();
  }

  /** Handles one download request. */
  static void handle(Vertx vertx, BridgeAccess access, HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length == null || !length.matches("\\d{1,9}") || Long.parseLong(length) > MAX_FORM_BYTES) {
      WebVerticle.plain(request.response(), 413, "a download request is a small form");
      return;
    }
    request.setExpectMultipart(true);
    FileDownload download = new FileDownload(vertx, access, request);
    request.endHandler(v -> download.start());
    request.exceptionHandler(e -> download.cut());
  }

  private void start() {
    String token = request.getFormAttribute("token");
    String name = request.getFormAttribute("agent");
    path = request.getFormAttribute("path");
    if (token == null || token.isEmpty() || name == null || path == null) {
      WebVerticle.plain(response, 400, "bad_request: the form needs token, agent and path");
      return;
    }
    if (!Wire.isValidAgentName(name)) {
      WebVerticle.plain(response, 400, "bad_request: not an agent name");
      return;
    }
    ByteSocket end = access.inProcess(request.remoteAddress(), "download");
    client =
        BridgeClient.create(
            vertx,
            ClientOptions.builder()
                .hub(HubAddress.tcp("in-process", 1))
                .dialer(hub -> Future.succeededFuture(end))
                .token(token)
                .maxConnectAttempts(1)
                .requestTimeout(Duration.ofSeconds(30))
                .build());
    response.closeHandler(v -> cut());
    client
        .connect()
        .compose(
            login -> {
              agent = Dialback.over(client).agent(name);
              return agent.stat(path);
            })
        .onSuccess(this::begin)
        .onFailure(this::failed);
  }

  private void begin(FileStat stat) {
    if (!stat.isFile()) {
      fail(FailureCode.BAD_REQUEST.code(), "bad_request: " + path + " is not a file");
      return;
    }
    this.stat = stat;
    String file = path.substring(path.lastIndexOf('/') + 1);
    response
        .putHeader("Content-Type", "application/octet-stream")
        .putHeader("Content-Length", String.valueOf(stat.size()))
        .putHeader("Content-Disposition", disposition(file))
        .putHeader("Cache-Control", "no-store");
    if (stat.size() == 0) {
      finish();
      return;
    }
    pump();
  }

  /** Asks for chunks while the window and the browser have room; writes those that are next. */
  private void pump() {
    if (ended) {
      return;
    }
    while (arrived.containsKey(nextWrite)) {
      Buffer data = arrived.remove(nextWrite);
      nextWrite += data.length();
      response.write(data);
    }
    if (nextWrite >= stat.size()) {
      finish();
      return;
    }
    if (response.writeQueueFull()) {
      response.drainHandler(v -> pump());
      return;
    }
    // Until the first chunk tells the agent's chunk size, one read at a time.
    int window = stride == 0 ? 1 : WINDOW;
    while (inFlight < window && nextAsk < stat.size()) {
      long offset = nextAsk;
      int length = (int) Math.min(stride == 0 ? CHUNK : stride, stat.size() - offset);
      nextAsk += length;
      inFlight++;
      agent
          .readChunk(path, offset, length)
          .onSuccess(chunk -> arrived(offset, length, chunk))
          .onFailure(this::failed);
    }
  }

  private void arrived(long offset, int asked, Chunk chunk) {
    inFlight--;
    if (ended) {
      return;
    }
    int got = chunk.data().length();
    if (stride == 0 && got > 0 && got < asked) {
      stride = got; // the agent's cap: ask for that much from now on
      nextAsk = offset + got;
    } else if (stride == 0) {
      stride = asked;
    }
    if (chunk.size() != stat.size()
        || chunk.modified() != stat.modified().toEpochMilli()
        || got != Math.min(asked, stride)) {
      failed(
          FailureCode.CONFLICT.exception(
              path + " changed while it was read (or the agent sent a short chunk)"));
      return;
    }
    arrived.put(offset, chunk.data());
    pump();
  }

  private void finish() {
    ended = true;
    response.end();
    client.close();
  }

  private void failed(Throwable e) {
    DialbackException d = DialbackException.of(e, "agent file service");
    fail(d.code().code(), d.getMessage());
  }

  /** Before the first byte: an HTTP error saying why; after it: the connection is cut. */
  private void fail(int status, String message) {
    if (ended) {
      return;
    }
    if (!response.headWritten()) {
      ended = true;
      response.headers().remove("Content-Disposition").remove("Content-Length");
      WebVerticle.plain(response, status, message);
      close();
    } else {
      cut();
    }
  }

  /** Ends the transfer where it is: the browser sees the download fail. */
  private void cut() {
    if (!ended) {
      ended = true;
      response.reset();
    }
    close();
  }

  private void close() {
    if (client != null) {
      client.close();
    }
  }

  /** An attachment named {@code file}: an ASCII fallback and the exact name (RFC 6266). */
  static String disposition(String file) {
    String fallback = file.replaceAll("[^A-Za-z0-9._ -]", "_");
    StringBuilder encoded = new StringBuilder();
    for (byte b : file.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || "-._~".indexOf(c) >= 0) {
        encoded.append(c);
      } else {
        encoded.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return "attachment; filename=\""
        + (fallback.isEmpty() ? "download" : fallback)
        + "\"; filename*=UTF-8''"
        + encoded;
  }
}
