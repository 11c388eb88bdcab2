package io.dialback.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dialback.hub.TestHub;
import io.dialback.testkit.JavaProcess;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's download endpoint against a hub process with a 64 MiB heap: a file larger than the
 * heap streams through byte-identical; a refused token, a foreign page and a missing file get a
 * plain answer; an agent killed mid-transfer cuts the download instead of completing it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleDownloadEndToEndTest {
  private static final List<String> SMALL_HEAP = List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xss512k");
  private static final Duration START = Duration.ofSeconds(30);

  @TempDir static Path tmp;
  private final List<JavaProcess> processes = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private JavaProcess hub;
  private int bridgePort;
  private int httpPort;
  private Path root;
  private Path alphaConf;

  @BeforeAll
  void start() throws Exception {
    bridgePort = Ports.free();
    httpPort = Ports.free();
    Path hubConf =
        Files.writeString(
            tmp.resolve("hub.json"),
            TestHub.conf()
                .put("port", bridgePort)
                .put("instances", 1)
                .put("http", new JsonObject().put("port", httpPort))
                .encodePrettily());
    hub =
        JavaProcess.start(
            "hub",
            "io.dialback.hub.HubMain",
            SMALL_HEAP,
            List.of("-conf", hubConf.toString()),
            Map.of(),
            tmp.resolve("logs"));
    processes.add(hub);
    hub.awaitLog("listening on", START);
    root = Files.createDirectories(tmp.resolve("alpha"));
    alphaConf =
        Files.writeString(
            tmp.resolve("alpha.json"),
            new JsonObject()
                .put("name", "alpha")
                .put("hubs", new JsonArray().add("ws://127.0.0.1:" + httpPort + "/bridge"))
                .put("token", TestHub.ALPHA_TOKEN)
                .put("root", root.toString())
                .encodePrettily());
  }

  @AfterAll
  void stop() throws Exception {
    for (JavaProcess p : processes) {
      p.close();
    }
  }

  private JavaProcess startAlpha() throws Exception {
    JavaProcess alpha =
        JavaProcess.start(
            "alpha",
            "io.dialback.agent.cli.AgentMain",
            SMALL_HEAP,
            List.of("-conf", alphaConf.toString()),
            Map.of(),
            tmp.resolve("logs"));
    processes.add(alpha);
    return alpha.awaitLog("connected to", START);
  }

  private HttpRequest post(String token, String path, String origin) {
    String form =
        "token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8)
            + "&agent=alpha&path="
            + URLEncoder.encode(path, StandardCharsets.UTF_8);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/download"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return request.build();
  }

  @Test
  void aFileLargerThanTheHubsHeapStreamsToTheBrowserByteIdentical() throws Exception {
    JavaProcess alpha = startAlpha();
    Path source = TestFiles.random(root.resolve("big file ü.bin"), 100L * 1024 * 1024 + 3, 21);
    Path target = tmp.resolve("downloaded.bin");

    long start = System.nanoTime();
    HttpResponse<Path> response =
        http.send(
            post(TestHub.CLIENT_TOKEN, "big file ü.bin", "http://127.0.0.1:" + httpPort),
            HttpResponse.BodyHandlers.ofFile(target));
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("100 MiB through /download (hub -Xmx64m): %.1f MiB/s%n", 100 / seconds);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Disposition").orElse(""))
        .contains("filename*=UTF-8''big%20file%20%C3%BC.bin");
    assertThat(response.headers().firstValue("Content-Length"))
        .hasValue(String.valueOf(Files.size(source)));
    assertThat(TestFiles.sha256(target)).isEqualTo(TestFiles.sha256(source));
    assertThat(hub.logText()).doesNotContain("OutOfMemoryError");
    assertThat(hub.logText()).containsPattern("logged in as tester \\(client\\)");
    assertThat(hub.logText()).containsPattern("from=127\\.0\\.0\\.1:\\d+/download");
    alpha.stop(Duration.ofSeconds(20));
  }

  @Test
  void refusalsAreAnsweredPlainlyBeforeAnyByte() throws Exception {
    JavaProcess alpha = startAlpha();
    Files.writeString(root.resolve("small.txt"), "small");

    HttpResponse<String> wrongToken =
        http.send(post("wrong-token", "small.txt", null), HttpResponse.BodyHandlers.ofString());
    assertThat(wrongToken.statusCode()).isEqualTo(401);
    assertThat(wrongToken.body()).contains("not_logged_in");

    HttpResponse<String> foreign =
        http.send(
            post(TestHub.CLIENT_TOKEN, "small.txt", "https://evil.example"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("origin https://evil.example is not allowed");

    HttpResponse<String> missing =
        http.send(
            post(TestHub.CLIENT_TOKEN, "nope.txt", null), HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("not_found");

    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/download"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    alpha.stop(Duration.ofSeconds(20));
  }

  @Test
  void anAgentKilledMidTransferCutsTheDownload() throws Exception {
    JavaProcess alpha = startAlpha();
    TestFiles.random(root.resolve("long.bin"), 200L * 1024 * 1024, 22);
    HttpResponse<InputStream> response =
        http.send(
            post(TestHub.CLIENT_TOKEN, "long.bin", null),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    long start;
    try (InputStream in = response.body()) {
      byte[] first = in.readNBytes(1024 * 1024); // the transfer is under way
      assertThat(first).hasSize(1024 * 1024);
      alpha.kill9();
      start = System.nanoTime();
      assertThatThrownBy(() -> in.transferTo(java.io.OutputStream.nullOutputStream()))
          .isInstanceOf(IOException.class);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
