package io.dialback.bench;

import io.dialback.testkit.HubConf;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The processes of one {@link FleetBench} cluster: three hubs and the fleet processes ({@code
 * FleetMain}), each a JVM of its own with its log in {@code logs}.
 */
final class FleetParties {
  static final String CLIENT_TOKEN = "fleet-bench-client";
  static final String FLEET_TOKEN = "fleet-bench-agents";
  static final String PREFIX = "edge-";

  final int[] bridgePorts = {Ports.free(), Ports.free(), Ports.free()};
  private final int[] clusterPorts = {Ports.free(), Ports.free(), Ports.free()};
  private final List<JavaProcess> processes = new ArrayList<>();
  private final Path dir;
  private final Path logs;
  private final String hubHeap;
  private final String fleetJit;

  FleetParties(Path dir, Path logs, String hubHeap, String fleetJit) {
    this.dir = dir;
    this.logs = logs;
    this.hubHeap = hubHeap;
    this.fleetJit = fleetJit;
  }

  /** Starts hub {@code i} (0–2), named {@code hub<i+1>}. */
  JavaProcess hub(int i) throws Exception {
    JsonObject conf =
        HubConf.bare()
            .client(CLIENT_TOKEN, "fleet-bench")
            .agent(FLEET_TOKEN, PREFIX + "*")
            .port(bridgePorts[i])
            .put("name", "hub" + (i + 1))
            .json()
            .put(
                "cluster",
                HubConf.cluster(
                    "fleet-bench-" + ProcessHandle.current().pid(), clusterPorts[i], clusterPorts));
    Path file = Files.writeString(dir.resolve("hub" + (i + 1) + ".json"), conf.encodePrettily());
    return started(
        JavaProcess.start(
            "hub" + (i + 1),
            "io.dialback.hub.HubMain",
            ProcessBench.jvm("hub" + (i + 1), List.of("-Xmx" + hubHeap)),
            List.of("-conf", file.toString()),
            Map.of(),
            logs));
  }

  /**
   * Starts a fleet process {@code name} of {@code count} agents named {@code <prefix><i>}, each
   * listing the three hubs from a different one, {@code rate} a second.
   */
  JavaProcess fleet(String name, Path root, String prefix, int count, int rate) throws Exception {
    JsonArray hubs = new JsonArray();
    for (int p : bridgePorts) {
      hubs.add("127.0.0.1:" + p);
    }
    JsonObject conf =
        new JsonObject()
            .put("name", "template")
            .put("hubs", hubs)
            .put("token", FLEET_TOKEN)
            .put("root", root.toString());
    Path file = Files.writeString(dir.resolve(name + ".json"), conf.encodePrettily());
    return started(
        JavaProcess.start(
            name,
            "io.dialback.agent.cli.FleetMain",
            ProcessBench.jvm(name, FleetReport.fleetJvm(fleetJit)),
            List.of(
                "--conf",
                file.toString(),
                "--count",
                String.valueOf(count),
                "--prefix",
                prefix,
                "--spread",
                "--rate",
                String.valueOf(rate)),
            Map.of(),
            logs));
  }

  private JavaProcess started(JavaProcess p) {
    processes.add(p);
    return p;
  }

  /** Stops every process, the last started first (hubs with SIGTERM, so a profiler writes out). */
  void stopAll() throws InterruptedException {
    for (int i = processes.size() - 1; i >= 0; i--) {
      processes.get(i).stop(Duration.ofSeconds(20));
    }
  }
}
