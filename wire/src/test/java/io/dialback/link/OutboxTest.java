package io.dialback.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox driven on a real event-loop context against a sink the test completes by hand. */
class OutboxTest {
  private Vertx vertx;
  private Context context;
  private final List<Buffer> writes = new ArrayList<>();
  private final List<Promise<Void>> pending = new ArrayList<>();
  private final List<String> pressure = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Future<Void> sink(Buffer data) {
    writes.add(data);
    Promise<Void> p = Promise.promise();
    pending.add(p);
    return p.future();
  }

  private Outbox outbox(long max, Outbox.Meter meter) {
    return new Outbox(
        context,
        this::sink,
        max,
        meter,
        new Outbox.Pressure() {
          @Override
          public void high() {
            pressure.add("high");
          }

          @Override
          public void low() {
            pressure.add("low");
          }
        });
  }

  /** Runs {@code body} on the context and waits for the turn (and the next) to end. */
  private <T> T onContext(Supplier<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(body.get()));
    T value = result.get(5, TimeUnit.SECONDS);
    CompletableFuture<Void> nextTurn = new CompletableFuture<>();
    context.runOnContext(v -> nextTurn.complete(null));
    nextTurn.get(5, TimeUnit.SECONDS);
    return value;
  }

  private static Buffer bytes(int n) {
    return Buffer.buffer(new byte[n]);
  }

  @Test
  void framesOfOneTurnGoOutInOneWrite() throws Exception {
    Outbox box = outbox(1 << 20, Outbox.Meter.NONE);
    onContext(
        () -> {
          box.offer(Buffer.buffer("a"));
          box.offer(Buffer.buffer("b"));
          box.offer(Buffer.buffer("c"));
          return null;
        });
    assertThat(writes).hasSize(1);
    assertThat(writes.get(0).toString()).isEqualTo("abc");
    assertThat(box.queued()).isEqualTo(3);
    onContext(
        () -> {
          pending.get(0).complete();
          return null;
        });
    assertThat(box.queued()).isZero();
  }

  @Test
  void whatGathersPastFlushBytesGoesOutBeforeTheTurnEnds() throws Exception {
    Outbox box = outbox(1 << 20, Outbox.Meter.NONE);
    int frame = 1000;
    int frames = 3 * Outbox.FLUSH_BYTES / frame;
    int[] writtenDuringTurn = new int[1];
    onContext(
        () -> {
          for (int i = 0; i < frames; i++) {
            box.offer(bytes(frame));
          }
          writtenDuringTurn[0] = writes.size();
          return null;
        });
    int perWrite = (Outbox.FLUSH_BYTES + frame - 1) / frame * frame;
    assertThat(writtenDuringTurn[0])
        .as("writes before the turn ended")
        .isEqualTo(frames * frame / perWrite);
    assertThat(writes).hasSize((frames * frame + perWrite - 1) / perWrite);
    assertThat(writes.get(0).length()).isEqualTo(perWrite);
    assertThat(writes.stream().mapToInt(Buffer::length).sum()).isEqualTo(frames * frame);
  }

  @Test
  void everyByteGoesOutOnceAndInOrderWhateverTheFramesAndTurns() throws Exception {
    Outbox box = outbox(1 << 24, Outbox.Meter.NONE);
    java.util.Random random = new java.util.Random(17);
    Buffer offered = Buffer.buffer();
    List<Integer> writesPerTurn = new ArrayList<>();
    for (int turn = 0; turn < 300; turn++) {
      // one frame, a few, enough to pass FLUSH_BYTES, or a large one among small ones
      int frames = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(40);
      int before = writes.size();
      onContext(
          () -> {
            for (int i = 0; i < frames; i++) {
              int size =
                  random.nextInt(50) == 0
                      ? Outbox.BATCH_LIMIT + random.nextInt(100)
                      : 1 + random.nextInt(random.nextBoolean() ? 100 : 3000);
              byte[] frame = new byte[size];
              random.nextBytes(frame);
              offered.appendBytes(frame);
              assertThat(box.offer(Buffer.buffer(frame))).isNull();
            }
            return null;
          });
      writesPerTurn.add(writes.size() - before);
    }
    Buffer written = Buffer.buffer();
    writes.forEach(written::appendBuffer);
    assertThat(written.length()).isEqualTo(offered.length());
    assertThat(written.getBytes()).isEqualTo(offered.getBytes());
    assertThat(box.queued()).isEqualTo(offered.length());
    assertThat(writesPerTurn).as("every turn wrote what it offered").doesNotContain(0);
    onContext(
        () -> {
          pending.forEach(Promise::complete);
          return null;
        });
    assertThat(box.queued()).isZero();
  }

  @Test
  void aLargeFrameGoesAloneAfterWhatWasGathered() throws Exception {
    Outbox box = outbox(1 << 20, Outbox.Meter.NONE);
    onContext(
        () -> {
          box.offer(Buffer.buffer("small"));
          box.offer(bytes(Outbox.BATCH_LIMIT));
          return null;
        });
    assertThat(writes).hasSize(2);
    assertThat(writes.get(0).toString()).isEqualTo("small");
    assertThat(writes.get(1).length()).isEqualTo(Outbox.BATCH_LIMIT);
  }

  @Test
  void watermarksPauseAndResumeAndTheBoundRefuses() throws Exception {
    Outbox box = outbox(4096, Outbox.Meter.NONE);
    String refusal =
        onContext(
            () -> {
              box.offer(bytes(1500));
              box.flush();
              box.offer(bytes(1500)); // 3000 > 2048: high
              box.flush();
              return box.offer(bytes(1500)); // 4500 > 4096: refused
            });
    assertThat(pressure).containsExactly("high");
    assertThat(refusal).contains("more than 4096 bytes queued");
    assertThat(box.queued()).isEqualTo(3000);
    onContext(
        () -> {
          pending.get(0).complete(); // 1500 left: not yet below 1024
          return null;
        });
    assertThat(pressure).containsExactly("high");
    onContext(
        () -> {
          pending.get(1).fail("peer gone"); // failed writes count as done too
          return null;
        });
    assertThat(pressure).containsExactly("high", "low");
    assertThat(box.queued()).isZero();
  }

  @Test
  void theMeterCountsEveryByteOnceAndMayRefuse() throws Exception {
    long[] metered = {0};
    Outbox.Meter meter =
        new Outbox.Meter() {
          @Override
          public String refuse(int length, long queuedAfter) {
            return queuedAfter > 100 ? "identity over its share" : null;
          }

          @Override
          public void took(int length) {
            metered[0] += length;
          }

          @Override
          public void gave(int length) {
            metered[0] -= length;
          }
        };
    Outbox box = outbox(1 << 20, meter);
    String refusal =
        onContext(
            () -> {
              box.offer(bytes(60));
              return box.offer(bytes(60));
            });
    assertThat(refusal).isEqualTo("identity over its share");
    assertThat(metered[0]).isEqualTo(60);
    onContext(
        () -> {
          box.close();
          pending.forEach(Promise::complete);
          return null;
        });
    assertThat(metered[0]).isZero();
  }

  @Test
  void closingGivesBackWhatWasNeverWritten() throws Exception {
    long[] metered = {0};
    Outbox box =
        outbox(
            1 << 20,
            new Outbox.Meter() {
              @Override
              public String refuse(int length, long queuedAfter) {
                return null;
              }

              @Override
              public void took(int length) {
                metered[0] += length;
              }

              @Override
              public void gave(int length) {
                metered[0] -= length;
              }
            });
    CompletableFuture<Long> during = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          box.offer(bytes(10));
          box.close(); // before the turn ends: nothing written
          during.complete(metered[0]);
        });
    assertThat(during.get(5, TimeUnit.SECONDS)).isZero();
    assertThat(writes).isEmpty();
  }
}
