package io.dialback.files;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.dialback.transport.Reply;
import io.dialback.wire.Wire;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/** The fields of an {@code fs.read} reply that a download uses, read from any form of reply. */
record ChunkText(Buffer data, long size, long modified) {
  private static final JsonFactory JSON = new JsonFactory();

  /** A binary reply's bytes and headers, or a base64 reply's JSON (as text, or decoded). */
  static ChunkText of(Reply reply) {
    if (reply.data() != null) {
      return new ChunkText(
          reply.data(),
          Long.parseLong(reply.header(Wire.FS_SIZE)),
          Long.parseLong(reply.header(Wire.FS_MODIFIED)));
    }
    return reply.jsonText() != null ? read(reply.jsonText()) : of(reply.json());
  }

  static ChunkText of(JsonObject json) {
    return new ChunkText(
        Buffer.buffer(Base64.getDecoder().decode(json.getString("data", ""))),
        json.getLong("size", -1L),
        json.getLong("modified", 0L));
  }

  /**
   * Reads the reply's JSON text as a stream: the data is decoded from base64 straight out of the
   * text, without a string or a JSON object in between.
   */
  static ChunkText read(Buffer json) {
    if (json == null) {
      throw new IllegalArgumentException("no body");
    }
    Buffer data = Buffer.buffer();
    long size = -1;
    long modified = 0;
    byte[] text = json.getBytes();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("body is not an object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("data") && value == JsonToken.VALUE_STRING) {
          data = Buffer.buffer(base64(p, text));
        } else if (field.equals("size") && value == JsonToken.VALUE_NUMBER_INT) {
          size = p.getLongValue();
        } else if (field.equals("modified") && value == JsonToken.VALUE_NUMBER_INT) {
          modified = p.getLongValue();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new ChunkText(data, size, modified);
  }

  /**
   * The string value under the parser, decoded from base64: by the JDK's decoder straight from the
   * text when it holds no escapes (it never does from our agents), else through Jackson.
   */
  private static byte[] base64(JsonParser p, byte[] text) throws IOException {
    int open = (int) p.currentTokenLocation().getByteOffset(); // the opening quote
    if (open >= 0 && open < text.length && text[open] == '"') {
      int close = open + 1;
      while (close < text.length && text[close] != '"' && text[close] != '\\') {
        close++;
      }
      if (close < text.length && text[close] == '"') {
        ByteBuffer encoded = ByteBuffer.wrap(text, open + 1, close - open - 1);
        ByteBuffer decoded = Base64.getDecoder().decode(encoded);
        return decoded.array().length == decoded.remaining()
            ? decoded.array()
            : Arrays.copyOf(decoded.array(), decoded.remaining());
      }
    }
    return p.getBinaryValue(Base64Variants.MIME_NO_LINEFEEDS);
  }
}
