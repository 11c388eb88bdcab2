package io.dialback.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.testkit.Ports;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hub and agent deployed by class name from a plain Vert.x application, as the README shows, with
 * the agent exposing the example {@code info} service and a user's own service beside {@code fs}.
 */
class EmbeddingTest {
  @TempDir Path root;
  private final Vertx vertx = Vertx.vertx();

  /** A user's service that does not implement AgentService: its conf entry names the operations. */
  public static final class Greeter extends VerticleBase {
    @Override
    public Future<?> start() {
      String prefix = config().getString("address");
      return vertx
          .eventBus()
          .<JsonObject>localConsumer(
              prefix + ".hello", m -> m.reply("hello, " + m.body().getString("who") + "!"))
          .completion();
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void hubAndAgentDeployFromAnyVertxApplicationWithExtraServices() throws Exception {
    int port = Ports.free();
    JsonObject hub =
        new JsonObject()
            .put("port", port)
            .put(
                "auth",
                new JsonObject()
                    .put(
                        "tokens",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("token", "agent-secret-1")
                                    .put("role", "agent")
                                    .put("names", new JsonArray().add("box")))));
    vertx
        .deployVerticle("io.dialback.hub.HubVerticle", new DeploymentOptions().setConfig(hub))
        .await(30, TimeUnit.SECONDS);

    Files.writeString(root.resolve("f.txt"), "x");
    JsonObject agent =
        new JsonObject()
            .put("name", "box")
            .put("hubs", new JsonArray().add("127.0.0.1:" + port))
            .put("token", "agent-secret-1")
            .put("root", root.toString())
            .put(
                "services",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "info")
                            .put("verticle", "io.dialback.agent.info.InfoService"))
                    .add(
                        new JsonObject()
                            .put("name", "greeter")
                            .put("verticle", Greeter.class.getName())
                            .put("operations", new JsonArray().add("hello"))));
    vertx
        .deployVerticle("io.dialback.agent.AgentVerticle", new DeploymentOptions().setConfig(agent))
        .await(30, TimeUnit.SECONDS);

    JsonObject info = awaitCall("agent.box.info.get", new JsonObject());
    assertThat(info.getString("os")).isNotBlank();
    assertThat(info.getLong("uptimeMs")).isPositive();
    assertThat(info.getLong("freeBytes")).isPositive();
    assertThat(info.getLong("totalBytes")).isGreaterThanOrEqualTo(info.getLong("freeBytes"));
    assertThat(
            vertx
                .eventBus()
                .request("agent.box.greeter.hello", new JsonObject().put("who", "you"))
                .await(10, TimeUnit.SECONDS)
                .body())
        .isEqualTo("hello, you!");

    JsonObject listed =
        (JsonObject)
            vertx
                .eventBus()
                .request("hub.agents.list", new JsonObject())
                .await(10, TimeUnit.SECONDS)
                .body();
    assertThat(
            listed
                .getJsonArray("agents")
                .getJsonObject(0)
                .getJsonObject("meta")
                .getJsonArray("services"))
        .containsExactly("fs", "info", "greeter");
  }

  @Test
  void aServiceWithoutOperationsIsAConfMistakeNamingTheKey() {
    JsonObject agent =
        new JsonObject()
            .put("name", "box")
            .put("token", "t")
            .put("root", root.toString())
            .put(
                "services",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "greeter")
                            .put("verticle", Greeter.class.getName())));
    assertThatThrownBy(
            () ->
                vertx
                    .deployVerticle(
                        "io.dialback.agent.AgentVerticle", new DeploymentOptions().setConfig(agent))
                    .await(30, TimeUnit.SECONDS))
        .hasMessageContaining("services[0].operations");
  }

  /** The agent connects in the background: call until its addresses are registered. */
  private JsonObject awaitCall(String address, JsonObject body) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return (JsonObject)
            vertx.eventBus().request(address, body).await(10, TimeUnit.SECONDS).body();
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
