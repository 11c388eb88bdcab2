package io.dialback.shell;

import io.dialback.api.FileStat;
import io.dialback.api.RemoteAgent;
import io.dialback.files.TransferCancelled;
import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import io.dialback.files.UploadSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code put}: local files and folders (or stdin) to a writable agent, resumable. */
@Command(
    name = "put",
    mixinStandardHelpOptions = true,
    description = {
      "Uploads files (folders with -r) to a writable agent; - reads stdin. The remote file changes"
          + " all at once or not at all.",
      "An upload cut short is resumed where the agent still holds it (for a minute, by default)."
    })
final class PutCmd extends ShellCmd {
  @Option(
      names = {"-r", "--recursive"},
      description = "Folders too, with everything in them.")
  boolean recursive;

  @Option(names = "--restart", description = "Start from the first byte, never resume.")
  boolean restart;

  @Option(names = "--verify", description = "Compare the SHA-256 of both ends afterwards.")
  boolean verify;

  @Parameters(paramLabel = "LOCAL...|- AGENT:PATH", arity = "2..*", description = "What, where to.")
  List<String> args;

  @Override
  int run() throws IOException {
    List<String> sources = args.subList(0, args.size() - 1);
    RemotePath remote = RemotePath.parse(args.get(args.size() - 1));
    if (sources.equals(List.of("-"))) {
      if (remote.path().isEmpty() || remote.path().endsWith("/")) {
        throw new Usage("put - needs a file name: AGENT:PATH/NAME");
      }
      if (verify) {
        throw new Usage("--verify needs a local file, not stdin");
      }
      upload(new StreamSource(session.vertx(), System.in), null, remote);
      return Shell.OK;
    }
    for (String source : sources) {
      Path local = Path.of(source);
      if (!Files.exists(local)) {
        throw new Usage(source + " does not exist");
      }
      if (Files.isDirectory(local) && !recursive) {
        throw new Usage(source + " is a folder: put -r sends folders");
      }
    }
    boolean into = sources.size() > 1 || remote.path().isEmpty() || remote.path().endsWith("/");
    if (!into) {
      into = isFolder(remote);
    }
    for (String source : sources) {
      Path local = Path.of(source).toAbsolutePath().normalize();
      String name = local.getFileName() == null ? "root" : local.getFileName().toString();
      RemotePath target = into ? remote.child(name) : remote;
      if (Files.isDirectory(local)) {
        tree(local, target);
      } else {
        file(local, target);
      }
    }
    return Shell.OK;
  }

  private boolean isFolder(RemotePath remote) {
    try {
      FileStat stat =
          session.await(
              session.dialback().agent(remote.agent()).stat(remote.bare()),
              Session.TIMEOUT,
              "stat " + remote);
      return stat.isDirectory();
    } catch (io.dialback.api.DialbackException e) {
      if (e.code() == io.dialback.wire.FailureCode.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private void tree(Path local, RemotePath target) throws IOException {
    RemoteAgent agent = session.dialback().agent(target.agent());
    session.await(agent.mkdir(target.bare(), true), Session.TIMEOUT, "mkdir " + target);
    List<Path> children;
    try (Stream<Path> list = Files.list(local)) {
      children = list.sorted().toList();
    }
    for (Path child : children) {
      RemotePath remote = target.child(child.getFileName().toString());
      if (Files.isSymbolicLink(child)) {
        warn("skipped the symlink " + child);
      } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        tree(child, remote);
      } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
        file(child, remote);
      } else {
        warn("skipped " + child + " (not a file or folder)");
      }
    }
  }

  private void file(Path local, RemotePath target) throws IOException {
    UploadSource source = session.await(UploadSource.file(session.vertx(), local), null, "read");
    upload(source, local, target);
  }

  private void upload(UploadSource source, Path local, RemotePath target) throws IOException {
    TransferOptions options =
        TransferOptions.defaults()
            .withRestart(restart)
            .withCancellation(session.cancellation())
            .withProgress(Transfers.bar(session, "put " + target, Math.max(0, source.size())));
    String from = local == null ? "stdin" : local.toString();
    TransferResult result;
    try {
      result =
          session.await(
              session.dialback().agent(target.agent()).upload(source, target.bare(), options),
              null,
              "put " + target);
    } catch (TransferCancelled e) {
      throw new TransferCancelled(
          target + " cancelled at byte " + e.bytesKept() + " (put it again to resume)",
          e.bytesKept());
    } finally {
      session.progress.finish();
    }
    Transfers.summary(session, "put", from, target.toString(), result);
    if (verify) {
      Verify.same(
          session,
          target.toString(),
          Verify.sha256(local),
          Verify.remote(session, target).sha256());
    }
  }
}
