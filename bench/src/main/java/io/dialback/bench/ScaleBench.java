package io.dialback.bench;

import io.dialback.client.BridgeClient;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.dialback.wire.FrameParser;
import io.dialback.wire.FrameWriter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Idle agents on one hub: a hub process (heap bounded at 1 GiB) and N agents that log in with their
 * own names, register their four file-service addresses and then stay quiet. Reports the hub's heap
 * and RSS per agent and how long {@code hub.agents.list} takes with all of them. The agents'
 * sockets live in this process and the hub's in its own: each stays under the machine's 20,000 open
 * files per process.
 */
final class ScaleBench {
  private static final String TOKEN = "scale-agent-token";

  /** What the scale run measured. */
  record Result(
      int agents,
      int connected,
      long heapBaseBytes,
      long heapBytes,
      long rssBaseBytes,
      long rssBytes,
      double connectSeconds,
      double listMedianMillis,
      int listed) {

    long heapPerAgent() {
      return (heapBytes - heapBaseBytes) / Math.max(1, connected);
    }

    long rssPerAgent() {
      return (rssBytes - rssBaseBytes) / Math.max(1, connected);
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "%d idle agents on one hub (%d connected in %.1f s): hub heap %d MiB (%d KiB per agent), RSS %d MiB (%d KiB per agent); hub.agents.list of %d: median %.0f ms",
          agents,
          connected,
          connectSeconds,
          heapBytes >> 20,
          heapPerAgent() >> 10,
          rssBytes >> 20,
          rssPerAgent() >> 10,
          listed,
          listMedianMillis);
    }

    String markdown() {
      return String.format(
          Locale.ROOT,
          "| | idle hub | with %,d agents | per agent |%n|---|---:|---:|---:|%n"
              + "| hub heap after GC (`-Xmx1g`) | %d MiB | %d MiB | %.1f KiB |%n"
              + "| hub RSS | %d MiB | %d MiB | %.1f KiB |%n%n"
              + "%,d of %,d agents logged in and registered 4 addresses each in %.1f s; `hub.agents.list` with all of"
              + " them (%,d entries) took %.0f ms (median of 5).%n",
          connected,
          heapBaseBytes >> 20,
          heapBytes >> 20,
          heapPerAgent() / 1024.0,
          rssBaseBytes >> 20,
          rssBytes >> 20,
          rssPerAgent() / 1024.0,
          connected,
          agents,
          connectSeconds,
          listed,
          listMedianMillis);
    }
  }

  private ScaleBench() {}

  static Result run(int agents, boolean quick) throws Exception {
    Path dir = Files.createTempDirectory("dialback-scale");
    int port = Ports.free();
    JsonArray names = new JsonArray();
    for (int i = 0; i < agents; i++) {
      names.add("a" + i);
    }
    JsonObject conf = Setups.hubConf(port);
    conf.getJsonObject("auth")
        .getJsonArray("tokens")
        .add(new JsonObject().put("token", TOKEN).put("role", "agent").put("names", names));
    conf.getJsonObject("limits").put("maxConnectionsPerAddress", agents + 100);
    Path file = Files.writeString(dir.resolve("hub.json"), conf.encode());
    Vertx vertx = Vertx.vertx();
    List<NetSocket> sockets = new ArrayList<>();
    try (JavaProcess hub =
        JavaProcess.start(
            "scale-hub",
            "io.dialback.hub.HubMain",
            List.of("-Xmx1g", "-XX:+UseSerialGC"),
            List.of("-conf", file.toString()),
            Map.of("DIALBACK_LOG_LEVEL", "WARN", "DIALBACK_AUDIT_LEVEL", "WARN"),
            dir)) {
      hub.awaitPort(port, Duration.ofSeconds(60));
      Thread.sleep(quick ? 200 : 2000);
      long heapBase = hub.heapUsed(true);
      long rssBase = hub.rssBytes();

      NetClient net = vertx.createNetClient();
      long start = System.nanoTime();
      int batch = 250;
      for (int from = 0; from < agents; from += batch) {
        List<Future<NetSocket>> logins = new ArrayList<>();
        for (int i = from; i < Math.min(agents, from + batch); i++) {
          logins.add(agent(vertx, net, port, "a" + i));
        }
        for (Future<NetSocket> f : logins) {
          try {
            sockets.add(f.await(60, TimeUnit.SECONDS));
          } catch (Exception e) {
            System.err.println("an agent did not get in: " + e.getMessage());
          }
        }
      }
      double connectSeconds = (System.nanoTime() - start) / 1e9;
      Thread.sleep(quick ? 200 : 2000);
      long heap = hub.heapUsed(true);
      long rss = hub.rssBytes();

      BridgeClient lister = Setups.client(vertx, port, Setups.CLIENT_TOKEN, null);
      double[] millis = new double[5];
      int listed = 0;
      for (int i = 0; i < millis.length; i++) {
        long t0 = System.nanoTime();
        JsonObject all =
            lister
                .request("hub.agents.list", new JsonObject())
                .await(60, TimeUnit.SECONDS)
                .bodyAsJsonObject();
        millis[i] = (System.nanoTime() - t0) / 1e6;
        listed = all.getJsonArray("agents").size();
      }
      Arrays.sort(millis);
      lister.close().await(10, TimeUnit.SECONDS);
      return new Result(
          agents, sockets.size(), heapBase, heap, rssBase, rss, connectSeconds, millis[2], listed);
    } finally {
      for (NetSocket s : sockets) {
        s.close();
      }
      Setups.close(vertx);
      TestFiles.deleteTree(dir);
    }
  }

  /** One idle agent: login, four registrations, then a ping whose pong says all is in place. */
  private static Future<NetSocket> agent(Vertx vertx, NetClient net, int port, String name) {
    Promise<NetSocket> ready = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                net.connect(port, "127.0.0.1")
                    .onFailure(ready::tryFail)
                    .onSuccess(
                        socket -> {
                          socket.handler(
                              new FrameParser(
                                  1 << 20,
                                  new FrameParser.Listener() {
                                    @Override
                                    public void onFrame(Buffer payload) {
                                      String frame = payload.toString();
                                      if (frame.startsWith("{\"type\":\"pong\"")) {
                                        ready.tryComplete(socket);
                                      } else if (frame.startsWith("{\"type\":\"err\"")) {
                                        ready.tryFail(frame);
                                      }
                                    }

                                    @Override
                                    public void onOversize(
                                        long declaredLength, int maxFrameBytes) {}
                                  }));
                          Buffer out = Buffer.buffer();
                          out.appendBuffer(
                              FrameWriter.send(
                                  "send",
                                  "hub.login",
                                  "login",
                                  null,
                                  new JsonObject().put("token", TOKEN).put("name", name)));
                          for (String op : new String[] {"list", "stat", "read", "write"}) {
                            out.appendBuffer(
                                FrameWriter.subscription(
                                    "register", "agent." + name + ".fs." + op));
                          }
                          out.appendBuffer(FrameWriter.ping());
                          socket.write(out);
                        }));
    return ready.future();
  }
}
