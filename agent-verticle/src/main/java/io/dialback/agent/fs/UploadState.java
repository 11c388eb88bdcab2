package io.dialback.agent.fs;

import io.vertx.core.eventbus.Message;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One upload in progress: its temp file, who sends it, how far it is written, and the chunks that
 * arrived ahead of the one being written (a sender may pipeline a few), written in order.
 */
final class UploadState {
  private static final Pattern TEMP = Pattern.compile("^\\..*\\.dialback-[0-9a-f]{32}\\.part$");

  /** A chunk accepted but not yet written. */
  record Queued(Message<Object> msg, String path, long offset, byte[] data, boolean last) {}

  final Path target;
  final Path temp;
  final String owner;
  final Pace pace;
  final String source;
  final ArrayDeque<Queued> queue = new ArrayDeque<>();
  FileChannel channel;

  /** Bytes written to the temp file. */
  long offset;

  /** Where the next chunk must start: after every chunk accepted so far. */
  long expected;

  /** A chunk is being written on a worker. */
  boolean busy;

  long lastActivityNanos;

  UploadState(Path target, Path temp, String owner, Pace pace, String source, long now) {
    this.target = target;
    this.temp = temp;
    this.owner = owner;
    this.pace = pace;
    this.source = source;
    this.lastActivityNanos = now;
  }

  /** Whether {@code name} is an upload's temp file (hidden from listings). */
  static boolean isTempFile(String name) {
    return TEMP.matcher(name).matches();
  }

  /** A new temp file's name beside {@code target}: hidden, and unique. */
  static Path tempBeside(Path target) {
    String id = UUID.randomUUID().toString().replace("-", "");
    return target.resolveSibling("." + target.getFileName() + ".dialback-" + id + ".part");
  }

  /** Bytes accepted and waiting for the one being written. */
  long queuedBytes() {
    long bytes = 0;
    for (Queued q : queue) {
      bytes += q.data().length;
    }
    return bytes;
  }
}
