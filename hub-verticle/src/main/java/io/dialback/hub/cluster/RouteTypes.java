package io.dialback.hub.cluster;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Makes this package's entry processors and predicates as Hazelcast reads them off the wire: as
 * {@link IdentifiedDataSerializable}s, a type id and their fields, not Java serialization.
 *
 * <p>Why: every login sends a {@link SetRoute} to the entry's partition owner, which sends it on to
 * the backup. With Java serialization each was a class descriptor written and read by reflection,
 * and a reconnect storm's first minutes went to compiling that machinery: in a 10,000-agent kill,
 * one survivor's C2 compiler spent 5.8 s of its time in the window on {@code ObjectOutputStream}
 * and {@code ObjectInputStream} methods (JFR {@code jdk.Compilation}), and the survivors' JIT
 * compilers took 0.4 of the machine's two cores in the 7 s after the kill (per-thread CPU from
 * {@code /proc}).
 */
public final class RouteTypes implements DataSerializableFactory {
  /** This factory's id in the cluster's serialization config. */
  public static final int FACTORY_ID = 0x4442_0001;

  /**
   * The registry's factory (in {@code io.dialback.hub.registry}, which depends on this package).
   */
  public static final int REGISTRY_FACTORY_ID = 0x4442_0002;

  /** What this factory makes: its factory id is this factory's. */
  interface Type extends IdentifiedDataSerializable {
    @Override
    default int getFactoryId() {
      return FACTORY_ID;
    }
  }

  static final int SET_ROUTE = 1;
  static final int OF_NODE = 2;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case SET_ROUTE -> new SetRoute();
      case OF_NODE -> new StoredRoute.OfNode();
      default -> null; // Hazelcast reports the unknown type
    };
  }
}
