package io.dialback.hub.registry;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import io.dialback.hub.cluster.RouteTypes;

/**
 * Makes the registry's entry processors and predicate as Hazelcast reads them off the wire: a type
 * id and their fields, not Java serialization ({@link RouteTypes} says why). The cluster's config
 * names this class, by name, since that package cannot depend on this one; Hazelcast makes it with
 * its public constructor.
 */
public final class RegistryTypes implements DataSerializableFactory {
  static final int FACTORY_ID = RouteTypes.REGISTRY_FACTORY_ID;

  /** What this factory makes: its factory id is this factory's. */
  interface Type extends IdentifiedDataSerializable {
    @Override
    default int getFactoryId() {
      return FACTORY_ID;
    }
  }

  static final int BIND_IF_FREE = 1;
  static final int REMOVE_IF_STORED = 2;
  static final int OF_MEMBER = 3;
  static final int RENEW_OWN = 4;
  static final int FIND = 5;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case BIND_IF_FREE -> new BindIfFree();
      case REMOVE_IF_STORED -> new RemoveIfStored();
      case OF_MEMBER -> new OfMember();
      case RENEW_OWN -> new RenewOwn();
      case FIND -> new RenewOwn.Find();
      default -> null; // Hazelcast reports the unknown type
    };
  }
}
