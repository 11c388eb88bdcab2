package io.dialback.link;

import io.dialback.wire.HeapBytes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * What one connection has yet to write, on either side. Frames offered during one turn of the event
 * loop go out together in one write (one flush, one system call) at the end of the turn, or as soon
 * as {@link #FLUSH_BYTES} have gathered; a large frame goes on its own. Bytes offered and not yet
 * written count against a bound — past it the frame is refused and the owner cuts the connection —
 * and against two watermarks: above the high one the owner stops reading from the peer (a peer that
 * does not take its replies sends no more requests), below the low one it reads again. A {@link
 * Meter} lets the owner count the same bytes elsewhere (a hub's identity and its total) and refuse
 * on its own terms.
 *
 * <p>Not thread-safe: the connection's event loop owns it.
 */
public final class Outbox {
  /** Frames are gathered into one write up to this many bytes; larger ones go alone. */
  public static final int BATCH_LIMIT = 64 * 1024;

  /**
   * A gathered write goes out once it holds this many bytes, before the turn ends: the process at
   * the other end starts on it while this one goes on, rather than all 64 answers of a window
   * waiting for the last. Measured in docs/performance.md ("One write per event-loop turn").
   */
  public static final int FLUSH_BYTES = 8 * 1024;

  /** Where the bytes go: the socket or WebSocket. */
  public interface Sink {
    Future<Void> write(Buffer data);
  }

  /** Counts queued bytes beyond this connection; may refuse a frame. */
  public interface Meter {
    /**
     * Why {@code length} more bytes (this connection then holding {@code queuedAfter}) may not be
     * queued, or {@code null} when they may.
     */
    String refuse(int length, long queuedAfter);

    void took(int length);

    void gave(int length);

    /** Counts nothing, refuses nothing. */
    Meter NONE =
        new Meter() {
          @Override
          public String refuse(int length, long queuedAfter) {
            return null;
          }

          @Override
          public void took(int length) {}

          @Override
          public void gave(int length) {}
        };
  }

  /** Told when the queue passes the high watermark, and when it is back below the low one. */
  public interface Pressure {
    void high();

    void low();
  }

  private final Context context;
  private final Sink sink;
  private final long max;
  private final Meter meter;
  private final Pressure pressure;

  /** The turn's first frame, as it was offered, while it is the only one. */
  private Buffer single;

  /** The turn's frames once there are two or more, copied together; null when none are. */
  private byte[] gather;

  private int gathered;

  /** How large the next gathering array starts: the size the last one reached. */
  private int gatherCapacity = 1024;

  private long queued;
  private boolean high;
  private boolean closed;

  /**
   * @param max bytes queued at most; the watermarks are half and a quarter of it
   */
  public Outbox(Context context, Sink sink, long max, Meter meter, Pressure pressure) {
    this.context = Objects.requireNonNull(context, "context == null");
    this.sink = Objects.requireNonNull(sink, "sink == null");
    if (max < 1024) {
      throw new IllegalArgumentException("max must be at least 1024: " + max);
    }
    this.max = max;
    this.meter = Objects.requireNonNull(meter, "meter == null");
    this.pressure = Objects.requireNonNull(pressure, "pressure == null");
  }

  /**
   * Queues {@code frame}; returns {@code null}, or why it was refused (past the bound, or the
   * meter's refusal): the owner then cuts the connection. After {@link #close()} frames are dropped
   * silently.
   */
  public String offer(Buffer frame) {
    if (closed) {
      return null;
    }
    int length = frame.length();
    long after = queued + length;
    if (after > max) {
      return "more than " + max + " bytes queued and the peer is not reading";
    }
    String refused = meter.refuse(length, after);
    if (refused != null) {
      return refused;
    }
    queued = after;
    meter.took(length);
    if (length >= BATCH_LIMIT) {
      flush();
      sink.write(frame).onComplete(ar -> written(length));
    } else if (single == null && gather == null) {
      single = frame; // a turn with one frame writes it as it is, uncopied
      context.runOnContext(v -> flush());
    } else {
      gather(frame);
    }
    if (!high && queued > max / 2) {
      high = true;
      pressure.high();
    }
    return null;
  }

  /** Writes what was gathered so far (at the end of each turn, or before a large frame). */
  public void flush() {
    Buffer out = take();
    if (out == null) {
      return;
    }
    int length = out.length();
    if (closed) {
      written(length);
      return;
    }
    sink.write(out).onComplete(ar -> written(length));
  }

  /**
   * Adds {@code frame} to the turn's gathered frames, which go out as soon as they hold {@link
   * #FLUSH_BYTES}. The frames are copied into an array of the outbox's own that becomes the written
   * buffer, so nothing is copied twice and no buffer grows by steps.
   */
  private void gather(Buffer frame) {
    if (gather == null) { // the turn's second frame: the first, held alone so far, comes along
      int first = single.length();
      gather = new byte[Math.max(gatherCapacity, first + frame.length())];
      single.getBytes(0, first, gather, 0);
      gathered = first;
      single = null;
    }
    int length = frame.length();
    if (gathered + length > gather.length) {
      gather = Arrays.copyOf(gather, Math.max(gather.length * 2, gathered + length));
    }
    frame.getBytes(0, length, gather, gathered);
    gathered += length;
    if (gathered >= FLUSH_BYTES) {
      Buffer out = take(); // the turn's task flushes what gathers after this
      int n = out.length();
      sink.write(out).onComplete(ar -> written(n));
    }
  }

  /** What the turn has gathered, as one buffer, and the outbox empty again; or null. */
  private Buffer take() {
    if (single != null) {
      Buffer out = single;
      single = null;
      return out;
    }
    if (gather == null) {
      return null;
    }
    gatherCapacity = Math.min(gather.length, 2 * FLUSH_BYTES);
    Buffer out = HeapBytes.wrap(gather, gathered);
    gather = null;
    gathered = 0;
    return out;
  }

  /** Bytes offered and not yet written. */
  public long queued() {
    return queued;
  }

  /** Whether the queue is above the high watermark (a client then refuses new requests). */
  public boolean aboveHigh() {
    return high;
  }

  /**
   * Drops what is gathered and not yet handed to the sink (the connection is gone); writes in
   * progress still count until they complete or fail.
   */
  public void close() {
    closed = true;
    Buffer out = take();
    if (out != null) {
      written(out.length());
    }
  }

  private void written(int length) {
    queued -= length;
    meter.gave(length);
    if (high && queued <= max / 4) {
      high = false;
      if (!closed) {
        pressure.low();
      }
    }
  }
}
