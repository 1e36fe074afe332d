package swamp.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium (Debian's chromium and chromium-driver, which bin/setup installs) driven
 * through Selenium, with the driver named by its path so that Selenium never looks for one to
 * download. Screenshots go to target/screenshots/.
 */
final class Browser implements AutoCloseable {

  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final ChromeDriver driver;

  Browser() {
    if (!Files.isExecutable(CHROMEDRIVER) || !Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(CHROMIUM + " and " + CHROMEDRIVER + " are needed: run"
          + " bin/setup (Debian's chromium and chromium-driver)");
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // --no-sandbox: CI runs as root, where Chromium's sandbox will not start
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
        "--disable-gpu", "--window-size=1400,1100");
    driver = new ChromeDriver(service, options);
  }

  WebDriver driver() {
    return driver;
  }

  void open(String url) {
    driver.get(url);
  }

  /** Waits up to {@code timeout} until {@code condition} gives a value other than null or false. */
  <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout, Duration.ofMillis(200))
        .withMessage(() -> what)
        .ignoring(StaleElementReferenceException.class)
        .until(condition::apply);
  }

  /**
   * The text of the first element {@code css} selects, or null when there is none. The page
   * re-renders a table when the feed pushes, so an element found may be gone by the time its text
   * is read: it is then found again.
   */
  String text(String css) {
    return fresh(() -> {
      List<WebElement> found = driver.findElements(By.cssSelector(css));
      return found.isEmpty() ? null : found.get(0).getText();
    });
  }

  /** Clicks the first element {@code css} selects, found again if the page re-rendered it. */
  void click(String css) {
    fresh(() -> {
      one(css).click();
      return null;
    });
  }

  /** Types {@code keys} into the first element {@code css} selects, found again if the page re-rendered it. */
  void type(String css, CharSequence... keys) {
    fresh(() -> {
      one(css).sendKeys(keys);
      return null;
    });
  }

  /** What {@code read} answers, read again when an element it found was replaced meanwhile. */
  private static <T> T fresh(Supplier<T> read) {
    for (int attempt = 1; ; attempt++) {
      try {
        return read.get();
      } catch (StaleElementReferenceException replaced) {
        if (attempt == 5) {
          throw replaced;
        }
      }
    }
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  WebElement one(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  Object script(String js) {
    return ((JavascriptExecutor) driver).executeScript(js);
  }

  /** Saves what the page shows as target/screenshots/NAME.png and returns the file. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Path to = SCREENSHOTS.resolve(name + ".png");
      Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
