package io.dialback.hub.gate;

import io.dialback.wire.FailureCode;
import io.dialback.wire.FrameException;
import io.dialback.wire.Wire;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Which addresses a logged-in connection may send to, publish to and register.
 *
 * <p>Fixed rules come first and cannot be configured away, and hold in any spelling of the prefix
 * ({@code Hub.}, {@code DIALBACK.}): {@code __vertx.*} is the event bus's own (a reply is only
 * accepted for messages delivered to the same connection, which the connection checks before asking
 * here); {@code dialback.*} is internal to hubs and agents (where agents embedded in the hub's
 * Vert.x answer their services), never reachable from a peer; {@code hub.*} is the hub's; {@code
 * agent.<name>.*} may be registered only by the connection bound to {@code name}, except {@code
 * agent.<name>.events.*}, which anyone may listen to and only {@code name} may publish on. After
 * them come the configured {@code inboundPermitteds} (send, publish) and {@code outboundPermitteds}
 * (register), in the stock bridge's {@code BridgeOptions} JSON form.
 */
public final class AddressPolicy {
  /** Hub addresses any logged-in connection may call. */
  private static final Set<String> HUB_CALLABLE =
      Set.of(Wire.HUB_AGENTS_LIST, Wire.HUB_STATS, Wire.HUB_HUBS_LIST);

  /** Hub addresses any logged-in connection may listen to. */
  private static final Set<String> HUB_LISTENABLE = Set.of(Wire.HUB_AGENTS_EVENTS);

  private final List<Predicate<String>> inbound;
  private final List<Predicate<String>> outbound;

  private AddressPolicy(List<Predicate<String>> inbound, List<Predicate<String>> outbound) {
    this.inbound = inbound;
    this.outbound = outbound;
  }

  /** Every address allowed, apart from the fixed rules. */
  public static AddressPolicy permissive() {
    return new AddressPolicy(List.of(a -> true), List.of(a -> true));
  }

  /**
   * The policy for the stock {@code BridgeOptions} JSON ({@code inboundPermitteds}, {@code
   * outboundPermitteds}); {@code null} means {@link #permissive()}.
   */
  public static AddressPolicy from(JsonObject bridgeOptions) {
    if (bridgeOptions == null) {
      return permissive();
    }
    BridgeOptions options = new BridgeOptions(bridgeOptions);
    return new AddressPolicy(
        compile("bridge.inboundPermitteds", options.getInboundPermitteds()),
        compile("bridge.outboundPermitteds", options.getOutboundPermitteds()));
  }

