package io.dialback.shell;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;

/**
 * {@code --json} output: one JSON document per command, keys in a fixed order. JSON already escapes
 * C0 controls; DEL, C1 controls and invisible formatting characters are escaped here too ({@code
 * \u009b} is a terminal's escape as much as ESC is), which is still the same JSON value.
 */
final class JsonOut {
  private JsonOut() {}

  static void print(PrintStream out, JsonObject document) {
    String json = document.encode();
    StringBuilder safe = new StringBuilder(json.length());
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c >= 0x7f && Printable.unsafe(json, i, c)) {
        safe.append(String.format("\\u%04x", (int) c));
      } else {
        safe.append(c);
      }
    }
    out.println(safe);
  }
}
