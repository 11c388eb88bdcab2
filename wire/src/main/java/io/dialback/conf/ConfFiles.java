package io.dialback.conf;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the {@code -conf} argument: a JSON file's path or the JSON itself. Validation and
 * environment overrides are {@link Settings}' business.
 */
public final class ConfFiles {
  private ConfFiles() {}

  /** The conf object named by {@code fileOrJson}; an empty object for {@code null}. */
  public static Future<JsonObject> load(Vertx vertx, String fileOrJson) {
    if (fileOrJson == null) {
      return Future.succeededFuture(new JsonObject());
    }
    String trimmed = fileOrJson.trim();
    if (trimmed.startsWith("{")) {
      return parse(trimmed, "the -conf argument");
    }
    Path path = Path.of(fileOrJson);
    if (!Files.isRegularFile(path)) {
      return Future.failedFuture(new ConfigException("-conf", "no such file: " + path));
    }
    return vertx
        .executeBlocking(() -> Files.readString(path), false)
        .recover(
            e ->
                Future.failedFuture(
                    new ConfigException(
                        "-conf",
                        "cannot read "
                            + path
                            + ": "
                            + (e instanceof IOException ? e : e.getCause()))))
        .compose(text -> parse(text, fileOrJson));
  }

  private static Future<JsonObject> parse(String text, String what) {
    try {
      return Future.succeededFuture(new JsonObject(text));
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(
          new ConfigException("-conf", what + " is not a JSON object: " + firstLine(e)));
    }
  }

  private static String firstLine(Exception e) {
    String text = String.valueOf(e.getMessage());
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
