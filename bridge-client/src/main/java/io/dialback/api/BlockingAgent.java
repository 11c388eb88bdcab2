package io.dialback.api;

import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@link RemoteAgent}'s calls, each waiting on the calling thread; failures throw typed. */
public final class BlockingAgent {
  private final RemoteAgent agent;
  private final Duration timeout;

  BlockingAgent(RemoteAgent agent, Duration timeout) {
    this.agent = agent;
    this.timeout = timeout;
  }

  public List<FileEntry> list(String path) {
    return BlockingDialback.await(agent.list(path), timeout, where("list", path));
  }

  public FileStat stat(String path) {
    return BlockingDialback.await(agent.stat(path), timeout, where("stat", path));
  }

  public FileHash hash(String path) {
    return BlockingDialback.await(agent.hash(path), timeout, where("hash", path));
  }

  public void mkdir(String path, boolean parents) {
    BlockingDialback.await(agent.mkdir(path, parents), timeout, where("mkdir", path));
  }

  public void delete(String path, boolean recursive) {
    BlockingDialback.await(agent.delete(path, recursive), timeout, where("delete", path));
  }

  public void move(String from, String to, boolean replace) {
    BlockingDialback.await(agent.move(from, to, replace), timeout, where("move", from));
  }

  public Buffer read(String path, long offset, int length) {
    return BlockingDialback.await(agent.read(path, offset, length), timeout, where("read", path));
  }

  /** Waits as long as the transfer takes (each chunk is timed by {@code options}). */
  public TransferResult download(String path, Path target, TransferOptions options) {
    return BlockingDialback.await(agent.download(path, target, options), null, where("read", path));
  }

  /** Waits as long as the transfer takes (each chunk is timed by {@code options}). */
  public TransferResult upload(Path source, String path, TransferOptions options) {
    return BlockingDialback.await(agent.upload(source, path, options), null, where("write", path));
  }

  private String where(String operation, String path) {
    return "agent." + agent.name() + ".fs." + operation + " " + path;
  }
}
