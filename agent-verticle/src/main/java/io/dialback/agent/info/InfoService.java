package io.dialback.agent.info;

import io.dialback.agent.AgentService;
import io.dialback.agent.AgentVerticle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The example service: {@code agent.<name>.info.get} answers the agent's host name, OS, uptime, and
 * the free and total space of the disk its shared folder is on. Enable it in the agent's conf with
 * {@code "services": [{"name": "info", "verticle": "io.dialback.agent.info.InfoService"}]}.
 */
public final class InfoService extends VerticleBase implements AgentService {
  @Override
  public List<String> operations() {
    return List.of("get");
  }

  @Override
  public Future<?> start() {
    String address = config().getString(ADDRESS);
    Path root = Path.of(config().getString(ROOT, "."));
    return vertx
        .eventBus()
        .localConsumer(
            address + ".get",
            msg ->
                vertx
                    .executeBlocking(() -> describe(root), false)
                    .onSuccess(msg::reply)
                    .onFailure(e -> msg.fail(500, "internal: " + e.getMessage())))
        .completion();
  }

  private static JsonObject describe(Path root) throws Exception {
    FileStore store = Files.getFileStore(root);
    return new JsonObject()
        .put("host", AgentVerticle.hostName())
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("arch", System.getProperty("os.arch"))
        .put("java", System.getProperty("java.version"))
        .put("processors", Runtime.getRuntime().availableProcessors())
        .put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime())
        .put("freeBytes", store.getUsableSpace())
        .put("totalBytes", store.getTotalSpace());
  }
}
