package io.dialback.hub.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.EnumSet;

/**
 * Where the hub's meters live: the Prometheus registry of Vert.x's own metrics when the hub's
 * Vert.x was made with {@link #vertxOptions}, or one of the hub's own otherwise (an embedding
 * application's Vert.x without ours; then only the hub's meters are there).
 */
public final class MetricsSetup {
  /** The name of the registry Vert.x's meters go to in a hub made by {@code HubMain}. */
  public static final String REGISTRY = "dialback-hub";

  private MetricsSetup() {}

  /**
   * {@code base} with Vert.x's Micrometer metrics on, into a Prometheus registry, with JVM meters,
   * and without the labels whose values grow with the fleet (event-bus address, remote address,
   * HTTP path).
   */
  public static VertxOptions vertxOptions(VertxOptions base) {
    return new VertxOptions(base)
        .setMetricsOptions(
            new MicrometerMetricsOptions()
                .setEnabled(true)
                .setRegistryName(REGISTRY)
                .setJvmMetricsEnabled(true)
                .setLabels(
                    EnumSet.of(
                        Label.LOCAL,
                        Label.EB_SIDE,
                        Label.EB_FAILURE,
                        Label.HTTP_METHOD,
                        Label.HTTP_CODE,
                        Label.HTTP_ROUTE,
                        Label.POOL_TYPE,
                        Label.POOL_NAME,
                        Label.CLASS_NAME))
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }

  /**
   * A Vert.x builder for a hub: with {@link #vertxOptions} and the Micrometer metrics factory when
   * {@code on}, plain {@code base} otherwise.
   */
  public static VertxBuilder builder(VertxOptions base, boolean on) {
    return on
        ? Vertx.builder().with(vertxOptions(base)).withMetrics(new MicrometerMetricsFactory())
        : Vertx.builder().with(base);
  }

  /** The registry for a hub on {@code vertx}. */
  public static PrometheusMeterRegistry registry(Vertx vertx) {
    MeterRegistry ours = vertx.isMetricsEnabled() ? BackendRegistries.getNow(REGISTRY) : null;
    return ours instanceof PrometheusMeterRegistry p
        ? p
        : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }
}
