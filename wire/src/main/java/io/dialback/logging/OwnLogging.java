package io.dialback.logging;

/**
 * Points Logback (when it is on the class path, as in our jars) at {@code dialback-logback.xml} —
 * or, with {@code DIALBACK_LOG_FORMAT=json}, at {@code dialback-logback-json.xml}, one JSON object
 * per line — unless the operator chose a file. The jars carry no {@code logback.xml}, so an
 * application that embeds the hub or the agent keeps its own logging.
 *
 * <p>Call it first thing in {@code main}, before any class that holds a logger is loaded: this
 * class holds none, so calling it does not start the logging it configures.
 */
public final class OwnLogging {
  private OwnLogging() {}

  /** The environment variable that selects the format: {@code text} (default) or {@code json}. */
  public static final String FORMAT_ENV = "DIALBACK_LOG_FORMAT";

  public static void use() {
    use(System.getenv(FORMAT_ENV));
  }

  /** As {@link #use()}, with the format given: {@code json}, or anything else for text. */
  static void use(String format) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty(
          "logback.configurationFile",
          "json".equalsIgnoreCase(format == null ? "" : format.trim())
              ? "dialback-logback-json.xml"
              : "dialback-logback.xml");
    }
  }
}
