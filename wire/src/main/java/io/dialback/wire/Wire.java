package io.dialback.wire;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The wire contract in one place: frame types, field and header names, and every address that
 * dialback serves. Nothing else builds an address string by hand.
 */
public final class Wire {
  /** Version of the dialback extensions on top of the stock bridge frames. */
  public static final int PROTOCOL_VERSION = 1;

  /** Default bound on one frame's declared length. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

  // Frame types a client sends.
  public static final String SEND = "send";
  public static final String PUBLISH = "publish";
  public static final String REGISTER = "register";
  public static final String UNREGISTER = "unregister";
  public static final String PING = "ping";

  // Frame types the server sends.
  public static final String MESSAGE = "message";
  public static final String ERR = "err";
  public static final String PONG = "pong";

  // Frame fields.
  public static final String TYPE = "type";
  public static final String ADDRESS = "address";
  public static final String REPLY_ADDRESS = "replyAddress";
  public static final String SOURCE_ADDRESS = "sourceAddress";
  public static final String HEADERS = "headers";
  public static final String BODY = "body";
  public static final String SEND_FLAG = "send";
  public static final String FAILURE_CODE = "failureCode";
  public static final String FAILURE_TYPE = "failureType";
  public static final String MESSAGE_FIELD = "message";

  // Headers the bridge interprets rather than passes on.
  public static final String HEADER_TIMEOUT = "timeout";
  public static final String HEADER_LOCAL_ONLY = "localOnly";
  public static final String HEADER_CODEC = "codecName";

  /** Login field: the client asks for binary-extension frames; the reply says if granted. */
  public static final String LOGIN_BINARY = "binary";

  // Headers of a binary fs.read reply (the data is the body).
  public static final String FS_PATH = "path";
  public static final String FS_OFFSET = "offset";
  public static final String FS_SIZE = "size";
  public static final String FS_MODIFIED = "modified";
  public static final String FS_EOF = "eof";

  /**
   * The authenticated identity of the connection a message came from, set by the hub on every
   * message it forwards (a value the client set itself is replaced).
   */
  public static final String HEADER_FROM = "dialback.from";

  /**
   * How many times a hub relayed a request whose consumer had left (hub-owned, never shown to
   * peers: {@link Headers#toPeer} passes on only the caller identity of the hubs' namespace).
   */
  public static final String HEADER_RELAYS = "dialback.relays";

  // Hub addresses.
  public static final String HUB_LOGIN = "hub.login";
  public static final String HUB_AGENTS_LIST = "hub.agents.list";
  public static final String HUB_AGENTS_EVENTS = "hub.agents.events";

  /** The hubs of the cluster with their connections, agents and calls per second. */
  public static final String HUB_STATS = "hub.stats";

  /** The cluster's hubs with their counts (the shell's {@code hubs}, the admin API's hubs). */
  public static final String HUB_HUBS_LIST = "hub.hubs.list";

  public static final String HUB_PREFIX = "hub.";

  /**
   * Where a stopping hub tells a connection to move to another hub of its list (body {@code {hub,
   * reason}}): the hub writes it, only to peers that logged in with {@link #LOGIN_MOVES}; no peer
   * can send to or register it.
   */
  public static final String HUB_GOAWAY = "hub.goaway";

  public static final String GOAWAY_REASON = "reason";

  // Login body and reply fields.
  public static final String LOGIN_TOKEN = "token";
  public static final String LOGIN_NAME = "name";
  public static final String LOGIN_META = "meta";

  /**
   * Login field: {@code true} when the peer moves to another hub of its list when its hub tells it
   * to ({@link #HUB_GOAWAY}); a stopping hub then waits for it to go before it closes.
   */
  public static final String LOGIN_MOVES = "moves";

  public static final String LOGIN_IDENTITY = "identity";
  public static final String LOGIN_ROLE = "role";
  public static final String LOGIN_HUB = "hub";

  /**
   * Login reply field: how many requests the hub lets this connection have waiting for replies; our
   * client holds back the rest rather than have them refused with {@code busy}.
   */
  public static final String LOGIN_MAX_PENDING = "maxPendingRequests";

  // Agent services.
  public static final String FS = "fs";
  public static final String FS_LIST = "list";
  public static final String FS_STAT = "stat";
  public static final String FS_READ = "read";
  public static final String FS_WRITE = "write";
  public static final String FS_MKDIR = "mkdir";
  public static final String FS_DELETE = "delete";
  public static final String FS_MOVE = "move";
  public static final String FS_HASH = "hash";

  /** The topic of file-change events: {@code agent.<name>.events.fs}. */
  public static final String EVENTS_FS = "fs";

