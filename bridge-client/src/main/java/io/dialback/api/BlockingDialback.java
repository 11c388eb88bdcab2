package io.dialback.api;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link Dialback}'s calls, each waiting on the calling thread (never an event loop) and throwing
 * {@link DialbackException}. For scripts, command lines and tests.
 */
public final class BlockingDialback {
  private final Dialback dialback;

  BlockingDialback(Dialback dialback) {
    this.dialback = dialback;
  }

  public List<AgentInfo> agents() {
    return await(dialback.agents(), dialback.timeout(), "hub.agents.list");
  }

  public BlockingAgent agent(String name) {
    return dialback.agent(name).blocking();
  }

  public JsonObject call(String address, JsonObject body) {
    return await(dialback.call(address, body), dialback.timeout(), address);
  }

  /**
   * Waits for a future of this API a little longer than {@code timeout} (the call's own timeout
   * answers first; {@code null} waits as long as it takes) and throws its failure typed, for
   * callers that pipeline futures and then wait on them one by one.
   */
  public static <T> T await(Future<T> future, Duration timeout, String address) {
    try {
      if (timeout == null) {
        return future.await();
      }
      return future.await(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw DialbackException.of(new ReplyException(ReplyFailure.TIMEOUT, "timed out"), address);
    } catch (Exception e) {
      throw DialbackException.of(e, address);
    }
  }
}
