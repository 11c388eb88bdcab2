package io.dialback.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.dialback.agent.AgentVerticle;
import io.dialback.client.BridgeClient;
import io.dialback.hub.HubVerticle;
import io.dialback.testkit.Await;
import io.dialback.testkit.Ports;
import io.dialback.testkit.TestFiles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The web console in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromium-driver}) against the demo's hub and its two agents, configured by the repository's own
 * {@code conf/} files (roots and ports moved to the test's): log in, the fleet, a folder, a
 * download compared byte for byte, an upload, a delete, a name made of markup shown as text, an
 * agent leaving live, a refused token. Screenshots go to {@code target/console-screenshots/}.
 * Without a browser it is skipped — except under {@code CI=true}, where it fails.
 */
class ConsoleBrowserTest {
  private static final Path REPO = Path.of("..");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target", "console-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String MARKUP = "<img src=x onerror=\"window.__xss=1\">.txt";

  @TempDir Path tmp;
  private Vertx vertx;
  private HubVerticle hub;
  private String betaDeployment;
  private Path alphaRoot;
  private Path betaRoot;
  private ChromeDriver browser;
  private Path downloads;

  @BeforeEach
  void start() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(
          "CI=true but no browser: install chromium and chromium-driver (.ci/run does)");
    }
    Assumptions.assumeTrue(present, "no chromium/chromedriver here; CI installs them");
    alphaRoot = copy(REPO.resolve("samples/alpha"), tmp.resolve("alpha"));
    betaRoot = copy(REPO.resolve("samples/beta"), tmp.resolve("beta"));
    Files.createDirectories(alphaRoot.resolve("odd"));
    Files.writeString(alphaRoot.resolve("odd").resolve(MARKUP), "not markup");

    vertx = Vertx.vertx();
    JsonObject hubConf = read("hub.json").put("port", Ports.free()).put("reloadSeconds", 0);
    hubConf.getJsonObject("http").put("port", Ports.free());
    hub = new HubVerticle(Map.of());
    vertx
        .deployVerticle(hub, new DeploymentOptions().setConfig(hubConf))
        .await(30, TimeUnit.SECONDS);
    deployAgent("agent.json", alphaRoot);
    betaDeployment = deployAgent("agent-beta.json", betaRoot);

    downloads = Files.createDirectories(tmp.resolve("downloads"));
    Files.createDirectories(SHOTS);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1280,900");
    options.setExperimentalOption(
        "prefs",
        Map.of(
            "download.default_directory",
            downloads.toString(),
            "download.prompt_for_download",
            false));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().implicitlyWait(Duration.ZERO);
    Map<String, Object> allow = new HashMap<>();
    allow.put("behavior", "allow");
    allow.put("downloadPath", downloads.toString());
    browser.executeCdpCommand("Browser.setDownloadBehavior", allow);
  }

  @AfterEach
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static Path copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return to;
  }

  private static JsonObject read(String file) throws Exception {
    return new JsonObject(Files.readString(REPO.resolve("conf").resolve(file)));
  }

  private String deployAgent(String file, Path root) throws Exception {
    JsonObject conf =
        read(file)
            .put("root", root.toString())
            .put("hubs", new JsonArray().add("127.0.0.1:" + hub.actualPort()));
    AgentVerticle agent = new AgentVerticle(Map.of());
    String id =
        vertx
            .deployVerticle(agent, new DeploymentOptions().setConfig(conf))
            .await(30, TimeUnit.SECONDS);
    agent.connected().await(30, TimeUnit.SECONDS);
    return id;
  }

  private String clientToken() throws Exception {
    for (Object o : read("hub.json").getJsonObject("auth").getJsonArray("tokens")) {
      JsonObject t = (JsonObject) o;
      if ("client".equals(t.getString("role"))) {
        return t.getString("token");
      }
    }
    throw new IllegalStateException("no client token in conf/hub.json");
  }

  // ---- browser helpers ----

  private WebElement find(String css) throws Exception {
    WebElement[] found = new WebElement[1];
    Await.until(
        css,
        WAIT,
        () -> {
          List<WebElement> all = browser.findElements(By.cssSelector(css));
          found[0] = all.stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
          return found[0] != null;
        });
    return found[0];
  }

  private void awaitText(String css, String text) throws Exception {
    Await.until(
        css + " showing \"" + text + "\"",
        WAIT,
        () ->
            browser.findElements(By.cssSelector(css)).stream()
                .anyMatch(e -> e.isDisplayed() && e.getText().contains(text)));
  }

  private WebElement row(String table, String attribute, String value) throws Exception {
    WebElement[] found = new WebElement[1];
    Await.until(
        table + " row " + value,
        WAIT,
        () -> {
          for (WebElement tr : browser.findElements(By.cssSelector(table + " tbody tr"))) {
            if (value.equals(tr.getDomAttribute(attribute))) {
              found[0] = tr;
              return true;
            }
          }
          return false;
        });
    return found[0];
  }

  private boolean hasRow(String table, String attribute, String value) {
    return browser.findElements(By.cssSelector(table + " tbody tr")).stream()
        .anyMatch(tr -> value.equals(tr.getDomAttribute(attribute)));
  }

  private void shot(String name) throws Exception {
    Path file = SHOTS.resolve(name + ".png");
    Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
  }

  private void logIn(String token) throws Exception {
    WebElement field = find("#token");
    field.clear();
    field.sendKeys(token, Keys.ENTER); // the keyboard alone logs in
  }

  private void clickButton(WebElement scope, String label) {
    for (WebElement b : scope.findElements(By.tagName("button"))) {
      if (b.getText().equals(label) && b.isDisplayed()) {
        b.click();
        return;
      }
    }
    throw new AssertionError("no button \"" + label + "\" in " + scope.getText());
  }

  private BridgeClient client() throws Exception {
    BridgeClient client =
        BridgeClient.create(
            vertx,
            io.dialback.client.ClientOptions.builder()
                .hub("127.0.0.1", hub.actualPort())
                .token(clientToken())
                .build());
    client.connect().await(10, TimeUnit.SECONDS);
    return client;
  }

  /**
   * Whether beta's agent answers fs.delete (the file-service addresses may not be in this build).
   */
  private boolean betaServesDelete(BridgeClient client) throws Exception {
    try {
      client
          .request("agent.beta.fs.delete", new JsonObject().put("path", "no-such-file-here"))
          .await(10, TimeUnit.SECONDS);
      return true;
    } catch (ReplyException e) {
      return e.failureType() != ReplyFailure.NO_HANDLERS;
    }
  }

  /** Some calls a second, rising and falling, for the console's calls-per-second line. */
  private long load(BridgeClient client) {
    long start = System.nanoTime();
    return vertx.setPeriodic(
        100,
        t -> {
          double s = (System.nanoTime() - start) / 1e9;
          int calls = 2 + (int) (10 * (1 + Math.sin(s / 1.3)) / 2);
          for (int i = 0; i < calls; i++) {
            client.request("agent.alpha.fs.stat", new JsonObject().put("path", "README.txt"));
          }
        });
  }

  @Test
  void theConsoleShowsTheFleetBrowsesDownloadsUploadsDeletesAndKeepsAgentTextAsText()
      throws Exception {
    String url = "http://127.0.0.1:" + hub.httpPort() + "/";
    browser.get(url);

    // A refused token says so, and the page stays at the login.
    logIn("not-a-token");
    awaitText("#login-error", "The hub refused this token");
    assertThat(find("#login-error").getText()).contains("not_logged_in");
    shot("01-refused-token");

    // Logged in: the demo's two agents, and the hub with its counts.
    BridgeClient client = client();
    long load = load(client);
    logIn(clientToken());
    row("#fleet", "data-agent", "alpha");
    row("#fleet", "data-agent", "beta");
    assertThat(row("#fleet", "data-agent", "beta").getText()).contains("read-write");
    assertThat(row("#fleet", "data-agent", "alpha").getText()).contains("read-only");
    awaitText("#hubs tbody", "127.0.0.1:" + hub.actualPort());
    assertThat(browser.executeScript("return sessionStorage.getItem('dialback.token')"))
        .isEqualTo(clientToken());
    assertThat(browser.executeScript("return localStorage.length")).isEqualTo(0L);

    // alpha's folder, by keyboard: the README downloads byte for byte.
    row("#fleet", "data-agent", "alpha").findElement(By.tagName("button")).sendKeys(Keys.ENTER);
    WebElement readme = row("#entries", "data-name", "README.txt");
    assertThat(find("#read-only").getText()).contains("read-only");
    clickButton(readme, "Download");
    Path fetched = downloads.resolve("README.txt");
    Await.until("README.txt downloaded", WAIT, () -> Files.exists(fetched) && !partial());
    assertThat(Files.readAllBytes(fetched))
        .isEqualTo(Files.readAllBytes(REPO.resolve("samples/alpha/README.txt")));

    // A name made of markup is shown as text and runs nothing.
    clickButton(row("#entries", "data-name", "odd"), "odd/");
    WebElement odd = row("#entries", "data-name", MARKUP);
    assertThat(odd.findElement(By.cssSelector("td.name")).getText()).isEqualTo(MARKUP);
    assertThat(browser.findElements(By.cssSelector("#entries img"))).isEmpty();
    assertThat(browser.executeScript("return window.__xss === undefined")).isEqualTo(true);
    shot("02-markup-as-text");

    // beta: upload a file of several chunks with progress, see it listed, compare it on disk.
    clickButton(row("#fleet", "data-agent", "beta"), "beta");
    row("#entries", "data-name", "README.txt");
    Path upload = TestFiles.random(tmp.resolve("upload.bin"), 300 * 1024 + 11, 5);
    find("#upload-file").sendKeys(upload.toAbsolutePath().toString());
    find("#upload-button").click();
    WebElement uploaded = row("#entries", "data-name", "upload.bin");
    awaitText("#upload-status", "Uploaded upload.bin");
    assertThat(TestFiles.sha256(betaRoot.resolve("upload.bin")))
        .isEqualTo(TestFiles.sha256(upload));
    Await.until(
        "ten seconds of calls per second",
        WAIT,
        () -> find("#rate-line").getDomAttribute("points").split(" ").length >= 10);
    assertThat(Integer.parseInt(find("#rate-now").getText())).isPositive();
    shot("03-console");
    Files.copy(
        SHOTS.resolve("03-console.png"),
        SHOTS.resolve("console.png"),
        StandardCopyOption.REPLACE_EXISTING);

    // Delete it: gone, or — where the agent has no fs.delete in this build — a clean refusal.
    vertx.cancelTimer(load);
    boolean deletes = betaServesDelete(client);
    clickButton(uploaded, "Delete");
    clickButton(row("#entries", "data-name", "upload.bin"), "Delete");
    if (deletes) {
      Await.until("upload.bin gone", WAIT, () -> !hasRow("#entries", "data-name", "upload.bin"));
      assertThat(betaRoot.resolve("upload.bin")).doesNotExist();
    } else {
      awaitText("#error", "Cannot delete upload.bin: nobody serves agent.beta.fs.delete");
      shot("04-delete-refused");
    }

    // beta stops: it leaves the fleet while we look.
    vertx.undeploy(betaDeployment).await(30, TimeUnit.SECONDS);
    Await.until("beta gone from the fleet", WAIT, () -> !hasRow("#fleet", "data-agent", "beta"));
    assertThat(hasRow("#fleet", "data-agent", "alpha")).isTrue();
    awaitText("#error", "Agent beta has left.");
    shot("05-agent-left");

    // Nothing the page did broke its Content Security Policy.
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      assertThat(entry.getMessage()).doesNotContain("Content Security Policy");
    }
  }

  private boolean partial() throws Exception {
    try (Stream<Path> files = Files.list(downloads)) {
      return files.anyMatch(f -> f.toString().endsWith(".crdownload"));
    }
  }
}
