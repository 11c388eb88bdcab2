package io.dialback.hub.cluster;

/**
 * Takes an event-bus consumer out of the cluster's routing before the consumer itself goes.
 *
 * <p>On a clustered Vert.x 5.0.8, a message that reaches a node after the consumer it was sent to
 * unregistered there is dropped without an answer, and its sender waits out its whole timeout
 * (docs/clustering.md, "Moving agents"). Other nodes learn of an unregistration some milliseconds
 * after it happens, so every unregistration loses what is sent in that window. A hub therefore
 * first withdraws the consumer from the cluster's routing, keeps it a while to relay what still
 * arrives, and only then unregisters it. The hub's cluster manager provides this; a Vert.x that is
 * not clustered needs none of it ({@link #NONE}).
 */
public interface ClusterRoutes {
  /** No cluster: nothing to withdraw. */
  ClusterRoutes NONE =
      new ClusterRoutes() {
        @Override
        public Object capture(Runnable create) {
          create.run();
          return null;
        }

        @Override
        public void withdraw(String address, Object token) {}
      };

  /**
   * Runs {@code create}, which registers one consumer on this thread, and returns what {@link
   * #withdraw} needs to take it out of the cluster's routing, or null when there is nothing to
   * take.
   */
  Object capture(Runnable create);

  /**
   * The cluster stops routing {@code address} to the consumer {@code token} names; the consumer
   * itself stays registered on this node until it is unregistered (which then does not touch the
   * cluster again).
   */
  void withdraw(String address, Object token);
}
