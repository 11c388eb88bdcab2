package io.dialback.hub;

import io.dialback.conf.ConfigException;
import io.dialback.conf.Settings;
import io.dialback.hub.gate.TokenGrant;
import io.dialback.hub.gate.Tokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dialback-hub.jar token --role agent --names alpha}: makes a new token and prints it once,
 * with the {@code auth.tokens} entry that holds only its SHA-256.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    versionProvider = HubMain.Version.class,
    description = {
      "Creates a token. The token is printed once and stored nowhere; put the printed entry",
      "(which holds only its hash) into auth.tokens of every hub's conf. Hubs that watch their",
      "conf (reloadSeconds) take it without a restart."
    })
final class TokenCommand implements Callable<Integer> {
  @Option(names = "--role", required = true, description = "agent or client")
  String role;

  @Option(names = "--names", split = ",", description = "agent names it may bind (agents only)")
  List<String> names = List.of();

  @Option(names = "--id", description = "a label for logs (default: from role and names)")
  String id;

  @Option(
      names = "--allow",
      split = ",",
      paramLabel = "REGEX",
      description = "addresses it may use (default: all)")
  List<String> allow = List.of();

  @Option(names = "--expires", paramLabel = "INSTANT", description = "e.g. 2027-01-31T00:00:00Z")
  String expires;

  @Option(names = "--json", description = "print {token, entry} as JSON, for scripts")
  boolean json;

  @Override
  public Integer call() {
    String token = Tokens.generate();
    JsonObject entry = new JsonObject();
    if (id != null) {
      entry.put("id", id);
    }
    entry.put("tokenHash", Tokens.SHA256 + Tokens.sha256Hex(token)).put("role", role);
    if (!names.isEmpty()) {
      entry.put("names", new JsonArray(names));
    }
    if (!allow.isEmpty()) {
      entry.put("allow", new JsonArray(allow));
    }
    if (expires != null) {
      entry.put("expires", expires);
    }
    try {
      TokenGrant.from(Settings.of(entry, Map.of(), "X_")); // the same checks as the hub's
    } catch (ConfigException e) {
      System.err.println("dialback-hub token: " + e.getMessage().replace("token: ", ""));
      return 2;
    }
    if (json) {
      System.out.println(new JsonObject().put("token", token).put("entry", entry).encode());
    } else {
      System.out.println("token (give it to the " + role + "; it is shown only now):");
      System.out.println("  " + token);
      System.out.println("entry for auth.tokens in the hubs' conf:");
      System.out.println("  " + entry.encode());
    }
    return 0;
  }
}