  /**
   * Refuses an address (or a reply address) that is empty, longer than {@code maxChars}, or holds a
   * control or line-breaking character.
   */
  public static void checkShape(String field, String address, int maxChars) throws FrameException {
    if (address.isEmpty()) {
      throw new FrameException(FailureCode.BAD_REQUEST, field + " is empty");
    }
    if (address.length() > maxChars) {
      throw new FrameException(
          FailureCode.BAD_REQUEST,
          field + " is longer than " + maxChars + " characters (" + address.length() + ")");
    }
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
        throw new FrameException(
            FailureCode.BAD_REQUEST,
            field + " holds control character " + String.format("U+%04X", (int) c));
      }
    }
  }

  public void checkSend(Login who, String address) throws FrameException {
    checkNamespaces(address);
    if (address.startsWith(Wire.VERTX_INTERNAL_PREFIX)) {
      throw denied(address + " is not a reply address of a message delivered to this connection");
    }
    if (address.equals(Wire.HUB_LOGIN)) {
      throw new FrameException(FailureCode.BAD_REQUEST, "already logged in as " + who.identity());
    }
    if (address.startsWith(Wire.HUB_PREFIX)) {
      if (!HUB_CALLABLE.contains(address)) {
        throw denied(address + " is not an address the hub serves to callers");
      }
      return;
    }
    checkEvents(who, address);
    allowed(who, address);
    permitted(inbound, address, "sending to");
  }

  public void checkPublish(Login who, String address) throws FrameException {
    checkNamespaces(address);
    if (address.startsWith(Wire.VERTX_INTERNAL_PREFIX) || address.startsWith(Wire.HUB_PREFIX)) {
      throw denied("only the hub publishes on " + address);
    }
    checkEvents(who, address);
    allowed(who, address);
    permitted(inbound, address, "publishing to");
  }

  public void checkRegister(Login who, String address) throws FrameException {
    checkNamespaces(address);
    if (address.startsWith(Wire.VERTX_INTERNAL_PREFIX)) {
      throw denied(address + " is internal to the event bus");
    }
    if (address.startsWith(Wire.HUB_PREFIX)) {
      if (!HUB_LISTENABLE.contains(address)) {
        throw denied(address + " is served by the hub and cannot be registered");
      }
      return;
    }
    String owner = Wire.agentNameOf(address);
    if (owner != null
        && !owner.equals(who.name())
        && !address.startsWith(Wire.agentEventsPrefix(owner))) {
      throw denied(address + " belongs to agent " + owner);
    }
    if (owner == null || !owner.equals(who.name())) {
      allowed(who, address); // an agent's own addresses are always its own
    }
    permitted(outbound, address, "registering");
  }

  /**
   * The owned prefixes in any spelling: {@code dialback.*} never, and {@code __vertx.}, {@code
   * hub.}, {@code agent.} only as themselves (their rules follow).
   */
  private static void checkNamespaces(String address) throws FrameException {
    if (startsIgnoringCase(address, Wire.LOCAL_NAMESPACE)) {
      throw denied(address + " is internal to hubs and agents");
    }
    for (String owned : OWNED) {
      if (startsIgnoringCase(address, owned) && !address.startsWith(owned)) {
        throw denied(address + " is " + owned + "* in another spelling, which is reserved");
      }
    }
  }

  private static final List<String> OWNED =
      List.of(Wire.VERTX_INTERNAL_PREFIX, Wire.HUB_PREFIX, Wire.AGENT_PREFIX);

  private static boolean startsIgnoringCase(String address, String prefix) {
    return address.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  /** The token's own {@code allow} patterns, if it has any. */
  private static void allowed(Login who, String address) throws FrameException {
    if (who.grant() != null && !who.grant().allows(address)) {
      throw denied(address + " is outside the addresses token " + who.grant().id() + " allows");
    }
  }

  /** Only agent {@code name} publishes its own events. */
  private static void checkEvents(Login who, String address) throws FrameException {
    String owner = Wire.agentNameOf(address);
    if (owner != null
        && !owner.equals(who.name())
        && address.startsWith(Wire.agentEventsPrefix(owner))) {
      throw denied("only agent " + owner + " publishes on " + address);
    }
  }

  private static void permitted(List<Predicate<String>> rules, String address, String action)
      throws FrameException {
    for (Predicate<String> rule : rules) {
      if (rule.test(address)) {
        return;
      }
    }
    throw denied(action + " " + address + " is not permitted by the hub's bridge options");
  }

  private static FrameException denied(String detail) {
    return new FrameException(FailureCode.DENIED, detail);
  }

  private static List<Predicate<String>> compile(String key, List<PermittedOptions> permitteds) {
    List<Predicate<String>> rules = new ArrayList<>();
    for (PermittedOptions p : permitteds) {
      if (p.getMatch() != null || p.getRequiredAuthority() != null) {
        throw new IllegalArgumentException(
            key + ": match and requiredAuthority are not supported; use address or addressRegex");
      }
      if (p.getAddress() != null) {
        String exact = p.getAddress();
        rules.add(exact::equals);
      } else if (p.getAddressRegex() != null) {
        Pattern pattern = Pattern.compile(p.getAddressRegex());
        rules.add(a -> pattern.matcher(a).matches());
      } else {
        rules.add(a -> true);
      }
    }
    return List.copyOf(rules);
  }
}
