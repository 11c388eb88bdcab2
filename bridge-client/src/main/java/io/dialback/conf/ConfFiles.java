package io.dialback.conf;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the {@code -conf} argument, a JSON file's path or the JSON itself, with vertx-config.
 * Validation and environment overrides are {@link Settings}' business.
 */
public final class ConfFiles {
  private ConfFiles() {}

  /** The conf object named by {@code fileOrJson}; an empty object for {@code null}. */
  public static Future<JsonObject> load(Vertx vertx, String fileOrJson) {
    if (fileOrJson == null) {
      return Future.succeededFuture(new JsonObject());
    }
    String trimmed = fileOrJson.trim();
    ConfigStoreOptions store;
    if (trimmed.startsWith("{")) {
      try {
        store = new ConfigStoreOptions().setType("json").setConfig(new JsonObject(trimmed));
      } catch (DecodeException e) {
        return Future.failedFuture(
            new ConfigException(
                "-conf", "the -conf argument is not a JSON object: " + e.getMessage()));
      }
    } else {
      Path path = Path.of(fileOrJson);
      if (!Files.isRegularFile(path)) {
        return Future.failedFuture(new ConfigException("-conf", "no such file: " + path));
      }
      store = fileStore(path);
    }
    ConfigRetriever retriever =
        ConfigRetriever.create(
            vertx, new ConfigRetrieverOptions().setIncludeDefaultStores(false).addStore(store));
    return retriever
        .getConfig()
        .eventually(retriever::close)
        .recover(
            e ->
                Future.failedFuture(
                    new ConfigException(
                        "-conf", fileOrJson + " is not a JSON object: " + rootCause(e))));
  }

  /** A vertx-config store for a JSON file (also used to watch the file for changes). */
  public static ConfigStoreOptions fileStore(Path path) {
    return new ConfigStoreOptions()
        .setType("file")
        .setFormat("json")
        .setConfig(new JsonObject().put("path", path.toAbsolutePath().toString()));
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }
}
