package io.dialback.shell;

import io.dialback.api.DialbackException;
import io.dialback.api.FileEntry;
import io.dialback.api.FileStat;
import io.dialback.files.AgentSource;
import io.dialback.files.TransferCancelled;
import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import io.dialback.wire.FailureCode;
import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cp}: from one agent to another (or within one), streamed through the hub: the bytes never
 * land on this machine's disk, and memory is bounded by the transfer's read-ahead window.
 */
@Command(
    name = "cp",
    mixinStandardHelpOptions = true,
    description = {
      "Copies files (folders with -r) from one agent to another, streamed through the hub: nothing"
          + " lands on this machine.",
      "DEST is a file, or a folder that exists (or ends with /). A copy cut short is resumed where"
          + " the destination agent still holds it."
    })
final class CpCmd extends ShellCmd {
  @Option(
      names = {"-r", "--recursive"},
      description = "Folders too, with everything in them.")
  boolean recursive;

  @Option(names = "--restart", description = "Start from the first byte, never resume.")
  boolean restart;

  @Option(names = "--verify", description = "Compare the SHA-256 of both ends afterwards.")
  boolean verify;

  @Parameters(paramLabel = "AGENT:SRC... AGENT:DEST", arity = "2..*", description = "What, where.")
  List<String> args;

  private Remotes remotes;

  @Override
  int run() throws IOException {
    remotes = new Remotes(this);
    RemotePath dest = RemotePath.parse(args.get(args.size() - 1));
    List<RemotePath> sources = remotes.expand(args.subList(0, args.size() - 1));
    boolean into =
        sources.size() > 1 || dest.path().isEmpty() || dest.path().endsWith("/") || isFolder(dest);
    for (RemotePath source : sources) {
      RemotePath target = into ? dest.child(name(source)) : dest;
      FileStat stat = remotes.stat(source);
      if (stat.isDirectory()) {
        if (!recursive) {
          throw new IOException(source + " is a folder: cp -r copies folders");
        }
        tree(source, target);
      } else if (stat.isFile()) {
        file(source, stat, target);
      } else {
        throw new IOException(source + " is not a file or folder (" + stat.type() + ")");
      }
    }
    return remotes.skipped == 0 ? Shell.OK : Shell.FAILED;
  }

  private static String name(RemotePath source) {
    return source.bare().isEmpty() ? source.agent() : source.fileName();
  }

  private boolean isFolder(RemotePath remote) {
    try {
      return remotes.stat(remote).isDirectory();
    } catch (DialbackException e) {
      if (e.code() == FailureCode.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private void tree(RemotePath folder, RemotePath target) throws IOException {
    session.await(
        session.dialback().agent(target.agent()).mkdir(target.bare(), true),
        Session.TIMEOUT,
        "mkdir " + target);
    for (FileEntry e : remotes.list(folder)) {
      RemotePath child = folder.child(e.name());
      if (e.isDirectory()) {
        tree(child, target.child(e.name()));
      } else if (e.isFile()) {
        file(child, remotes.stat(child), target.child(e.name()));
      } else {
        warn("skipped " + Printable.of(child) + " (" + Printable.of(e.type()) + ")");
      }
    }
  }

  private void file(RemotePath source, FileStat stat, RemotePath target) throws IOException {
    TransferOptions options =
        TransferOptions.defaults()
            .withRestart(restart)
            .withCancellation(session.cancellation())
            .withProgress(Transfers.bar(session, "cp " + source, stat.size()));
    AgentSource from =
        new AgentSource(
            session.dialback().transport(),
            source.agent(),
            source.bare(),
            stat.size(),
            stat.modified().toEpochMilli(),
            options);
    TransferResult result;
    try {
      result =
          session.await(
              session.dialback().agent(target.agent()).upload(from, target.bare(), options),
              null,
              "cp " + source);
    } catch (TransferCancelled e) {
      throw new TransferCancelled(
          source + " cancelled at byte " + e.bytesKept() + " (cp it again to resume)",
          e.bytesKept());
    } finally {
      session.progress.finish();
    }
    Transfers.summary(session, "copied", source.toString(), target.toString(), result);
    if (verify) {
      Verify.same(
          session,
          source + " -> " + target,
          Verify.remote(session, source).sha256(),
          Verify.remote(session, target).sha256());
    }
  }
}
