package io.dialback.agent;

import io.dialback.conf.Settings;
import io.dialback.wire.Wire;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * One entry of an agent's {@code services}: which verticle to deploy, under what name, with what
 * config, answering which operations.
 */
record ServiceSpec(String name, String verticle, JsonObject config, List<String> operations) {
  private static final Set<String> RESERVED = Set.of(Wire.FS, "events");

  static ServiceSpec from(Settings s) {
    s.onlyKeys("name", "verticle", "config", "operations");
    String name = s.requiredString("name");
    if (!Wire.isValidAgentName(name) || name.contains("-") || RESERVED.contains(name)) {
      throw s.fail("name", "\"" + name + "\" must be letters, digits and _, and not fs or events");
    }
    String verticle = s.requiredString("verticle");
    Object instance;
    try {
      instance = Class.forName(verticle).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      throw s.fail("verticle", "cannot create " + verticle + ": " + e);
    }
    if (!(instance instanceof Deployable)) {
      throw s.fail("verticle", verticle + " is not a verticle");
    }
    List<String> operations = s.strings("operations", null);
    if (operations == null) {
      if (!(instance instanceof AgentService)) {
        throw s.fail(
            "operations",
            "list the operations " + verticle + " answers (it does not implement AgentService)");
      }
      operations = ((AgentService) instance).operations();
    }
    for (String op : operations) {
      if (!op.matches("[A-Za-z0-9_.-]+")) {
        throw s.fail("operations", "\"" + op + "\" is not a valid operation name");
      }
    }
    Object config = s.json().getValue("config");
    if (config != null && !(config instanceof JsonObject)) {
      throw s.fail("config", "must be an object");
    }
    return new ServiceSpec(
        name,
        verticle,
        config == null ? new JsonObject() : (JsonObject) config,
        List.copyOf(operations));
  }

  /** A fresh instance of the verticle (checked to work when the conf was read). */
  Deployable create() throws ReflectiveOperationException {
    return (Deployable) Class.forName(verticle).getDeclaredConstructor().newInstance();
  }
}
