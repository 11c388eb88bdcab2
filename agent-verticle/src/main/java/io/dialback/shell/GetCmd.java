package io.dialback.shell;

import io.dialback.api.FileEntry;
import io.dialback.api.FileStat;
import io.dialback.files.TransferCancelled;
import io.dialback.files.TransferOptions;
import io.dialback.files.TransferResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code get}: files and folders of an agent to this machine, resumable. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Downloads files (folders with -r) of an agent. DEST: a file, or a folder that exists"
          + " (default: here); - for stdout.",
      "A download cut short keeps NAME.part; the next get of the same, unchanged file resumes"
          + " from it.",
      "Names an agent sends are used only when plain (no /, \\, .., control characters)."
    })
final class GetCmd extends ShellCmd {
  @Option(
      names = {"-r", "--recursive"},
      description = "Folders too, with everything in them.")
  boolean recursive;

  @Option(names = "--restart", description = "Ignore a kept .part; start from the first byte.")
  boolean restart;

  @Option(names = "--verify", description = "Compare the SHA-256 of both ends afterwards.")
  boolean verify;

  @Parameters(paramLabel = "AGENT:PATH... [DEST]", arity = "1..*", description = "What, where to.")
  List<String> args;

  private Remotes remotes;
  private int failures;

  @Override
  int run() throws IOException {
    List<String> sources = args.size() == 1 ? args : args.subList(0, args.size() - 1);
    String dest = args.size() == 1 ? null : args.get(args.size() - 1);
    remotes = new Remotes(this);
    if ("-".equals(dest)) {
      for (RemotePath remote : remotes.expand(sources)) {
        CatCmd.stream(session, remote.requireFile(), session.out);
      }
      return Shell.OK;
    }
    List<RemotePath> all = remotes.expand(sources);
    Path destination = Path.of(dest == null ? "." : dest);
    boolean into = dest == null || Files.isDirectory(destination) || all.size() > 1;
    if (into && !Files.isDirectory(destination)) {
      throw new IOException("no such folder: " + dest);
    }
    if (!into && (dest.endsWith("/") || dest.endsWith(java.io.File.separator))) {
      throw new IOException("no such folder: " + dest); // as cp: never a file named like a folder
    }
    for (RemotePath remote : all) {
      Path target = into ? destination.resolve(localName(remote)) : destination;
      FileStat stat = remotes.stat(remote);
      if (stat.isDirectory()) {
        if (!recursive) {
          throw new IOException(remote + " is a folder: get -r fetches folders");
        }
        tree(remote, target);
      } else if (stat.isFile()) {
        Path folder = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
          throw new IOException("no such folder: " + folder);
        }
        file(remote, stat, target);
      } else {
        throw new IOException(remote + " is not a file or folder (" + stat.type() + ")");
      }
    }
    return failures + remotes.skipped == 0 ? Shell.OK : Shell.FAILED;
  }

  /** The local name of what a remote path names: its last name, the agent's for a root. */
  private static String localName(RemotePath remote) {
    String name = remote.bare().isEmpty() ? remote.agent() : remote.fileName();
    if (!SafeName.isPlain(name)) {
      throw new Usage("\"" + name + "\" cannot be a local file name");
    }
    return name;
  }

  private void tree(RemotePath folder, Path local) throws IOException {
    if (Files.isSymbolicLink(local)) {
      throw new IOException(local + " is a symlink: not written through");
    }
    Files.createDirectories(local);
    for (FileEntry e : remotes.list(folder)) {
      RemotePath child = folder.child(e.name());
      Path target = local.resolve(e.name()); // a plain name: stays inside local
      if (Files.isSymbolicLink(target)) {
        warn(target + " is a symlink here: skipped " + Printable.of(child));
        failures++;
      } else if (e.isDirectory()) {
        tree(child, target);
      } else if (e.isFile()) {
        file(child, remotes.stat(child), target);
      } else {
        warn("skipped " + Printable.of(child) + " (" + Printable.of(e.type()) + ")");
      }
    }
  }

  private void file(RemotePath remote, FileStat stat, Path target) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(target + " is a folder");
    }
    TransferOptions options =
        TransferOptions.defaults()
            .withRestart(restart)
            .withCancellation(session.cancellation())
            .withProgress(Transfers.bar(session, "get " + remote, stat.size()));
    TransferResult result;
    try {
      result =
          session.await(
              session.dialback().agent(remote.agent()).download(remote.bare(), target, options),
              null,
              "get " + remote);
    } catch (TransferCancelled e) {
      throw new TransferCancelled(
          remote
              + " cancelled at byte "
              + e.bytesKept()
              + ": "
              + target.getFileName()
              + ".part kept (get it again to resume)",
          e.bytesKept());
    } finally {
      session.progress.finish();
    }
    Transfers.summary(session, "got", remote.toString(), target.toString(), result);
    if (verify) {
      Verify.same(
          session,
          remote.toString(),
          Verify.remote(session, remote).sha256(),
          Verify.sha256(target));
    }
  }
}
