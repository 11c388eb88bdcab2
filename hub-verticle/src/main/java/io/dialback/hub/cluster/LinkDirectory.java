package io.dialback.hub.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where a hub finds the hub links of the others (docs/clustering.md, "Hub links"): which live node
 * serves an agent address, and where each node's link port listens. The hub's cluster manager
 * provides it from the agent routes and a cluster map; a Vert.x that is not clustered has none
 * ({@link #NONE}).
 */
public interface LinkDirectory {
  /** No cluster: no other hub to link to. */
  LinkDirectory NONE =
      new LinkDirectory() {
        @Override
        public String nodeOf(String address) {
          return null;
        }

        @Override
        public CompletionStage<Void> advertise(String endpoint) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<String> endpointOf(String node) {
          return CompletableFuture.completedFuture(null);
        }
      };

  /**
   * The live node other than this one that serves agent call address {@code address}, or null
   * (nobody does, or this node does). Cheap: read from a local copy.
   */
  String nodeOf(String address);

  /** Makes this node's link port ({@code host:port}) known to the other hubs. */
  CompletionStage<Void> advertise(String endpoint);

  /** The link port {@code node} made known, or null when it has none. */
  CompletionStage<String> endpointOf(String node);
}
