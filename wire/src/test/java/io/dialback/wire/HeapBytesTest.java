package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A handed-over array as a buffer: written more than once over a real socket, and grown. */
class HeapBytesTest {
  @Test
  void aWrappedArrayStaysReadableAfterNettyWroteItAndMayGrow() throws Exception {
    byte[] array = "hello, world....".getBytes(StandardCharsets.US_ASCII); // 16 bytes, 12 used
    Buffer wrapped = HeapBytes.wrap(array, 12);
    assertThat(wrapped.toString()).isEqualTo("hello, world");

    Vertx vertx = Vertx.vertx();
    try {
      CompletableFuture<String> received = new CompletableFuture<>();
      Buffer in = Buffer.buffer();
      NetServer server =
          vertx
              .createNetServer()
              .connectHandler(
                  s ->
                      s.handler(
                          b -> {
                            in.appendBuffer(b);
                            if (in.length() >= 36) {
                              received.complete(in.toString());
                            }
                          }))
              .listen(0, "127.0.0.1")
              .await();
      NetSocket socket = vertx.createNetClient().connect(server.actualPort(), "127.0.0.1").await();
      // Netty releases each buffer it writes: the array must survive for the next write.
      socket.write(wrapped).await();
      socket.write(wrapped).await();
      socket.write(wrapped).await();
      assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("hello, world".repeat(3));
    } finally {
      vertx.close().await();
    }

    wrapped.appendString(" and more than the array holds");
    assertThat(wrapped.toString()).isEqualTo("hello, world and more than the array holds");
    assertThatThrownBy(() -> HeapBytes.wrap(array, 17))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
