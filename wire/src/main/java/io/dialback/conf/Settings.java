package io.dialback.conf;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, validated reads of one JSON conf file, where an environment variable may override any
 * scalar key.
 *
 * <p>The variable for key {@code limits.maxFrameBytes} under prefix {@code DIALBACK_HUB_} is {@code
 * DIALBACK_HUB_LIMITS_MAX_FRAME_BYTES}; lists are comma-separated there. Every failure is a {@link
 * ConfigException} naming the key, where the value came from, and what is allowed.
 */
public final class Settings {
  private final JsonObject json;
  private final Map<String, String> env;
  private final String envPrefix;
  private final String path;

  /** The keys this conf has (shared by a conf and its sections), for the environment check. */
  private final Keys keys;

  /** Keys seen so far: those a section declares or reads, and those that are sections. */
  private static final class Keys {
    final Set<String> values = new TreeSet<>();
    final Set<String> sections = new TreeSet<>();
  }

  private Settings(
      JsonObject json, Map<String, String> env, String envPrefix, String path, Keys keys) {
    this.json = json;
    this.env = env;
    this.envPrefix = envPrefix;
    this.path = path;
    this.keys = keys;
  }

  /** Settings read from {@code json}, overridden by {@code env} variables named with the prefix. */
  public static Settings of(JsonObject json, Map<String, String> env, String envPrefix) {
    Objects.requireNonNull(json, "json == null");
    Objects.requireNonNull(env, "env == null");
    Objects.requireNonNull(envPrefix, "envPrefix == null");
    return new Settings(json, env, envPrefix, "", new Keys());
  }

