package io.dialback.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Generated spellings of the names a hub gives meaning to — header names and owned address prefixes
 * in other letter cases, and look-alikes — for tests that attack the hub's invariants through every
 * spelling rather than a hand-picked few.
 */
public final class Spellings {
  private Spellings() {}

  /** {@code base} in lower, upper, title and alternating case, plus three random mixtures. */
  public static List<String> of(String base, Random random) {
    List<String> out = new ArrayList<>();
    out.add(base);
    out.add(base.toUpperCase(Locale.ROOT));
    StringBuilder title = new StringBuilder();
    StringBuilder alternating = new StringBuilder();
    boolean start = true;
    for (int i = 0; i < base.length(); i++) {
      char c = base.charAt(i);
      title.append(start ? Character.toUpperCase(c) : c);
      start = !Character.isLetter(c);
      alternating.append(i % 2 == 0 ? Character.toUpperCase(c) : c);
    }
    out.add(title.toString());
    out.add(alternating.toString());
    for (int n = 0; n < 3; n++) {
      StringBuilder mixed = new StringBuilder();
      for (char c : base.toCharArray()) {
        mixed.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
      }
      out.add(mixed.toString());
    }
    return out;
  }

  /** Every header name the hub gives meaning to, in many spellings, and look-alikes of them. */
  public static List<String> hubOwnedHeaderNames() {
    List<String> names = new ArrayList<>();
    Random random = new Random(42);
    for (String base :
        List.of(
            "dialback.from",
            "dialback.body",
            "dialback.raw-reply",
            "dialback.topic",
            "dialback.anything")) {
      names.addAll(of(base, random));
    }
    names.add("dialbac\u212A.from"); // KELVIN SIGN, which folds to k
    names.add("d\u0131alback.from"); // dotless i
    names.add("dialback\uFF0Efrom"); // fullwidth full stop
    names.add("\uFF44ialback.from"); // fullwidth d
    names.add("dialback.\u200Bfrom"); // zero-width space
    names.add("dialback.from\u0000");
    names.add(" dialback.from");
    names.add("dialback.from ");
    names.add("dialback.from\r\nX-Injected: 1");
    return names;
  }

  /**
   * Addresses in the owned namespaces that no peer may use: an agent's local service addresses
   * ({@code dialback.local.agent.<agent>.*}) in every spelling, and {@code hub.}, {@code agent.},
   * {@code __vertx.} in spellings other than their own.
   */
  public static List<String> ownedAddresses(String agent) {
    List<String> out = new ArrayList<>();
    Random random = new Random(7);
    out.addAll(of("dialback.local.agent." + agent + ".fs.read", random));
    out.addAll(of("dialback.local.agent." + agent + ".fs.write", random));
    out.addAll(of("dialback.local.agent." + agent + ".events", random));
    out.add("dialbac\u212A.local.agent." + agent + ".fs.read");
    out.add("HUB.agents.list");
    out.add("Hub.login");
    out.add("__VERTX.reply.1");
    out.add("__Vertx.ping");
    out.add("Agent." + agent + ".fs.read");
    out.add("AGENT." + agent + ".events.fs");
    return out;
  }
}
