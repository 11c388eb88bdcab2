package io.dialback.conf;

/** A setting that is missing or wrong; the message names the key and what it must be. */
public final class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  /** The dotted key of the setting, e.g. {@code limits.maxFrameBytes}. */
  public String key() {
    return key;
  }
}
