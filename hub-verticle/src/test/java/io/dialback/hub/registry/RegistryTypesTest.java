package io.dialback.hub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.SerializationConstants;
import io.dialback.hub.cluster.HubSerialization;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The registry's entry processors and predicate as the cluster's members send them to each other:
 * by type id and fields, read back the same, and never by Java serialization, which the cluster's
 * config refuses for our classes.
 */
class RegistryTypesTest {
  @Test
  void everyOperationTravelsAsItsTypeIdAndFieldsAndIsReadBackTheSame() {
    InternalSerializationService wire = HubSerialization.of();
    String stored = new JsonObject().put("member", "m-1").put("name", "edge-1").encode();
    List<Object> sent =
        List.of(
            new BindIfFree(stored, 30_000, Set.of("m-1", "m-2", "m-3")),
            new RemoveIfStored(stored),
            new OfMember("m-1"),
            new RenewOwn("m-1", 60_000),
            new RenewOwn.Find());

    for (Object op : sent) {
      Data data = wire.toData(op);
      assertThat(data.getType())
          .as(op.getClass().getSimpleName())
          .isEqualTo(SerializationConstants.CONSTANT_TYPE_DATA_SERIALIZABLE);
      Object read = wire.toObject(data);
      assertThat(read).usingRecursiveComparison().isEqualTo(op);
    }

    // And they act the same once read: the name is held by a live member, the entry is m-1's.
    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("edge-1", stored);
    BindIfFree bind =
        wire.toObject(wire.toData(new BindIfFree("other", 30_000, Set.of("m-1", "m-2"))));
    assertThat(bind.process(entry)).isEqualTo(stored);
    OfMember ofMember = wire.toObject(wire.toData(new OfMember("m-1")));
    assertThat(ofMember.apply(entry)).isTrue();
    RemoveIfStored remove = wire.toObject(wire.toData(new RemoveIfStored(stored)));
    assertThat(remove.process(entry)).isTrue();
    assertThat(entry.getValue()).isNull();
  }

  /** Ours, Java-serializable, and not one of the types the cluster knows. */
  static final class Stray implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void ourClassesAreNotReadByJavaDeserialization() {
    InternalSerializationService wire = HubSerialization.of();
    Data data = wire.toData(new Stray());

    assertThat(data.getType()).isEqualTo(SerializationConstants.JAVA_DEFAULT_TYPE_SERIALIZABLE);
    assertThatThrownBy(() -> wire.toObject(data)).hasStackTraceContaining("Stray");
  }
}
