package io.dialback.bench;

import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;
import io.dialback.wire.JacksonFrameReader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * The hub's reading of a frame, both ways: the scanner it uses ({@code Frame.read}) and Jackson's
 * streaming parser ({@link JacksonFrameReader}), on the frames that matter: a ~100-byte request and
 * a 512 KiB file chunk as base64 JSON. Nanoseconds per frame, best of five rounds.
 */
final class FrameReadBench {
  /** One kind of frame, read both ways. */
  record Row(String frame, int bytes, double scannerNanos, double jacksonNanos) {}

  private FrameReadBench() {}

  static List<Row> run(boolean quick) throws FrameException {
    byte[] chunk = new byte[512 * 1024];
    new Random(1).nextBytes(chunk);
    Buffer small =
        Buffer.buffer(
            new JsonObject()
                .put("type", "send")
                .put("address", "agent.bench.echo")
                .put("replyAddress", "r.123")
                .put("headers", new JsonObject().put("timeout", 30000))
                .put("body", Setups.body(1))
                .encode());
    Buffer big =
        Buffer.buffer(
            new JsonObject()
                .put("type", "send")
                .put("address", "__vertx.reply.AbCdEfGhIjKlMnOp.17")
                .put(
                    "body",
                    new JsonObject()
                        .put("path", "big.bin")
                        .put("offset", 0)
                        .put("size", 1 << 28)
                        .put("data", Base64.getEncoder().encodeToString(chunk))
                        .put("eof", false))
                .encode());
    List<Row> rows = new ArrayList<>();
    rows.add(row("request, ~100-byte body", small, quick ? 20_000 : 400_000));
    rows.add(row("file chunk, 512 KiB as base64 JSON", big, quick ? 20 : 400));
    return rows;
  }

  private static Row row(String label, Buffer frame, int n) throws FrameException {
    double scanner = Double.MAX_VALUE;
    double jackson = Double.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink(Frame.read(frame, false));
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink(JacksonFrameReader.read(frame));
      }
      long t2 = System.nanoTime();
      scanner = Math.min(scanner, (t1 - t0) / (double) n);
      jackson = Math.min(jackson, (t2 - t1) / (double) n);
    }
    return new Row(label, frame.length(), scanner, jackson);
  }

  private static int sunk;

  private static void sink(Frame f) {
    sunk += f.address().length();
  }
}
