package io.dialback.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The one hub conf fixture of the tests and the benchmark: built up from the standard one (on
 * 127.0.0.1, two event loops, no drain on stop, a client token and two agent tokens) or from none.
 */
public final class HubConf {
  public static final String CLIENT_TOKEN = "client-token-0001";
  public static final String ALPHA_TOKEN = "alpha-token-0001";
  public static final String BETA_TOKEN = "beta-token-0001";

  private final JsonObject json;

  private HubConf(JsonObject json) {
    this.json = json;
  }

  /**
   * A hub on 127.0.0.1, port 0 (any free port), two event loops, no drain on stop (a test that
   * closes a hub means "the hub is gone"), and no tokens yet.
   */
  public static HubConf bare() {
    return new HubConf(
        new JsonObject()
            .put("host", "127.0.0.1")
            .put("port", 0)
            .put("instances", 2)
            .put("limits", new JsonObject().put("drainTimeoutMs", 0))
            .put("auth", new JsonObject().put("tokens", new JsonArray())));
  }

  /** {@link #bare()} with client {@code tester} and agents {@code alpha} and {@code beta}. */
  public static HubConf standard() {
    return bare()
        .client(CLIENT_TOKEN, "tester")
        .agent(ALPHA_TOKEN, "alpha")
        .agent(BETA_TOKEN, "beta");
  }

  public HubConf port(int port) {
    json.put("port", port);
    return this;
  }

  /** Sets (or with a JSON value, replaces) a top-level key. */
  public HubConf put(String key, Object value) {
    json.put(key, value);
    return this;
  }

  /** Merges {@code limits} into the {@code limits} section. */
  public HubConf limits(JsonObject limits) {
    json.getJsonObject("limits").mergeIn(limits);
    return this;
  }

  /**
   * A hub's {@code cluster} section on 127.0.0.1: on, Hazelcast on {@code port}, the cluster's
   * {@code name}, and every member at {@code memberPorts}; a test adds the keys it needs.
   */
  public static JsonObject cluster(String name, int port, int... memberPorts) {
    JsonArray members = new JsonArray();
    for (int p : memberPorts) {
      members.add("127.0.0.1:" + p);
    }
    return new JsonObject()
        .put("enabled", true)
        .put("host", "127.0.0.1")
        .put("port", port)
        .put("members", members)
        .put("name", name);
  }

  /** A client token with its identity {@code id}. */
  public HubConf client(String token, String id) {
    return token(new JsonObject().put("token", token).put("role", "client").put("id", id));
  }

  /** An agent token that may bind {@code names}. */
  public HubConf agent(String token, String... names) {
    return token(
        new JsonObject()
            .put("token", token)
            .put("role", "agent")
            .put("names", new JsonArray(java.util.List.of((Object[]) names))));
  }

  /** Any {@code auth.tokens} entry, as written in a conf. */
  public HubConf token(JsonObject entry) {
    json.getJsonObject("auth").getJsonArray("tokens").add(entry);
    return this;
  }

  /** The conf (a copy: the builder may go on). */
  public JsonObject json() {
    return json.copy();
  }
}
