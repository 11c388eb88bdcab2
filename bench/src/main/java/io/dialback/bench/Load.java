package io.dialback.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Keeps a number of calls in flight for a while and measures them: calls per second and latency
 * percentiles. Runs on the caller's own context, so that issuing a call costs no thread hop.
 */
final class Load {
  /** What one run measured. */
  record Result(double perSecond, double p50Micros, double p99Micros, long calls, long failures) {}

  private final Context context;
  private final Supplier<Future<?>> call;
  private final int inFlight;
  private final Histogram latency = new Histogram(60_000_000L, 3);
  private final Promise<Result> done = Promise.promise();
  private long warmEnd;
  private long end;
  private long measuredStart;
  private long calls;
  private long failures;
  private int outstanding;

  private Load(Context context, Supplier<Future<?>> call, int inFlight) {
    this.context = context;
    this.call = call;
    this.inFlight = inFlight;
  }

  /** {@code inFlight} calls at all times for {@code warmup} (not counted), then {@code measure}. */
  static Result run(
      Context context, Supplier<Future<?>> call, int inFlight, Duration warmup, Duration measure)
      throws Exception {
    Load load = new Load(context, call, inFlight);
    context.runOnContext(v -> load.start(warmup, measure));
    return load.done
        .future()
        .await(
            warmup.plus(measure).toMillis() + 60_000, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private void start(Duration warmup, Duration measure) {
    long now = System.nanoTime();
    warmEnd = now + warmup.toNanos();
    end = warmEnd + measure.toNanos();
    measuredStart = warmEnd;
    for (int i = 0; i < inFlight; i++) {
      issue();
    }
  }

  private void issue() {
    long sent = System.nanoTime();
    outstanding++;
    Future<?> f;
    try {
      f = call.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(
        ar -> {
          outstanding--;
          long now = System.nanoTime();
          if (now >= warmEnd && now < end) {
            if (ar.succeeded()) {
              latency.recordValue(Math.max(1, (now - sent) / 1000));
              calls++;
            } else {
              failures++;
            }
          }
          if (now < end) {
            issue();
          } else if (outstanding == 0) {
            double seconds = (end - measuredStart) / 1e9;
            done.tryComplete(
                new Result(
                    calls / seconds,
                    latency.getValueAtPercentile(50),
                    latency.getValueAtPercentile(99),
                    calls,
                    failures));
          }
        });
  }
}
