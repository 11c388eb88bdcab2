package io.dialback.hub.cluster;

import com.hazelcast.config.Config;
import io.dialback.conf.ConfigException;
import io.dialback.conf.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Joins a Vert.x service to the hubs' cluster, so that it calls any agent on any hub over the
 * clustered event bus, with no bridge connection of its own:
 *
 * <pre>{@code
 * Vertx vertx = ClusterMember.join(Path.of("conf/cluster/member.json")).await();
 * Dialback dialback = Dialback.over(vertx, "my-service");
 * }</pre>
 *
 * The conf's {@code cluster} section is a hub's (same keys, same rules: TCP-IP join on the listed
 * hubs, one interface, no multicast, no phone-home), with the member's own {@code host} and {@code
 * port}. The service joins as a Hazelcast lite member: it holds none of the cluster's data, so its
 * coming and going moves nothing. The cluster is a trusted zone (docs/security.md): a member is not
 * asked for a token.
 */
public final class ClusterMember {
  /** Prefix of the environment variables that override the conf ({@code DIALBACK_MEMBER_...}). */
  public static final String ENV_PREFIX = "DIALBACK_MEMBER_";

  private ClusterMember() {}

  /** Joins with the {@code cluster} section of the JSON conf file at {@code conf}. */
  public static Future<Vertx> join(Path conf) {
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(conf));
    } catch (IOException e) {
      return Future.failedFuture(new ConfigException(conf.toString(), "cannot be read: " + e));
    } catch (DecodeException e) {
      return Future.failedFuture(
          new ConfigException(conf.toString(), "is not a JSON object: " + e.getMessage()));
    }
    return join(json, System.getenv());
  }

  /** Joins with the {@code cluster} section of {@code conf}, overridden by {@code env}. */
  public static Future<Vertx> join(JsonObject conf, Map<String, String> env) {
    ClusterConfig cfg;
    try {
      Settings settings = Settings.of(conf, env, ENV_PREFIX);
      cfg = ClusterConfig.from(settings.section("cluster"), true);
      settings.rejectUnknownEnvironment();
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return join(cfg);
  }

  public static Future<Vertx> join(ClusterConfig cfg) {
    Config hazelcast = HubCluster.hazelcastConfig(cfg).setLiteMember(true);
    return HubCluster.vertx(cfg, new HubClusterManager(hazelcast));
  }
}
