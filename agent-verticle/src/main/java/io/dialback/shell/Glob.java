package io.dialback.shell;

import java.util.regex.Pattern;

/**
 * A pattern in the last segment of a remote path: {@code *} any run of characters, {@code ?} one,
 * {@code [abc]} / {@code [a-z]} / {@code [!a]} one of a set; everything else literal. As in a
 * shell, {@code *} and {@code ?} do not match a leading dot.
 */
final class Glob {
  private final Pattern pattern;
  private final boolean dotAllowed;

  private Glob(Pattern pattern, boolean dotAllowed) {
    this.pattern = pattern;
    this.dotAllowed = dotAllowed;
  }

  /** Whether {@code name} holds pattern characters. */
  static boolean isPattern(String name) {
    return name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0;
  }

  static Glob of(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else if (c == '[' && glob.indexOf(']', i + 2) > 0) {
        int end = glob.indexOf(']', i + 2);
        String set = glob.substring(i + 1, end);
        boolean negated = set.startsWith("!") || set.startsWith("^");
        if (negated) {
          set = set.substring(1);
        }
        regex.append(negated ? "[^" : "[");
        for (char s : set.toCharArray()) {
          // A backslash before a non-letter is always a literal in a Java character class.
          regex.append(s == '-' || Character.isLetterOrDigit(s) ? String.valueOf(s) : "\\" + s);
        }
        regex.append(']');
        i = end;
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new Glob(Pattern.compile(regex.toString(), Pattern.DOTALL), glob.startsWith("."));
  }

  boolean matches(String name) {
    if (name.startsWith(".") && !dotAllowed) {
      return false;
    }
    return pattern.matcher(name).matches();
  }
}
