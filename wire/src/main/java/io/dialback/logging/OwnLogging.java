package io.dialback.logging;

/**
 * Points Logback (when it is on the class path, as in our jars) at {@code dialback-logback.xml},
 * unless the operator chose a file. The jars carry no {@code logback.xml}, so an application that
 * embeds the hub or the agent keeps its own logging.
 *
 * <p>Call it first thing in {@code main}, before any class that holds a logger is loaded: this
 * class holds none, so calling it does not start the logging it configures.
 */
public final class OwnLogging {
  private OwnLogging() {}

  public static void use() {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "dialback-logback.xml");
    }
  }
}
