package io.dialback.agent.fs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.dialback.wire.FailureCode;
import io.dialback.wire.RawJson;
import io.dialback.wire.Wire;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Callable;

/**
 * {@code fs.read} (one chunk of a file) and {@code fs.hash} (a whole file's SHA-256): reads below
 * the root, each on a worker thread with memory of one chunk or one hashing buffer.
 */
final class Reading {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int HASH_BUFFER = 256 * 1024;

  private final Jail jail;
  private final FsSettings settings;

  Reading(Jail jail, FsSettings settings) {
    this.jail = jail;
    this.settings = settings;
  }

  /**
   * An fs.read reply: raw bytes with their metadata in headers (binary), or the whole reply as JSON
   * text ({@link RawJson}, data in base64).
   */
  record BinaryChunk(Buffer data, MultiMap headers) {}

  Callable<Object> read(JsonObject req) {
    String path = Args.pathOf(req, false);
    long offset = Args.longOf(req, "offset", 0);
    long asked = Args.longOf(req, "length", settings.chunkBytes());
    int length = (int) Math.min(asked, settings.chunkBytes());
    boolean binary = Boolean.TRUE.equals(req.getValue("binary"));
    return () -> {
      Path file = jail.existing(path);
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      Args.requireRegular(attrs, path);
      long size = attrs.size();
      if (offset > size) {
        throw new FsException(
            FailureCode.BAD_REQUEST,
            "offset " + offset + " is beyond the end of " + path + " (" + size + " bytes)");
      }
      int n = (int) Math.min(length, size - offset);
      ByteBuffer buf = ByteBuffer.allocate(n);
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        while (buf.hasRemaining()) {
          if (channel.read(buf, offset + buf.position()) < 0) {
            break; // the file shrank under us; eof says so
          }
        }
      }
      int got = buf.position();
      byte[] bytes = got == n ? buf.array() : Arrays.copyOf(buf.array(), got);
      if (binary) {
        MultiMap headers =
            MultiMap.caseInsensitiveMultiMap()
                .add(Wire.FS_PATH, path)
                .add(Wire.FS_OFFSET, String.valueOf(offset))
                .add(Wire.FS_SIZE, String.valueOf(size))
                .add(Wire.FS_MODIFIED, String.valueOf(attrs.lastModifiedTime().toMillis()))
                .add(Wire.FS_EOF, String.valueOf(offset + got >= size));
        return new BinaryChunk(Buffer.buffer(bytes), headers);
      }
      // The JSON is written here, on the worker, straight from the bytes: the event loops pass
      // it on undecoded (a RawJson body), so a base64 chunk costs them no JSON work at all.
      ByteArrayBuilder json = new ByteArrayBuilder(got / 3 * 4 + 256);
      try (JsonGenerator g = JSON.createGenerator(json)) {
        g.writeStartObject();
        g.writeStringField("path", path);
        g.writeNumberField("offset", offset);
        g.writeNumberField("size", size);
        g.writeNumberField("modified", attrs.lastModifiedTime().toMillis());
        g.writeFieldName("data");
        // Standard padded base64 (the JDK's encoder is several times faster than Jackson's), which
        // is plain ASCII and never needs escaping.
        byte[] base64 = Base64.getEncoder().encode(bytes);
        g.writeRawUTF8String(base64, 0, base64.length);
        g.writeBooleanField("eof", offset + got >= size);
        g.writeEndObject();
      }
      return new RawJson(Buffer.buffer(json.toByteArray()));
    };
  }

  /**
   * The SHA-256 of a whole file, with the size and modification time it had: a file that changes
   * while it is hashed is a conflict, not a checksum of something that never existed.
   */
  Callable<Object> hash(JsonObject req) {
    String path = Args.pathOf(req, false);
    return () -> {
      Path file = jail.existing(path);
      BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
      Args.requireRegular(before, path);
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      long read = 0;
      try (FileChannel channel =
              FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
          InputStream in = Channels.newInputStream(channel)) {
        byte[] buffer = new byte[HASH_BUFFER];
        for (int n; (n = in.read(buffer)) > 0; ) {
          sha256.update(buffer, 0, n);
          read += n;
        }
      }
      BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
      if (read != before.size()
          || after.size() != before.size()
          || !after.lastModifiedTime().equals(before.lastModifiedTime())) {
        throw new FsException(FailureCode.CONFLICT, path + " changed while it was being hashed");
      }
      return new JsonObject()
          .put("path", path)
          .put("size", before.size())
          .put("modified", before.lastModifiedTime().toMillis())
          .put("sha256", HexFormat.of().formatHex(sha256.digest()));
    };
  }
}
