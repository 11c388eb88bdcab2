package io.dialback.shell;

import io.dialback.api.AgentInfo;
import io.dialback.api.FileEntry;
import java.nio.file.Path;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.completer.FileNameCompleter;
import org.jline.terminal.Terminal;

/**
 * The interactive shell: a line editor with history (kept in {@code ~/.dialback_history}) and tab
 * completion of commands, agent names and remote paths. Ctrl-C during a command cancels it (a
 * transfer keeps what it has) and returns to the prompt; Ctrl-C at the prompt, right after another,
 * leaves.
 */
final class InteractiveShell {
  private final Session session;
  private final Terminal terminal;

  InteractiveShell(Session session, Terminal terminal) {
    this.session = session;
    this.terminal = terminal;
  }

  void run(String banner) {
    LineReader reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("dialback")
            .parser(new DefaultParser())
            .completer(new ShellCompleter())
            .variable(
                LineReader.HISTORY_FILE,
                Path.of(System.getProperty("user.home"), ".dialback_history"))
            .build();
    // While a command runs, Ctrl-C cancels it (the line reader has its own handling at the prompt).
    terminal.handle(Terminal.Signal.INT, signal -> session.cancel());
    terminal.writer().println(banner);
    terminal
        .writer()
        .println("Type help for the commands, Tab to complete, quit (or Ctrl-D) to leave.");
    boolean interrupted = false;
    while (true) {
      String line;
      try {
        line = reader.readLine("dialback> ");
      } catch (UserInterruptException e) {
        if (interrupted) {
          return; // a second Ctrl-C in a row leaves
        }
        interrupted = true;
        terminal.writer().println("(Ctrl-C again to leave, or type quit)");
        continue;
      } catch (EndOfFileException e) {
        return;
      }
      List<String> words =
          reader.getParsedLine().words().stream().filter(w -> !w.isEmpty()).toList();
      if (words.isEmpty()) {
        continue;
      }
      interrupted = false;
      if (words.get(0).equals("quit") || words.get(0).equals("exit")) {
        return;
      }
      int code = Commands.execute(new Commands(session), session, words.toArray(String[]::new));
      terminal.writer().flush();
      interrupted = code == Shell.CANCELLED;
    }
  }

  /** Completes commands, then agent names and the paths below them. */
  private final class ShellCompleter implements Completer {
    private final Completer localFiles = new FileNameCompleter();

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
      if (line.wordIndex() == 0) {
        for (String command : Shell.COMMANDS) {
          candidates.add(new Candidate(command));
        }
        return;
      }
      String command = line.words().get(0);
      String word = line.word();
      if (word.startsWith("-")) {
        return;
      }
      if ((command.equals("put") || command.equals("get")) && !RemotePath.looksRemote(word)) {
        // A local path or an agent's name: offer both, the line reader keeps what matches.
        localFiles.complete(reader, line, candidates);
        if (!word.contains("/")) {
          remote(word, candidates);
        }
        return;
      }
      if (List.of("ls", "stat", "cat", "get", "put", "cp", "mv", "rm", "mkdir").contains(command)) {
        remote(word, candidates);
      }
    }

    private void remote(String word, List<Candidate> candidates) {
      try {
        int colon = word.indexOf(':');
        if (colon < 0) {
          for (AgentInfo agent :
              session.await(session.dialback().agents(), Session.TIMEOUT, "agents")) {
            String name = agent.name();
            candidates.add(new Candidate(name + ":", name + ":", null, null, null, null, false));
          }
          return;
        }
        String agent = word.substring(0, colon);
        String path = word.substring(colon + 1);
        int slash = path.lastIndexOf('/');
        String dir = slash < 0 ? "" : path.substring(0, slash + 1);
        for (FileEntry e :
            session.await(
                session.dialback().agent(agent).list(dir), Session.TIMEOUT, "list " + agent)) {
          if (!SafeName.isPlain(e.name())) {
            continue; // never typed onto the user's line
          }
          String shown = e.name() + (e.isDirectory() ? "/" : "");
          candidates.add(
              new Candidate(
                  agent + ":" + dir + shown, shown, null, null, null, null, !e.isDirectory()));
        }
      } catch (Exception e) {
        // No completion is better than an error in the middle of typing.
      }
    }
  }
}
