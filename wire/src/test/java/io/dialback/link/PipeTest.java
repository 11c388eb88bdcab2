package io.dialback.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipeTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private <T> T on(Context context, java.util.function.Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void deliversInOrderAndCompletesAWriteOnlyOnceTaken() throws Exception {
    Context context = vertx.getOrCreateContext();
    Pipe pipe = on(context, () -> Pipe.on(context));
    List<String> got = new ArrayList<>();
    Future<Void> first =
        on(
            context,
            () -> {
              pipe.b().handler(b -> got.add(b.toString()));
              pipe.b().pause();
              Future<Void> f = pipe.a().write(Buffer.buffer("one"));
              pipe.a().write(Buffer.buffer("two"));
              return f;
            });
    Thread.sleep(50);
    assertThat(first.isComplete()).as("taken while paused").isFalse();
    on(
        context,
        () -> {
          pipe.b().resume();
          return null;
        });
    first.await(5, TimeUnit.SECONDS);
    assertThat(on(context, () -> List.copyOf(got))).containsExactly("one", "two");
  }

  @Test
  void closingOneEndClosesBothAndFailsWhatWasNotTaken() throws Exception {
    Context context = vertx.getOrCreateContext();
    Pipe pipe = on(context, () -> Pipe.on(context));
    CompletableFuture<Void> aClosed = new CompletableFuture<>();
    CompletableFuture<Void> bClosed = new CompletableFuture<>();
    Future<Void> pending =
        on(
            context,
            () -> {
              pipe.a().closeHandler(v -> aClosed.complete(null));
              pipe.b().closeHandler(v -> bClosed.complete(null));
              Future<Void> f = pipe.a().write(Buffer.buffer("never read")); // b has no handler
              pipe.b().close();
              return f;
            });
    aClosed.get(5, TimeUnit.SECONDS);
    bClosed.get(5, TimeUnit.SECONDS);
    assertThat(pending.failed()).isTrue();
    assertThat(on(context, () -> pipe.a().write(Buffer.buffer("late")).failed())).isTrue();
  }
}
