package io.dialback.hub.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Test helper: HTTP against a hub's admin port, and a Prometheus scrape as series → value. */
final class Scrape {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1) // as Prometheus scrapes; no h2c upgrade dance
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Scrape() {}

  static HttpResponse<String> get(int port, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Every sample of {@code /metrics}, by its series ({@code name{labels}}) as printed. */
  static Map<String, Double> metrics(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = get(port, "/metrics", null);
    if (response.statusCode() != 200) {
      throw new IOException("/metrics answered " + response.statusCode());
    }
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  /** How much {@code series} moved from {@code before} to {@code after} (absent counts as 0). */
  static double moved(Map<String, Double> before, Map<String, Double> after, String series) {
    if (!after.containsKey(series)) {
      throw new AssertionError("no series " + series + " in the scrape");
    }
    return after.get(series) - before.getOrDefault(series, 0.0);
  }
}
