package org.tileloop.dashboard;

import java.io.File;
import java.util.Base64;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromium-driver, at 1280×800. Missing binaries fail the test with the
 * packages to install ({@code scripts/test} installs them); nothing is downloaded. Not thread-safe.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** Selenium warns that it has no DevTools bindings for this Chromium; the tests do not use them. */
    private static final java.util.logging.Logger QUIET = quiet();

    final ChromeDriver driver;

    private static java.util.logging.Logger quiet() {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");
        l.setLevel(java.util.logging.Level.SEVERE);
        return l;
    }

    HeadlessChromium() {
        for (Path p : new Path[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(p + " is missing: the browser tests need Debian's chromium and chromium-driver "
                        + "(apt-get install chromium chromium-driver; scripts/test installs them)");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,800", "--hide-scrollbars", "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        long chromeHeight = (Long) js("return window.outerHeight - window.innerHeight");
        driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 800 + (int) chromeHeight));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Waits up to {@code seconds} for {@code condition} to return a non-null, non-false value and returns it. */
    <T> T await(int seconds, String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(50)).withMessage(what)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition);
    }

    /**
     * The text of every element {@code css} selects, read in one script so that a live page
     * re-rendering in between cannot leave the test holding a stale element.
     */
    @SuppressWarnings("unchecked")
    java.util.List<String> texts(String css) {
        return (java.util.List<String>) js("return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText)", css);
    }

    /** Saves the whole page (1280 px wide, as tall as its content) as a PNG. */
    void screenshot(Path png) throws java.io.IOException {
        long heightPx = (Long) js("return Math.ceil(document.documentElement.scrollHeight)");
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", 1280, "height", heightPx, "scale", 1)));
        Files.createDirectories(png.getParent());
        Files.write(png, Base64.getDecoder().decode((String) shot.get("data")));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
