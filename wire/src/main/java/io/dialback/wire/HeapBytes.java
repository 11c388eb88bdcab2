package io.dialback.wire;

import io.netty.buffer.UnpooledHeapByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * Hands a byte array over as a {@link Buffer} without copying it: the writer of a frame, and an
 * outbox gathering a turn's frames, fill an array of their own and give it up. Copying it into a
 * fresh {@code Buffer} cost a zeroed allocation and a copy per frame (JFR put 7–8 % of a client's
 * and an agent's event-loop samples on building and growing such buffers; docs/performance.md).
 *
 * <p>The array must not be touched after it is handed over. The buffer may still grow (an append
 * past its capacity moves it to a larger array, as any {@code Buffer} does), and like Vert.x's own
 * heap buffers it ignores {@code release}: it holds no pooled memory, and Netty releasing what it
 * wrote must not make the buffer unreadable for another write.
 */
public final class HeapBytes {
  private HeapBytes() {}

  /**
   * The first {@code length} bytes of {@code array}, as a buffer that owns the array from now on.
   */
  public static Buffer wrap(byte[] array, int length) {
    if (length < 0 || length > array.length) {
      throw new IndexOutOfBoundsException(length + " of " + array.length);
    }
    Owned buf = new Owned(array);
    buf.writerIndex(length);
    return BufferInternal.buffer(buf);
  }

  private static final class Owned extends UnpooledHeapByteBuf {
    Owned(byte[] array) {
      // Vert.x's allocator: a copy or a move to a larger array stays an unpooled heap buffer.
      super(VertxByteBufAllocator.DEFAULT, array, Integer.MAX_VALUE);
    }

    @Override
    public io.netty.buffer.ByteBuf retain(int increment) {
      return this;
    }

    @Override
    public io.netty.buffer.ByteBuf retain() {
      return this;
    }

    @Override
    public io.netty.buffer.ByteBuf touch() {
      return this;
    }

    @Override
    public io.netty.buffer.ByteBuf touch(Object hint) {
      return this;
    }

    @Override
    public boolean release() {
      return false;
    }

    @Override
    public boolean release(int decrement) {
      return false;
    }
  }
}
