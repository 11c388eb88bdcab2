package io.dialback.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.client.BridgeClient;
import io.dialback.client.ClientOptions;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated frames over many connections at a hub process with a small fixed heap, bounded
 * in frames and time, while a well-behaved agent and client keep calling each other through it. The
 * hub must never crash or wedge, its heap must stay bounded, and every well-behaved call must
 * succeed.
 */
class FuzzTest {
  private static final int MAX_FRAMES = 200_000;
  private static final Duration MAX_TIME = Duration.ofSeconds(60);
  private static final int CONNECTIONS = 40;
  private static final int THREADS = 4;
  private static final long HEAP_BOUND = 96L * 1024 * 1024;

  @TempDir Path tmp;

  private final AtomicLong framesSent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong errFrames = new AtomicLong();

  @Test
  void theHubSurvivesAFuzzStormAndKeepsServingOthers() throws Exception {
    int port = Ports.free();
    JsonObject conf = TestHub.conf().put("port", port).put("instances", 2);
    // The fuzzer and the well-behaved peers share 127.0.0.1: let the fuzzer fail logins freely.
    conf.getJsonObject("limits")
        .put("maxLoginFailuresPerMinute", 1_000_000)
        .put("loginFailureDelayMs", 5);
    Path file = Files.writeString(tmp.resolve("hub.json"), conf.encode());
    Vertx vertx = Vertx.vertx();
    try (JavaProcess hub =
        JavaProcess.start(
            "hub",
            "io.dialback.hub.HubMain",
            List.of("-Xmx" + HEAP_BOUND / 1024 / 1024 + "m", "-XX:+UseSerialGC"),
            List.of("-conf", file.toString()),
            Map.of("DIALBACK_LOG_LEVEL", "WARN", "DIALBACK_AUDIT_LEVEL", "WARN"),
            tmp)) {
      hub.awaitPort(port, Duration.ofSeconds(30));
      BridgeClient beta = client(vertx, port, TestHub.BETA_TOKEN);
      beta.consumer("agent.beta.echo", m -> m.reply(m.body())).await(10, TimeUnit.SECONDS);
      BridgeClient alpha = client(vertx, port, TestHub.ALPHA_TOKEN);

      long deadline = System.nanoTime() + MAX_TIME.toNanos();
      List<Thread> fuzzers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = 1000 + t;
        Thread thread = new Thread(() -> fuzz(port, seed, deadline), "fuzzer-" + t);
        thread.start();
        fuzzers.add(thread);
      }
      long good = 0;
      long slowest = 0;
      long peakHeap = 0;
      long nextHeapCheck = 0;
      long start = System.nanoTime();
      while (fuzzers.stream().anyMatch(Thread::isAlive)) {
        JsonObject ping = new JsonObject().put("n", good);
        long sent = System.nanoTime();
        Object echoed =
            alpha
                .request("agent.beta.echo", ping, Duration.ofSeconds(10), null)
                .await(15, TimeUnit.SECONDS)
                .body();
        assertThat(echoed).as("well-behaved call %d during the storm", good).isEqualTo(ping);
        good++;
        slowest = Math.max(slowest, System.nanoTime() - sent);
        if (System.nanoTime() > nextHeapCheck) {
          peakHeap = Math.max(peakHeap, hub.heapUsed(false));
          nextHeapCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        }
        Thread.sleep(5);
      }
      for (Thread t : fuzzers) {
        t.join();
      }
      peakHeap = Math.max(peakHeap, hub.heapUsed(false));
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "fuzz: %d frames in %.1f s over %d connections; %d connections dropped by the hub; %d err frames returned;"
              + " %d well-behaved calls, all answered, slowest %d ms; hub peak heap used %d MiB of %d MiB%n",
          framesSent.get(),
          seconds,
          CONNECTIONS,
          dropped.get(),
          errFrames.get(),
          good,
          slowest / 1_000_000,
          peakHeap >> 20,
          HEAP_BOUND >> 20);

      assertThat(hub.isAlive()).isTrue();
      assertThat(hub.logText()).doesNotContain("OutOfMemoryError");
      assertThat(framesSent.get()).isGreaterThan(20_000);
      assertThat(errFrames.get()).as("the hub answered the bad frames").isPositive();
      assertThat(peakHeap).isLessThan(HEAP_BOUND);
      // Still serving afterwards, on a fresh connection.
      BridgeClient after = client(vertx, port, TestHub.CLIENT_TOKEN);
      assertThat(after.request("agent.beta.echo", "after").await(10, TimeUnit.SECONDS).body())
          .isEqualTo("after");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static BridgeClient client(Vertx vertx, int port, String token) throws Exception {
    BridgeClient client =
        BridgeClient.create(
            vertx, ClientOptions.builder().hub("127.0.0.1", port).token(token).build());
    client.connect().await(10, TimeUnit.SECONDS);
    return client;
  }