  /** The environment variable that overrides {@code key}. */
  public static String envName(String envPrefix, String key) {
    StringBuilder name = new StringBuilder(envPrefix);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.') {
        name.append('_');
      } else if (Character.isUpperCase(c)) {
        name.append('_').append(c);
      } else {
        name.append(Character.toUpperCase(c));
      }
    }
    return name.toString();
  }

  /** The nested object at {@code key}, empty when absent. */
  public Settings section(String key) {
    Object value = json.getValue(key);
    if (value != null && !(value instanceof JsonObject)) {
      throw fail(key, "must be an object, got " + describe(value));
    }
    JsonObject section = value == null ? new JsonObject() : (JsonObject) value;
    keys.sections.add(full(key));
    return new Settings(section, env, envPrefix, full(key), keys);
  }

  /** Fails on keys in this section that are not among {@code known}: a typo must not be ignored. */
  public Settings onlyKeys(String... known) {
    Set<String> allowed = Set.of(known);
    for (String key : known) {
      keys.values.add(full(key));
    }
    for (String key : json.fieldNames()) {
      if (!allowed.contains(key)) {
        throw fail(key, "unknown key; known keys here are " + new TreeSet<>(allowed));
      }
    }
    return this;
  }

  /**
   * Fails on a variable with this conf's prefix that overrides no key (a misspelling such as {@code
   * DIALBACK_HUB_PORTT}), naming it and the nearest variable that does. Call after the whole conf
   * was read: the keys known are those its sections declared ({@link #onlyKeys}) or read.
   */
  public void rejectUnknownEnvironment() {
    Map<String, String> variables = new java.util.TreeMap<>();
    for (String key : keys.values) {
      if (!keys.sections.contains(key)) {
        variables.put(envName(envPrefix, key), key);
      }
    }
    for (String variable : new TreeSet<>(env.keySet())) {
      if (variable.startsWith(envPrefix) && !variables.containsKey(variable)) {
        String nearest = Nearest.of(variable, variables.keySet());
        throw new ConfigException(
            variable,
            "this environment variable overrides no setting"
                + (nearest == null
                    ? ""
                    : "; did you mean " + nearest + " (key " + variables.get(nearest) + ")?")
                + " Unset it or correct its name.");
      }
    }
  }

  public boolean has(String key) {
    keys.values.add(full(key));
    return json.containsKey(key) || env.containsKey(envName(envPrefix, full(key)));
  }

  public String string(String key, String fallback) {
    keys.values.add(full(key));
    String fromEnv = env.get(envName(envPrefix, full(key)));
    if (fromEnv != null) {
      return fromEnv;
    }
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String)) {
      throw fail(key, "must be a string, got " + describe(value));
    }
    return (String) value;
  }

  public String requiredString(String key) {
    String value = string(key, null);
    if (value == null || value.isBlank()) {
      throw fail(
          key, "is required (set it in the conf file or " + envName(envPrefix, full(key)) + ")");
    }
    return value;
  }

  public int integer(String key, int fallback, int min, int max) {
    long value = longValue(key, fallback, min, max);
    return (int) value;
  }

  public long longValue(String key, long fallback, long min, long max) {
    keys.values.add(full(key));
    String variable = envName(envPrefix, full(key));
    String fromEnv = env.get(variable);
    long value;
    if (fromEnv != null) {
      try {
        value = Long.parseLong(fromEnv.trim());
      } catch (NumberFormatException e) {
        throw fail(key, "must be an integer in " + min + ".." + max + ", got \"" + fromEnv + "\"");
      }
    } else {
      Object raw = json.getValue(key);
      if (raw == null) {
        return fallback;
      }
      if (!(raw instanceof Integer || raw instanceof Long)) {
        throw fail(key, "must be an integer in " + min + ".." + max + ", got " + describe(raw));
      }
      value = ((Number) raw).longValue();
    }
    if (value < min || value > max) {
      throw fail(key, "must be in " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  public boolean bool(String key, boolean fallback) {
    keys.values.add(full(key));
    String variable = envName(envPrefix, full(key));
    String fromEnv = env.get(variable);
    if (fromEnv != null) {
      switch (fromEnv.trim().toLowerCase(Locale.ROOT)) {
        case "true":
          return true;
        case "false":
          return false;
        default:
          throw fail(key, "must be true or false, got \"" + fromEnv + "\"");
      }
    }
    Object raw = json.getValue(key);
    if (raw == null) {
      return fallback;
    }
    if (!(raw instanceof Boolean)) {
      throw fail(key, "must be true or false, got " + describe(raw));
    }
    return (Boolean) raw;
  }

  /** A list of strings; in the environment, comma-separated. */
  public List<String> strings(String key, List<String> fallback) {
    keys.values.add(full(key));
    String fromEnv = env.get(envName(envPrefix, full(key)));
    if (fromEnv != null) {
      List<String> values = new ArrayList<>();
      for (String part : fromEnv.split(",")) {
        if (!part.isBlank()) {
          values.add(part.trim());
        }
      }
      return values;
    }
    Object raw = json.getValue(key);
    if (raw == null) {
      return fallback;
    }
    if (!(raw instanceof JsonArray)) {
      throw fail(key, "must be a list of strings, got " + describe(raw));
    }
    List<String> values = new ArrayList<>();
    for (Object item : (JsonArray) raw) {
      if (!(item instanceof String)) {
        throw fail(key, "must be a list of strings, found " + describe(item));
      }
      values.add((String) item);
    }
    return values;
  }

  /** A list of objects (no environment override: such lists live in the file). */
  public List<Settings> objects(String key) {
    Object raw = json.getValue(key);
    List<Settings> values = new ArrayList<>();
    keys.sections.add(full(key));
    if (raw == null) {
      return values;
    }
    if (!(raw instanceof JsonArray)) {
      throw fail(key, "must be a list of objects, got " + describe(raw));
    }
    JsonArray array = (JsonArray) raw;
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      if (!(item instanceof JsonObject)) {
        throw fail(key + "[" + i + "]", "must be an object, got " + describe(item));
      }
      values.add(
          new Settings(
              (JsonObject) item, Map.of(), envPrefix, full(key) + "[" + i + "]", new Keys()));
    }
    return values;
  }

  /** The raw JSON of this section (for Vert.x option classes that parse their own JSON). */
  public JsonObject json() {
    return json.copy();
  }

  /**
   * A mistake in {@code key}; when its value came from the environment, the message says from which
   * variable, since the conf file then shows something else.
   */
  public ConfigException fail(String key, String message) {
    String variable = envName(envPrefix, full(key));
    return new ConfigException(
        full(key), env.containsKey(variable) ? message + " (from " + variable + ")" : message);
  }

  private String full(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(Object value) {
    if (value instanceof String) {
      return "\"" + value + "\"";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "a list";
    }
    return String.valueOf(value);
  }
}
