package io.dialback.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The body writer against Vert.x's Jackson codec, byte for byte: generated bodies of every kind a
 * {@code JsonObject} may hold, the ones it writes itself and the ones it leaves to Jackson.
 */
class JsonTextTest {
  private enum Colour {
    RED
  }

  private static Buffer ours(Object value) {
    ByteSink out = new ByteSink(16);
    JsonText.append(out, value);
    return out.toBuffer();
  }

  private static Buffer jackson(Object value) {
    return value instanceof JsonObject
        ? ((JsonObject) value).toBuffer()
        : Json.encodeToBuffer(value);
  }

  @Test
  void writesGeneratedBodiesAsJacksonDoes() {
    Random random = new Random(20261201);
    int ownPath = 0;
    for (int i = 0; i < 20_000; i++) {
      Object body = i % 3 == 0 ? value(random, 0) : object(random, 0);
      if (JsonText.plain(body, 0)) {
        ownPath++;
      }
      assertThat(ours(body).toString()).as("body %d", i).isEqualTo(jackson(body).toString());
    }
    // Both paths are exercised, and most generated bodies take the writer's own.
    assertThat(ownPath).isBetween(10_000, 19_000);
  }

  @Test
  void writesTheKindsABodyUsuallyHoldsItself() {
    JsonObject body =
        new JsonObject()
            .put("seq", 12L)
            .put("op", "echo")
            .put("n", -7)
            .put("ratio", 0.25)
            .put("ok", true)
            .putNull("none")
            .put("text", "quote\" tab\t héllo 日本語 \u0001")
            .put("list", new JsonArray().add(1).add("two").add(new JsonObject().put("k", 3.5f)))
            .put("map", Map.of("a", List.of(1L, 2L)));
    assertThat(JsonText.plain(body, 0)).isTrue();
    assertThat(ours(body).toString()).isEqualTo(jackson(body).toString());
  }

  @Test
  void leavesToJacksonWhatItDoesNotWriteItself() {
    for (Object odd :
        new Object[] {
          "emoji \uD83D\uDE00",
          "lone \uD800 surrogate",
          Double.NaN,
          Float.NEGATIVE_INFINITY,
          new BigInteger("123456789012345678901234567890"),
          new BigDecimal("1.50"),
          Instant.ofEpochSecond(1_700_000_000L, 5),
          new byte[] {1, 2, 3},
          Buffer.buffer("xyz"),
          Colour.RED,
          TimeUnit.SECONDS,
        }) {
      JsonObject body = new JsonObject().put("v", odd);
      assertThat(JsonText.plain(body, 0)).as("%s", odd).isFalse();
      assertThat(ours(body).toString()).as("%s", odd).isEqualTo(jackson(body).toString());
    }
    Object deep = "leaf";
    for (int i = 0; i < JsonText.MAX_DEPTH + 5; i++) {
      deep = new JsonArray().add(deep);
    }
    assertThat(JsonText.plain(deep, 0)).isFalse();
    assertThat(ours(deep).toString()).isEqualTo(jackson(deep).toString());
  }

  private static JsonObject object(Random random, int depth) {
    JsonObject object = new JsonObject();
    int size = random.nextInt(6);
    for (int i = 0; i < size; i++) {
      object.put(string(random), value(random, depth + 1));
    }
    return object;
  }

  private static Object value(Random random, int depth) {
    int kind = random.nextInt(depth > 4 ? 14 : 18);
    return switch (kind) {
      case 0 -> null;
      case 1, 2 -> string(random);
      case 3 -> random.nextInt();
      case 4 -> random.nextLong();
      case 5 -> random.nextBoolean();
      case 6 -> edgeNumber(random);
      case 7 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
      case 8 -> random.nextFloat();
      case 9 -> (short) random.nextInt();
      case 10 -> (byte) random.nextInt();
      case 11 -> random.nextInt(200) == 0 ? odd(random) : random.nextInt(1000) - 500;
      case 12 -> random.nextInt(3) == 0 ? "emoji \uD83D\uDE00" : string(random);
      case 13 -> random.nextInt(10) - 5;
      case 14, 15 -> object(random, depth);
      case 16 -> array(random, depth);
      default -> random.nextBoolean() ? plainMap(random, depth) : plainList(random, depth);
    };
  }

  private static Object edgeNumber(Random random) {
    Object[] edges = {
      Long.MIN_VALUE,
      Long.MAX_VALUE,
      Integer.MIN_VALUE,
      Integer.MAX_VALUE,
      0,
      -0.0,
      1e-300,
      1.7976931348623157e308,
      Double.MIN_VALUE,
      1.0,
      100.0,
      1e7,
      1e-3,
      Float.MIN_VALUE,
      Float.MAX_VALUE,
      (short) -32768,
      (byte) -128,
      9L,
      10L,
      -10L,
    };
    return edges[random.nextInt(edges.length)];
  }

  private static Object odd(Random random) {
    Object[] odd = {
      Double.NaN,
      Double.POSITIVE_INFINITY,
      new BigInteger("-98765432109876543210"),
      new BigDecimal("3.14159"),
      Instant.ofEpochMilli(random.nextLong() >>> 20),
      new byte[] {(byte) random.nextInt(), 0, 7},
      Colour.RED,
      "lone \uDC00",
    };
    return odd[random.nextInt(odd.length)];
  }

  private static JsonArray array(Random random, int depth) {
    JsonArray array = new JsonArray();
    int size = random.nextInt(5);
    for (int i = 0; i < size; i++) {
      array.add(value(random, depth + 1));
    }
    return array;
  }

  private static Map<String, Object> plainMap(Random random, int depth) {
    Map<String, Object> map = new LinkedHashMap<>();
    int size = random.nextInt(4);
    for (int i = 0; i < size; i++) {
      map.put(string(random), value(random, depth + 1));
    }
    return map;
  }

  private static List<Object> plainList(Random random, int depth) {
    List<Object> list = new ArrayList<>();
    int size = random.nextInt(4);
    for (int i = 0; i < size; i++) {
      list.add(value(random, depth + 1));
    }
    return list;
  }

  /** ASCII, escapes, control characters, Latin-1 and other BMP characters, never a surrogate. */
  private static String string(Random random) {
    int length = random.nextInt(12);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(
          switch (random.nextInt(8)) {
            case 0 -> (char) random.nextInt(0x20);
            case 1 -> random.nextBoolean() ? '"' : '\\';
            case 2 -> (char) (0x80 + random.nextInt(0x780));
            case 3 -> (char) (0xe000 + random.nextInt(0x1000));
            case 4 -> (char) (0x800 + random.nextInt(0xd000));
            default -> (char) (0x20 + random.nextInt(0x5f));
          });
    }
    return s.toString();
  }
}