  /** Header naming the topic of an event a service hands its agent to publish. */
  public static final String HEADER_TOPIC = "dialback.topic";

  /** Topics: letters, digits, {@code _}, {@code -} and dots between them. */
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

  // Presence events on hub.agents.events.
  public static final String EVENT_JOINED = "joined";
  public static final String EVENT_LEFT = "left";

  /** Prefix of the reply addresses the Vert.x event bus generates. */
  public static final String VERTX_INTERNAL_PREFIX = "__vertx.";

  public static final String AGENT_PREFIX = "agent.";

  /** Agent names: what may appear as {@code <name>} in {@code agent.<name>.*}. */
  private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  private Wire() {}

  /** True for names an agent may bind: letters, digits, {@code _} and {@code -}, at most 64. */
  public static boolean isValidAgentName(String name) {
    return name != null && AGENT_NAME.matcher(name).matches();
  }

  /** {@code agent.<name>.} — the prefix of every address agent {@code name} may register. */
  public static String agentPrefix(String name) {
    Objects.requireNonNull(name, "name == null");
    return AGENT_PREFIX + name + ".";
  }

  /** {@code agent.<name>.events.} — where agent {@code name} publishes and anyone may listen. */
  public static String agentEventsPrefix(String name) {
    return agentPrefix(name) + "events.";
  }

  /** {@code agent.<name>.events.<topic>}: events agent {@code name} publishes. */
  public static String agentEventsAddress(String name, String topic) {
    Objects.requireNonNull(topic, "topic == null");
    return agentEventsPrefix(name) + topic;
  }

  /** True for topics of {@code agent.<name>.events.<topic>}: e.g. {@code fs}, {@code jobs.done}. */
  public static boolean isValidTopic(String topic) {
    return topic != null && topic.length() <= 128 && TOPIC.matcher(topic).matches();
  }

  /**
   * Inside agent {@code name}'s Vert.x, where its services send what the agent is to publish on
   * {@code agent.<name>.events.<topic>}, the topic in header {@link #HEADER_TOPIC}.
   */
  public static String localEventsAddress(String name) {
    return localAddress(agentPrefix(name) + "events");
  }

  /** {@code agent.<name>.<service>.<operation>}. */
  public static String agentAddress(String name, String service, String operation) {
    return agentPrefix(name) + service + "." + operation;
  }

  /** {@code agent.<name>.fs.<operation>}: the file service of agent {@code name}. */
  public static String fsAddress(String name, String operation) {
    return agentAddress(name, FS, operation);
  }

  /**
   * The namespace of hubs and agents themselves ({@code dialback.*}, header names too): no peer
   * sends to, publishes on or registers an address in it, in any spelling.
   */
  public static final String LOCAL_NAMESPACE = "dialback.";

  /** Where each hub publishes its own figures every second, for every hub's {@code hub.stats}. */
  public static final String HUB_STATS_SAMPLES = LOCAL_NAMESPACE + "hub.stats";

  /** Prefix of the addresses an agent's own services answer inside the agent's Vert.x. */
  public static final String LOCAL_PREFIX = LOCAL_NAMESPACE + "local.";

  /**
   * Where, inside an agent's Vert.x, the service behind bridge address {@code address} answers.
   * Apart from {@code agent.<name>.*}, so that a hub and agents embedded in one Vert.x never meet
   * on the same address: {@code agent.<name>.*} is only ever the bridge.
   */
  public static String localAddress(String address) {
    return LOCAL_PREFIX + address;
  }

  /**
   * Where hub {@code hubName} answers, for other hubs only, with its connections and their figures
   * (the admin API's agent list gathers them): in {@code dialback.*}, which no peer reaches.
   */
  public static String hubConnectionsAddress(String hubName) {
    Objects.requireNonNull(hubName, "hubName == null");
    return LOCAL_NAMESPACE + "hub." + hubName + ".connections";
  }

  /**
   * Whether {@code address} is a call to an agent's service ({@code agent.<name>.*} but not its
   * {@code events.*}, which anyone may listen to).
   */
  public static boolean isAgentCall(String address) {
    String name = agentNameOf(address);
    return name != null && !address.startsWith(agentEventsPrefix(name));
  }

  /**
   * The agent name in an {@code agent.<name>.*} address, or {@code null} when the address is not of
   * that form.
   */
  public static String agentNameOf(String address) {
    if (!address.startsWith(AGENT_PREFIX)) {
      return null;
    }
    int end = address.indexOf('.', AGENT_PREFIX.length());
    return end < 0 ? null : address.substring(AGENT_PREFIX.length(), end);
  }
}
