package io.dialback.wire;

/** The frame types of the bridge protocol: what clients send, and what the server sends. */
public enum FrameType {
  SEND(Wire.SEND),
  PUBLISH(Wire.PUBLISH),
  REGISTER(Wire.REGISTER),
  UNREGISTER(Wire.UNREGISTER),
  PING(Wire.PING),
  MESSAGE(Wire.MESSAGE),
  ERR(Wire.ERR),
  PONG(Wire.PONG);

  /** {@code values()} once: it copies the array at each call, and every frame asks. */
  private static final FrameType[] ALL = values();

  private final String wireName;

  FrameType(String wireName) {
    this.wireName = wireName;
  }

  /** The {@code type} field's value. */
  public String wireName() {
    return wireName;
  }

  /** The type named {@code name} on the wire (exactly: the protocol is case-sensitive), or null. */
  public static FrameType of(String name) {
    for (FrameType t : ALL) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** Whether a frame of this type names an address a client acts on. */
  public boolean addressed() {
    return this == SEND || this == PUBLISH || this == REGISTER || this == UNREGISTER;
  }
}