  /** One fuzzing thread: its share of the connections, until the frame or time budget is spent. */
  private void fuzz(int port, long seed, long deadline) {
    SplittableRandom random = new SplittableRandom(seed);
    Peer[] peers = new Peer[CONNECTIONS / THREADS];
    while (framesSent.get() < MAX_FRAMES && System.nanoTime() < deadline) {
      int i = random.nextInt(peers.length);
      try {
        if (peers[i] == null) {
          peers[i] = new Peer(port);
          if (random.nextInt(10) > 0) {
            peers[i].write(frame(login(random)));
          }
        }
        peers[i].write(random.nextInt(50) == 0 ? lyingLength(random) : frame(payload(random)));
        framesSent.incrementAndGet();
        if (++peers[i].sinceBarrier >= 25) {
          // A ping, then everything up to its pong: the hub has handled all of it.
          peers[i].write(frame("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8)));
          errFrames.addAndGet(peers[i].readUntilPong());
          peers[i].sinceBarrier = 0;
        }
      } catch (IOException e) {
        dropped.incrementAndGet();
        if (peers[i] != null) {
          peers[i].close();
        }
        peers[i] = null;
      }
    }
    for (Peer p : peers) {
      if (p != null) {
        p.close();
      }
    }
  }

  private static byte[] login(SplittableRandom random) {
    String token = random.nextInt(5) == 0 ? "wrong-" + random.nextInt() : TestHub.CLIENT_TOKEN;
    return new JsonObject()
        .put("type", "send")
        .put("address", "hub.login")
        .put("replyAddress", "l")
        .put("body", new JsonObject().put("token", token))
        .encode()
        .getBytes(StandardCharsets.UTF_8);
  }

  private static final String[] TYPES = {
    "send", "publish", "register", "unregister", "ping", "message", "err", "", "SEND", null
  };
  private static final String[] ADDRESSES = {
    "agent.beta.echo",
    "agent.beta.fs.read",
    "agent.alpha.x",
    "hub.login",
    "hub.agents.list",
    "hub.agents.events",
    "__vertx.reply.1",
    "__vertx.reply.999999",
    "test.x",
    "",
    "agent.",
    "agent..x"
  };

  /** A frame's payload: valid JSON, mutated JSON, or noise. */
  private static byte[] payload(SplittableRandom random) {
    switch (random.nextInt(6)) {
      case 0:
        byte[] noise = new byte[random.nextInt(200)];
        random.nextBytes(noise);
        return noise;
      case 1:
        return mutate(random, template(random).encode().getBytes(StandardCharsets.UTF_8));
      case 2:
        String deep = "[".repeat(random.nextInt(3000)) + "]".repeat(random.nextInt(3000));
        return deep.getBytes(StandardCharsets.UTF_8);
      default:
        return template(random).encode().getBytes(StandardCharsets.UTF_8);
    }
  }

  private static JsonObject template(SplittableRandom random) {
    JsonObject frame = new JsonObject();
    String type = TYPES[random.nextInt(TYPES.length)];
    if (type != null) {
      frame.put("type", random.nextInt(20) == 0 ? (Object) random.nextInt() : type);
    }
    frame.put("address", ADDRESSES[random.nextInt(ADDRESSES.length)]);
    if (random.nextBoolean()) {
      frame.put("replyAddress", "r" + random.nextInt(1000));
    }
    switch (random.nextInt(5)) {
      case 0:
        frame.put("body", new JsonObject().put("path", "../../etc/passwd").put("offset", -1));
        break;
      case 1:
        frame.put("body", "x".repeat(random.nextInt(4096)));
        break;
      case 2:
        frame.put(
            "headers", new JsonObject().put("timeout", random.nextLong()).put("codecName", "nope"));
        break;
      case 3:
        frame
            .put("failureCode", random.nextBoolean() ? "NaN" : random.nextInt())
            .put("message", "forged");
        break;
      default:
        frame.put("body", new JsonArray().add(random.nextDouble()).add(Long.MAX_VALUE));
    }
    return frame;
  }

  private static byte[] mutate(SplittableRandom random, byte[] bytes) {
    if (bytes.length == 0) {
      return bytes;
    }
    for (int i = random.nextInt(1, 6); i > 0; i--) {
      bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
    }
    return random.nextBoolean()
        ? bytes
        : java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
  }

  private static byte[] frame(byte[] payload) {
    return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
  }

  /** A length the hub must refuse before reading: negative or far over the limit. */
  private static byte[] lyingLength(SplittableRandom random) {
    int length =
        random.nextBoolean()
            ? -random.nextInt(1, Integer.MAX_VALUE)
            : Integer.MAX_VALUE - random.nextInt(1000);
    return ByteBuffer.allocate(4).putInt(length).array();
  }

  /** One hostile connection; it reads what comes back only to count err frames. */
  private static final class Peer {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] buf = new byte[65536];
    int sinceBarrier;

    Peer(int port) throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(10_000);
      out = socket.getOutputStream();
      in = socket.getInputStream();
    }

    void write(byte[] bytes) throws IOException {
      out.write(bytes);
    }

    /** Reads frames until a pong, counting the err frames; a hub that stays silent fails. */
    long readUntilPong() throws IOException {
      socket.setSoTimeout(10_000);
      java.io.DataInputStream data = new java.io.DataInputStream(in);
      long errs = 0;
      while (true) {
        int length = data.readInt();
        byte[] payload = length <= buf.length ? buf : new byte[length];
        data.readFully(payload, 0, length);
        String text = new String(payload, 0, length, StandardCharsets.UTF_8);
        if (text.startsWith("{\"type\":\"pong\"")) {
          return errs;
        }
        if (text.startsWith("{\"type\":\"err\"")) {
          errs++;
        }
      }
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // gone already
      }
    }
  }
}
