package io.dialback.wire;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.Objects;

/**
 * Splits a TCP byte stream into frames: a 4-byte big-endian length, then that many bytes.
 *
 * <p>A declared length above the maximum (or negative) is reported before a single byte of it is
 * buffered, and the parser stops there: the peer has either lost its place or means harm, so the
 * owner closes the connection. Payloads are handed over whole and unparsed; what a payload means is
 * {@link Frames}' business, so a malformed payload never costs the parser its place.
 *
 * <p>Not thread-safe: feed it from the connection's event loop only.
 */
public final class FrameParser implements Handler<Buffer> {

  /** Receives the parser's output. */
  public interface Listener {
    /** One complete frame payload (without its length prefix). */
    void onFrame(Buffer payload);

    /** A declared length outside {@code 0..max}; no more frames follow. */
    void onOversize(long declaredLength, int maxFrameBytes);

    /**
     * A frame of {@code length} bytes begins. Returning false holds the parser at this frame, as if
     * paused, until {@link #resume()}, which asks again; the owner should stop the socket too.
     * Asked once per frame that is admitted.
     */
    default boolean admit(int length) {
      return true;
    }
  }

  private static final int PREFIX = 4;

  private final Listener listener;
  private int maxFrameBytes;
  private Buffer buffer;

  /**
   * Whether {@link #buffer} is a copy of the parser's own, which it may append to; a chunk as it
   * was received is not: over an in-process pipe it is the writer's buffer, which may be written
   * elsewhere too.
   */
  private boolean owned;

  private int position;
  private boolean paused;
  private boolean stopped;

  /** Whether the frame at {@code position} was admitted already. */
  private boolean admitted;

  public FrameParser(int maxFrameBytes, Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener == null");
    setMaxFrameBytes(maxFrameBytes);
  }

  /** Changes the bound for frames not yet started, e.g. a smaller one before login. */
  public void setMaxFrameBytes(int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void handle(Buffer chunk) {
    if (stopped) {
      return;
    }
    if (!completeStraddling(chunk)) {
      append(chunk);
    }
    drain();
  }

  /**
   * When a frame began in the previous chunk and {@code chunk} holds its end, hands it out from a
   * copy of its own bytes only, and leaves the parser at the next frame in {@code chunk}; false
   * when that is not the case. With many frames in flight most chunks end inside a frame, and
   * joining each whole chunk onto the rest of the last cost a copy of every byte received (JFR).
   */
  private boolean completeStraddling(Buffer chunk) {
    if (paused || buffer == null) {
      return false;
    }
    int left = buffer.length() - position;
    if (left < PREFIX || !admitted) {
      return false; // nothing begun, or a length not read or not admitted yet: the general path
    }
    int need = PREFIX + buffer.getInt(position) - left; // its length was checked when it was read
    if (need > chunk.length()) {
      return false;
    }
    buffer = buffer.getBuffer(position, buffer.length()).appendBuffer(chunk, 0, need);
    owned = true;
    position = 0;
    drain(); // exactly that frame
    if (stopped) {
      return true;
    }
    buffer = chunk;
    owned = false;
    position = need;
    return true;
  }

  /** Stops handing out frames until {@link #resume()}; bytes that arrive meanwhile are kept. */
  public void pause() {
    paused = true;
  }

  /** Hands out the frames that arrived while paused, then continues. */
  public void resume() {
    paused = false;
    drain();
  }

  /** Drops what is buffered and ignores everything from now on (the connection is closing). */
  public void stop() {
    stopped = true;
    buffer = null;
  }

  /** Bytes received but not yet handed out as frames. */
  public int buffered() {
    return buffer == null ? 0 : buffer.length() - position;
  }

  private void append(Buffer chunk) {
    if (buffer == null || position >= buffer.length()) {
      buffer = chunk;
      owned = false;
      position = 0;
    } else {
      if (position > 0 || !owned) {
        buffer = buffer.getBuffer(position, buffer.length()); // a copy
        owned = true;
        position = 0;
      }
      buffer.appendBuffer(chunk);
    }
  }

  private void drain() {
    while (!paused && !stopped && buffer != null) {
      int available = buffer.length() - position;
      if (available < PREFIX) {
        return;
      }
      int length = buffer.getInt(position);
      if (length < 0 || length > maxFrameBytes) {
        stopped = true;
        buffer = null;
        listener.onOversize(length, maxFrameBytes);
        return;
      }
      if (!admitted) {
        if (!listener.admit(length)) {
          paused = true;
          return;
        }
        admitted = true;
      }
      if (available - PREFIX < length) {
        return;
      }
      int start = position + PREFIX;
      position = start + length;
      admitted = false;
      listener.onFrame(buffer.slice(start, start + length));
    }
  }
}
