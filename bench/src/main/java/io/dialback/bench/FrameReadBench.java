package io.dialback.bench;

import io.dialback.wire.Frame;
import io.dialback.wire.FrameException;
import io.dialback.wire.FrameWriter;
import io.dialback.wire.JacksonFrameReader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Reading and writing a frame, both ways. Reading: the scanner every party uses ({@code
 * Frame.read}) and Jackson's streaming parser ({@link JacksonFrameReader}), on a ~100-byte request
 * and a 512 KiB file chunk as base64 JSON. Writing a request with a {@code JsonObject} body, as a
 * client sends one: {@code FrameWriter} and the stock bridge's way, the envelope built as a {@code
 * JsonObject} and encoded by Jackson. Nanoseconds per frame, best of five rounds.
 */
final class FrameReadBench {
  /** One kind of frame, read or written both ways. */
  record Row(String frame, int bytes, double oursNanos, double jacksonNanos) {}

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
    rows.add(row("read: request, ~100-byte body", small, quick ? 20_000 : 400_000));
    rows.add(row("read: file chunk, 512 KiB as base64 JSON", big, quick ? 20 : 400));
    rows.add(write(quick ? 20_000 : 400_000));
    return rows;
  }

  private static Row write(int n) {
    JsonObject body = Setups.body(1);
    double ours = Double.MAX_VALUE;
    double jackson = Double.MAX_VALUE;
    int bytes = 0;
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        bytes = FrameWriter.send("send", "agent.bench.echo", "r.123", null, body).length();
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Buffer json =
            new JsonObject()
                .put("type", "send")
                .put("address", "agent.bench.echo")
                .put("replyAddress", "r.123")
                .put("body", body)
                .toBuffer();
        sunk +=
            Buffer.buffer(json.length() + 4).appendInt(json.length()).appendBuffer(json).length();
      }
      long t2 = System.nanoTime();
      ours = Math.min(ours, (t1 - t0) / (double) n);
      jackson = Math.min(jackson, (t2 - t1) / (double) n);
    }
    return new Row("write: request, ~100-byte JsonObject body", bytes, ours, jackson);
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
