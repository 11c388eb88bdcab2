package io.dialback.shell;

import io.dialback.wire.Wire;

/** {@code AGENT:PATH} as the shell's commands take it; the path is relative to the agent's root. */
record RemotePath(String agent, String path) {

  /** Parses {@code AGENT}, {@code AGENT:} or {@code AGENT:PATH}. */
  static RemotePath parse(String spec) {
    int colon = spec.indexOf(':');
    String agent = colon < 0 ? spec : spec.substring(0, colon);
    String path = colon < 0 ? "" : spec.substring(colon + 1);
    if (!Wire.isValidAgentName(agent)) {
      throw new Usage(
          "\"" + spec + "\" is not AGENT:PATH (agent names are letters, digits, _ and -)");
    }
    while (path.startsWith("/")) {
      path = path.substring(1); // the agent's root is "/" to the user
    }
    return new RemotePath(agent, path);
  }

  /** Whether {@code spec} is written as a remote path ({@code AGENT:...}). */
  static boolean looksRemote(String spec) {
    int colon = spec.indexOf(':');
    return colon > 0 && Wire.isValidAgentName(spec.substring(0, colon));
  }

  RemotePath requireFile() {
    if (path.isEmpty()) {
      throw new Usage("give a path: " + agent + ":PATH");
    }
    return this;
  }

  /** The path without a trailing slash. */
  String bare() {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** The last name of the path (for a download's default name). */
  String fileName() {
    String p = bare();
    int slash = p.lastIndexOf('/');
    return slash < 0 ? p : p.substring(slash + 1);
  }

  /** The folder the last name is in ({@code ""} for the root). */
  RemotePath parent() {
    String p = bare();
    int slash = p.lastIndexOf('/');
    return new RemotePath(agent, slash < 0 ? "" : p.substring(0, slash));
  }

  /** {@code name} inside this folder. */
  RemotePath child(String name) {
    String p = bare();
    return new RemotePath(agent, p.isEmpty() ? name : p + "/" + name);
  }

  @Override
  public String toString() {
    return agent + ":" + path;
  }
}
