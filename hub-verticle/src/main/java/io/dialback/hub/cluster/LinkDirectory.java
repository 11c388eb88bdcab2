package io.dialback.hub.cluster;

import java.util.concurrent.CompletionStage;

/**
 * Where a hub finds the hub links of the others (docs/clustering.md, "Hub links"): which live node
 * serves an agent address, and where each node's link port listens. The hub's cluster manager
 * provides it from the agent routes and a cluster map; a Vert.x that is not clustered has none, and
 * its hub no links.
 */
public interface LinkDirectory {
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
