package io.dialback.shell;

/**
 * Whether a name an agent returned (from {@code fs.list}: a listing, a glob, a recursive copy) may
 * become part of a local or remote path: only a plain name may — not empty, not {@code .} or {@code
 * ..}, and without {@code /}, {@code \}, NUL or any control or invisible formatting character.
 * Anything else is skipped, so that a hostile agent cannot make a recursive {@code get} write
 * outside its destination (the class of scp's CVE-2019-6111).
 */
final class SafeName {
  private SafeName() {}

  static boolean isPlain(String name) {
    if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == '\\' || c == '\0' || Printable.unsafe(name, i, c)) {
        return false;
      }
    }
    return true;
  }
}
