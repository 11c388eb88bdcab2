package io.dialback.bench;

import io.dialback.testkit.JavaProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import java.util.List;

/** The raw-TCP rows of the process harness: the ceiling, and what a process in the path costs. */
final class RawRows {
  private RawRows() {}

  /**
   * What one more process in the path costs on this machine, with no work of its own: raw TCP
   * ping-pong through one byte-relay process (where a hub sits), then through two (where two hubs
   * of a cluster sit).
   */
  static void hops(ProcessBench bench) throws Exception {
    try {
      JavaProcess echo = bench.party("raw", List.of("raw-echo"));
      JavaProcess near =
          bench.party("relay", List.of("raw-relay", String.valueOf(ProcessBench.portOf(echo))));
      JavaProcess far =
          bench.party("relay", List.of("raw-relay", String.valueOf(ProcessBench.portOf(near))));
      Buffer prefixed = rawFrame();
      int relays = 1;
      for (JavaProcess entry : new JavaProcess[] {near, far}) {
        Vertx vertx = Vertx.vertx();
        try (RawTcp raw =
            RawTcp.connect(vertx, ProcessBench.portOf(entry), new NetClientOptions())) {
          for (int inFlight : new int[] {1, 64}) {
            bench.measured(
                entry.pid(),
                "raw TCP ping-pong through " + (relays == 1 ? "one relay process" : "two relays"),
                "raw-relay" + relays,
                inFlight,
                vertx.getOrCreateContext(),
                () -> raw.call(prefixed));
          }
        } finally {
          Setups.close(vertx);
        }
        relays++;
      }
    } finally {
      bench.stopAll();
    }
  }

  /** The raw rows' frame: a request as a client sends it, length prefix included. */
  static Buffer rawFrame() {
    Buffer frame =
        Buffer.buffer(
            new JsonObject()
                .put("type", "send")
                .put("address", Setups.ECHO)
                .put("replyAddress", "r.1")
                .put("body", Setups.body(1))
                .encode());
    return Buffer.buffer().appendInt(frame.length()).appendBuffer(frame);
  }

  static void raw(ProcessBench bench, boolean tls) throws Exception {
    JavaProcess peer = bench.party("raw", tls ? List.of("raw-echo", "--tls") : List.of("raw-echo"));
    Vertx vertx = Vertx.vertx();
    try (RawTcp raw =
        RawTcp.connect(
            vertx, ProcessBench.portOf(peer), tls ? Party.trustingTls() : new NetClientOptions())) {
      Buffer prefixed = rawFrame();
      for (int inFlight : new int[] {1, 64}) {
        bench.measured(
            peer.pid(),
            tls ? "raw TLS ping-pong, same framing" : "raw TCP ping-pong, same framing",
            tls ? "raw-tls" : "raw",
            inFlight,
            vertx.getOrCreateContext(),
            () -> raw.call(prefixed));
      }
    } finally {
      Setups.close(vertx);
      bench.stopAll();
    }
  }
}
