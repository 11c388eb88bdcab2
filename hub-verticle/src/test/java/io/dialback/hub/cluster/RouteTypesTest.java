package io.dialback.hub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.SerializationConstants;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The routes' entry processor and predicate travel by type id and fields and read back the same.
 */
class RouteTypesTest {
  @Test
  void routeOperationsTravelAsTheirTypeIdAndFields() {
    InternalSerializationService wire = HubSerialization.of();
    String route = new StoredRoute("node-1", Set.of("agent.a.fs.stat")).encode();

    for (Object op :
        List.of(
            new SetRoute("node-1", route, true),
            new SetRoute("node-1", null, false),
            new StoredRoute.OfNode("node-1"))) {
      Data data = wire.toData(op);
      assertThat(data.getType())
          .as(op.toString())
          .isEqualTo(SerializationConstants.CONSTANT_TYPE_DATA_SERIALIZABLE);
      assertThat((Object) wire.toObject(data)).usingRecursiveComparison().isEqualTo(op);
    }

    Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("a", null);
    SetRoute set = wire.toObject(wire.toData(new SetRoute("node-1", route, false)));
    assertThat(set.process(entry)).isTrue();
    assertThat(entry.getValue()).isEqualTo(route);
    StoredRoute.OfNode ofNode = wire.toObject(wire.toData(new StoredRoute.OfNode("node-1")));
    assertThat(ofNode.apply(entry)).isTrue();
  }
}
