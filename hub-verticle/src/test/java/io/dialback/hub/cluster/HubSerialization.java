package io.dialback.hub.cluster;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import io.dialback.conf.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The serialization a hub's Hazelcast member uses, built from the hub's own cluster config. */
public final class HubSerialization {
  private HubSerialization() {}

  public static InternalSerializationService of() {
    JsonObject cluster =
        new JsonObject().put("port", 5801).put("members", new JsonArray().add("127.0.0.1:5801"));
    return new DefaultSerializationServiceBuilder()
        .setConfig(
            HubCluster.hazelcastConfig(
                    ClusterConfig.from(
                        Settings.of(cluster, Map.of(), "DIALBACK_HUB_CLUSTER_"), true))
                .getSerializationConfig())
        .build();
  }
}
