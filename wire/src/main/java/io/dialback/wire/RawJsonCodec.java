package io.dialback.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Carries {@link RawJson} on the event bus: within one Vert.x the same immutable value reaches
 * every consumer (no copy per subscriber); between hubs its bytes travel as they are.
 *
 * <p>That a body is JSON text passed on undecoded is said by its type alone — never by a header,
 * which a peer could spell itself.
 */
public final class RawJsonCodec implements MessageCodec<RawJson, RawJson> {
  /** The codec's name on the clustered event bus. */
  public static final String NAME = "dialback.raw-json";

  private static final RawJsonCodec INSTANCE = new RawJsonCodec();

  private RawJsonCodec() {}

  /**
   * Makes {@code bus} carry {@link RawJson}; idempotent, so a hub and agents embedded in one Vert.x
   * may each call it.
   */
  public static void install(EventBus bus) {
    synchronized (RawJsonCodec.class) {
      try {
        bus.registerDefaultCodec(RawJson.class, INSTANCE);
      } catch (IllegalStateException alreadyThere) {
        // registered by another part of this Vert.x
      }
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, RawJson value) {
    buffer.appendInt(value.json().length()).appendBuffer(value.json());
  }

  @Override
  public RawJson decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return new RawJson(buffer.getBuffer(pos + 4, pos + 4 + length));
  }

  @Override
  public RawJson transform(RawJson value) {
    return value; // immutable: shared, never copied
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
