package dev.ferry.server.internal.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The server's Micrometer meters, in a Prometheus registry of its own (so two servers in one JVM
 * never mix their numbers). Tag values come from a closed set (endpoint names, statuses, error
 * codes, configured tenants), never from request data. Thread-safe.
 *
 * <ul>
 *   <li>{@code ferry_http_requests_total{endpoint,status}}: answered requests; status 499 = the
 *       client went away first.
 *   <li>{@code ferry_http_rejected_total{reason}}: error answers by {@code error_code}, including
 *       what Jetty refused before an endpoint saw it ({@code bad_request}, …).
 *   <li>{@code ferry_mutations_appended_total}: mutations newly stored (not duplicates).
 *   <li>{@code ferry_append_seconds}: time of each append to the log.
 *   <li>{@code ferry_long_polls_parked{tenant}}: long-polls parked now.
 *   <li>{@code ferry_http_connections_open}: open API connections.
 * </ul>
 */
public final class ServerMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter appended;
  private final Timer appendTime;
  private final AtomicInteger connections = new AtomicInteger();
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejections = new ConcurrentHashMap<>();

  public ServerMetrics() {
    appended =
        Counter.builder("ferry.mutations.appended")
            .description("mutations newly stored in the log")
            .register(registry);
    appendTime =
        Timer.builder("ferry.append").description("time to append one push").register(registry);
    Gauge.builder("ferry.http.connections.open", connections, AtomicInteger::get)
        .description("open API connections")
        .register(registry);
  }

  /** The registry, e.g. to bind JVM meters to it. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Everything in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  void request(String endpoint, int status) {
    // Cached: the registry would build and sort the tags on every request to find the counter.
    requests
        .computeIfAbsent(
            endpoint + ' ' + status,
            k ->
                registry.counter(
                    "ferry.http.requests", "endpoint", endpoint, "status", Integer.toString(status)))
        .increment();
  }

  void rejected(String reason) {
    rejections
        .computeIfAbsent(reason, r -> registry.counter("ferry.http.rejected", "reason", r))
        .increment();
  }

  void appended(int count, long nanos) {
    appended.increment(count);
    appendTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Reports {@code parked} as the tenant's parked long-polls (registered once per tenant). */
  void parkedGauge(String tenant, Supplier<Number> parked) {
    Gauge.builder("ferry.long_polls.parked", parked).tag("tenant", tenant)
        .description("long-polls parked now").register(registry);
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }
}
