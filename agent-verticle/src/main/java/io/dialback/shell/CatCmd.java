package io.dialback.shell;

import io.dialback.api.Chunk;
import io.dialback.api.RemoteAgent;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cat}: a file's bytes on stdout, streamed in order. */
@Command(
    name = "cat",
    mixinStandardHelpOptions = true,
    description = "Prints files of an agent (their bytes, unchanged) on stdout.")
final class CatCmd extends ShellCmd {
  /** What is asked for per request (the agent may answer less: its chunk size). */
  private static final int CHUNK = 1024 * 1024;

  /** Requests ahead of the one being written: memory is this many chunks. */
  private static final int AHEAD = 4;

  @Parameters(paramLabel = "AGENT:PATH", arity = "1..*", description = "Files to print.")
  List<String> targets;

  @Override
  int run() throws IOException {
    for (RemotePath remote : new Remotes(this).expand(targets)) {
      stream(session, remote.requireFile(), session.out);
    }
    return Shell.OK;
  }

  /** Writes a remote file to {@code out} in order, a few chunk requests ahead. */
  static long stream(Session session, RemotePath remote, OutputStream out) throws IOException {
    RemoteAgent agent = session.dialback().agent(remote.agent());
    String where = remote.toString();
    Chunk first = session.await(agent.readChunk(remote.bare(), 0, CHUNK), Session.TIMEOUT, where);
    out.write(first.data().getBytes());
    long written = first.data().length();
    long stride = first.data().length();
    long next = stride;
    ArrayDeque<Future<Chunk>> ahead = new ArrayDeque<>();
    while (!first.eof() && (next < first.size() || !ahead.isEmpty())) {
      while (next < first.size() && ahead.size() < AHEAD) {
        ahead.add(agent.readChunk(remote.bare(), next, CHUNK));
        next += stride;
      }
      Chunk chunk = session.await(ahead.poll(), Session.TIMEOUT, where);
      if (chunk.size() != first.size() || chunk.modified() != first.modified()) {
        throw new IOException(remote + " changed while it was being read");
      }
      out.write(chunk.data().getBytes());
      written += chunk.data().length();
    }
    out.flush();
    return written;
  }
}
