package io.dialback.conf;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the {@code -conf} argument: a JSON file's path, or the JSON itself. */
public final class ConfFiles {
  private ConfFiles() {}

  /** The conf object named by {@code fileOrJson}; an empty object for {@code null}. */
  public static JsonObject load(String fileOrJson) {
    if (fileOrJson == null) {
      return new JsonObject();
    }
    String trimmed = fileOrJson.trim();
    if (trimmed.startsWith("{")) {
      return parse(trimmed, "the -conf argument");
    }
    Path path = Path.of(fileOrJson);
    try {
      return parse(Files.readString(path), path.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigException("-conf", "no such file: " + path);
    } catch (IOException e) {
      throw new ConfigException("-conf", "cannot read " + path + ": " + e.getMessage());
    }
  }

  private static JsonObject parse(String text, String source) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException("-conf", source + " is not a JSON object: " + e.getMessage());
    }
  }
}
