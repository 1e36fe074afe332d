package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;

/**
 * The dashboard as people meet it beyond DashboardIT's cases: a first visit by a bookmark, a
 * queue of hundreds of jobs, output that is binary, coloured or cut, a command of 100 KB, a job
 * the master no longer keeps, the way back to the pool, and a run's failed commands. One master
 * with a token and two workers (w10 joins first, w9 after) serve every test, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardInUseIT {

  static final Duration PAGE = Duration.ofSeconds(30);
  static final Duration CLI = Duration.ofSeconds(60);
  final String token = "use-" + UUID.randomUUID();
  Pool pool;
  Master master;
  Browser browser;

  @BeforeAll
  void startPoolAndBrowser() {
    pool = new Pool("DashboardInUseIT");
    master = pool.startMaster(Map.of("SWAMP_API_TOKEN", token), List.of(), "--local-exec", "never")
        .apiToken(token);
    Node w10 = pool.worker(master, "w10", "--slots", "1");
    browser = new Browser(); // starts while the nodes come up
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w10), "w10");
    Node w9 = pool.worker(master, "w9", "--slots", "1");
    master.awaitWorkers(Pool.STARTUP, List.of(w10, w9), "w10", "w9");
  }

  @AfterAll
  void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      pool.close();
    }
  }

  /** A bookmark of a job's page, opened without the token: the form asks for it, then that page opens. */
  @Test
  @Order(1)
  void aBookmarkedJobOpensOnceTheTokenIsGiven() {
    String id = master.submit(Map.of("argv", List.of("echo", "bookmarked")));
    master.awaitFinished(id, CLI);
    browser.open(master.url() + "/#job/" + id);
    browser.await("the form, its field focused", PAGE, d -> browser.one("#token-needed").isDisplayed()
        && "token".equals(browser.script("return document.activeElement.id")));
    assertEquals("API token", browser.script("return document.querySelector('#token').labels[0].textContent"));
    browser.screenshot("use-token");
    browser.type("#token", token, Keys.ENTER); // no click: the keyboard alone
    browser.await("job " + id + "'s page", PAGE, d -> browser.one("#job").isDisplayed()
        && id.equals(browser.text("#job-id")) && String.valueOf(browser.text("#job-stdout")).contains("bookmarked"));
    assertEquals(master.url() + "/#job/" + id, browser.driver().getCurrentUrl(), "the token left the address, the page stayed");
  }

  @Test
  @Order(2)
  void workersAreListedByTheirIds() {
    browser.open(master.url() + "/");
    browser.await("w9 above w10, though it joined after", PAGE, d -> List.of("w9", "w10").equals(browser.script(
        "return [...document.querySelectorAll('#workers tr[data-worker]')].map(r => r.dataset.worker)"
        + ".filter(w => w !== 'master')")));
  }

  /** Hundreds of queued jobs: the table shows a page of them, and pages on; the page holds a bounded number. */
  @Test
  @Order(3)
  void aBigQueueIsShownAPageAtATime() {
    List<Map<String, Object>> stuck = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      stuck.add(Map.of("argv", List.of("echo", "queued " + i), "requires", List.of("gpu")));
    }
    List<String> ids = master.submitBatch(stuck);
    String newest = ids.get(ids.size() - 1);
    browser.open(master.url() + "/");
    browser.await("a first page of 100 rows, the newest job first", PAGE,
        d -> browser.all("#jobs tbody tr").size() == 100
            && newest.equals(browser.script("return document.querySelector('#jobs tbody tr').dataset.job"))
            && String.valueOf(browser.text("#jobs-range")).matches("1\u2013100 of 25\\d"));
    assertTrue(!browser.one("#jobs-newer").isEnabled() && browser.one("#jobs-older").isEnabled());
    browser.click("#jobs-older");
    browser.await("the second page", PAGE, d -> String.valueOf(browser.text("#jobs-range")).matches("101\u2013200 of 25\\d")
        && browser.all("#jobs tr[data-job=" + ids.get(ids.size() - 101) + "]").size() == 1);
    browser.click("#jobs-older");
    browser.await("the last page", PAGE, d -> !browser.one("#jobs-older").isEnabled()
        && browser.all("#jobs tr[data-job=" + ids.get(0) + "]").size() == 1);
    browser.screenshot("use-jobs-paged");
    browser.type("#f-program", "ech");
    browser.await("a filter starts at the first page again", PAGE,
        d -> String.valueOf(browser.text("#jobs-range")).startsWith("1\u2013100 of"));
    browser.one("#f-program").clear();

    // the feed pushes each job submitted: a batch of 20,000 is not held whole
    long held = (Long) browser.script("const n = MAX_ACTIVE + 1000;"
        + " apply({ jobs: Array.from({ length: n }, (_, i) => ({ id: 'j' + (9e6 + i), state: 'QUEUED', argv: ['true'] })) });"
        + " return state.jobs.size");
    assertTrue(held <= (Long) browser.script("return MAX_ACTIVE + MAX_ROWS"), "jobs held: " + held);
    double redraw = ((Number) browser.script("const t = performance.now(); drawPool(); return performance.now() - t")).doubleValue();
    assertEquals(100, browser.all("#jobs tbody tr").size(), "a redraw of " + redraw + " ms");
    browser.driver().navigate().refresh(); // without the jobs made up here
    // the counts' axis is as wide as its labels: 20,000 queued is not "0,000"
    assertTrue((Boolean) browser.script("const c = document.createElement('canvas').getContext('2d');"
        + " c.font = '12px system-ui, sans-serif'; return countsWidth(null, ['20,000']) >= 14 + c.measureText('20,000').width"));
  }

  @Test
  @Order(4)
  void binaryColouredCutAndLongOutputIsReadable() {
    String binary = master.submit(Map.of("argv", List.of("head", "-c", "3000", "/dev/urandom")));
    String coloured = master.submit(Map.of("argv", List.of("printf", "\u001b[31mred\u001b[0m and \u001b[1;32mgreen\u001b[0m\\n")));
    String cut = master.submit(Map.of("argv", List.of("seq", "1", "100000"))); // 589 KB, kept 256 KiB
    List<String> longArgv = new ArrayList<>(List.of("echo"));
    for (int i = 0; i < 2000; i++) {
      longArgv.add("/data/ensemble/member_" + i + "/atmosphere_monthly_mean.nc");
    }
    String longOne = master.submit(Map.of("argv", longArgv));
    List.of(binary, coloured, cut, longOne).forEach(id -> master.awaitFinished(id, CLI));

    browser.open(master.url() + "/#job/" + binary);
    browser.await("binary output said, not shown", PAGE, d -> browser.one("#job-stdout-binary").isDisplayed()
        && browser.text("#job-stdout-binary").startsWith("Binary output (") && "".equals(browser.text("#job-stdout")));
    browser.click("#job-stdout-binary button");
    browser.await("shown as text once asked", PAGE, d -> browser.text("#job-stdout").length() > 100
        && !browser.one("#job-stdout-binary").isDisplayed());

    browser.script("location.hash = '#job/" + coloured + "'");
    browser.await("the colours' codes left out", PAGE, d -> coloured.equals(browser.text("#job-id"))
        && "red and green".equals(browser.text("#job-stdout").strip()));
    assertTrue(!browser.one("#job-truncated").isDisplayed(), "not cut");

    browser.script("location.hash = '#job/" + cut + "'");
    browser.await("where the output was cut, said above it", PAGE, d -> cut.equals(browser.text("#job-id"))
        && browser.one("#job-truncated").isDisplayed());
    assertTrue(browser.text("#job-truncated").contains("swamp.worker.max-output"), browser.text("#job-truncated"));

    browser.script("location.hash = '#job/" + longOne + "'");
    browser.await("the long command's page", PAGE, d -> longOne.equals(browser.text("#job-id")));
    double attemptsTop = ((Number) browser.script(
        "return document.querySelector('#job-attempts').getBoundingClientRect().top")).doubleValue();
    assertTrue(attemptsTop < 1000, "the attempts and output within the first screen, not 30 below: " + attemptsTop);
    browser.screenshot("use-long-command");
  }

  @Test
  @Order(5)
  void aJobTheMasterNoLongerKeepsSaysWhyAndLeadsBack() {
    browser.open(master.url() + "/#job/j999999");
    browser.await("why it is not there", PAGE, d -> browser.one("#error").isDisplayed()
        && browser.text("#error").contains("no longer keeps it"));
    browser.screenshot("use-job-gone");
    browser.click("#error a");
    browser.await("the pool", PAGE, d -> browser.one("#pool").isDisplayed() && !browser.one("#error").isDisplayed());
  }

  @Test
  @Order(6)
  void backFromAJobThePoolIsWhereTheUserLeftIt() {
    browser.open(master.url() + "/");
    browser.await("a page of jobs", PAGE, d -> browser.all("#jobs tbody tr").size() == 100);
    long at = (Long) browser.script("const row = document.querySelector('#jobs tbody tr:nth-child(80)');"
        + " row.scrollIntoView(); row.querySelector('a').click(); return Math.round(window.scrollY)");
    assertTrue(at > 1000, "scrolled down: " + at);
    browser.await("the job's page, at its top", PAGE, d -> browser.one("#job").isDisplayed()
        && ((Number) browser.script("return window.scrollY")).longValue() == 0);
    browser.driver().navigate().back();
    browser.await("the pool where it was left", PAGE, d -> browser.one("#pool").isDisplayed()
        && Math.abs(((Number) browser.script("return window.scrollY")).longValue() - at) < 5);
  }

  /** A run of 60 commands, two of them failing: the page lists them, and each opens its box. */
  @Test
  @Order(7)
  void aRunsFailedCommandsAreFoundFromItsPage() throws java.io.IOException {
    Path dir = Files.createDirectories(pool.logDir().resolve("run"));
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 60; i++) {
      lines.add(i == 20 || i == 55 ? "ls no-such-file-" + i : "echo " + i + " > f" + i + ".txt");
    }
    Files.writeString(dir.resolve("many.swamp"), String.join("\n", lines) + "\n");
    Node run = pool.swamp(master, dir, Map.of("SWAMP_API_TOKEN", token), "run", "many.swamp");
    run.awaitExit(Duration.ofSeconds(120));
    JsonNode runs = master.get("/api/runs").json();
    String runId = runs.get(runs.size() - 1).path("id").asText();
    browser.open(master.url() + "/#run/" + runId);
    browser.await("the run's counts and its two failed commands", PAGE,
        d -> String.valueOf(browser.text("#run-summary")).startsWith("60 commands: 58 succeeded, 2 failed.")
            && browser.all("#run-summary button").size() == 2);
    browser.click("#run-summary button:last-of-type");
    browser.await("the second failed command's box selected, focused and in view", PAGE,
        d -> "FAILED".equals(browser.script("return document.activeElement.dataset.state"))
            && browser.text("#graph-node .command").equals("ls no-such-file-55")
            && (Boolean) browser.script("const r = document.activeElement.getBoundingClientRect();"
                + " return r.top >= 0 && r.bottom <= window.innerHeight"));
    browser.screenshot("use-run-failed");
  }

  /** A keyboard user on a job's link while the job ends: its row is drawn again, the focus stays on its link. */
  @Test
  @Order(9)
  void theKeyboardsFocusStaysOnARowThatIsDrawnAgain() {
    browser.open(master.url() + "/");
    String id = master.submit(Map.of("argv", List.of("sleep", "5")));
    String link = "#jobs tr[data-job=" + id + "] a";
    browser.await("job " + id + " running", PAGE,
        d -> "RUNNING".equals(browser.text("#jobs tr[data-job=" + id + "] .state-cell")));
    browser.script("document.querySelector('" + link + "').focus()");
    browser.await("job " + id + " SUCCEEDED, its row drawn again", CLI,
        d -> "SUCCEEDED".equals(browser.text("#jobs tr[data-job=" + id + "] .state-cell")));
    assertEquals(id, browser.script("return document.activeElement.textContent"), "the focus on the job's link");
    browser.type(link, Keys.ENTER);
    browser.await("its page, opened by the keyboard", PAGE, d -> id.equals(browser.text("#job-id")));
  }

  /** A phone opening a job's page first: the plot, made while the pool was hidden, fits its column. */
  @Test
  @Order(8)
  void onAPhoneThePlotFitsItsColumn() {
    Dimension wide = browser.driver().manage().window().getSize();
    browser.driver().manage().window().setSize(new Dimension(375, 800));
    try {
      String id = master.submit(Map.of("argv", List.of("true")));
      master.awaitFinished(id, CLI);
      browser.open(master.url() + "/#job/" + id);
      browser.await("the job's page and the plot made", PAGE, d -> browser.one("#job").isDisplayed()
          && (Boolean) browser.script("return state.plot !== null"));
      browser.script("location.hash = '#pool'");
      browser.await("the plot as wide as its column at most", PAGE, d -> browser.one("#pool").isDisplayed()
          && (Boolean) browser.script("return state.plot.width <= document.querySelector('#plot').parentElement.clientWidth"));
    } finally {
      browser.driver().manage().window().setSize(wide);
    }
  }

  /** A page opened by its address shows the pool's counts at once: nothing in the pool changes meanwhile. */
  @Test
  @Order(10)
  void aPageOpenedByItsAddressSaysThePoolsCountsAtOnce() {
    String id = master.submit(Map.of("argv", List.of("true")));
    master.awaitFinished(id, CLI);
    JsonNode runs = master.get("/api/runs").json();
    String runId = runs.get(runs.size() - 1).path("id").asText();
    for (String page : List.of("#job/" + id, "#run/" + runId, "#worker/w9")) {
      browser.open("about:blank");
      browser.open(master.url() + "/" + page);
      // the 250 jobs no worker can take stay queued: no live update comes to fill these in
      browser.await(page + "'s summary and title", PAGE, d -> String.valueOf(browser.text("#summary")).startsWith("2 workers \u00b7 250 queued")
          && browser.driver().getTitle().equals("(250 queued) swamp"));
    }
  }

  /** The job table at 700 px (a laptop at 200 %) and 375 px (a phone): every column that is shown is in view. */
  @Test
  @Order(11)
  void theJobTableFitsANarrowWindow() {
    List<String> argv = new ArrayList<>(List.of("echo"));
    for (int i = 0; i < 40; i++) {
      argv.add("/data/ensemble/member_" + i + "/atmosphere_monthly_mean.nc");
    }
    String id = master.submit(Map.of("argv", argv));
    master.awaitFinished(id, CLI);
    String row = "#jobs tr[data-job=" + id + "]";
    Dimension wide = browser.driver().manage().window().getSize();
    try {
      for (int width : List.of(700, 375)) {
        browser.driver().manage().window().setSize(new Dimension(width, 900));
        browser.open(master.url() + "/");
        browser.await("the long command's row", PAGE, d -> !browser.all(row).isEmpty());
        assertTrue(((Number) browser.script("return window.innerWidth")).intValue() <= width);
        assertTrue((Boolean) browser.script("const right = s => document.querySelector(s).getBoundingClientRect().right;"
            + " return right('" + row + " td.exit') <= window.innerWidth && right('#jobs th.exit') <= window.innerWidth"),
            "the exit column within the " + width + " px window");
        assertEquals(0L, browser.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth"));
        String whole = String.join(" ", argv);
        assertEquals(whole, browser.one(row + " td.long").getAttribute("title"), "the whole command when pointed at");
        assertTrue((Boolean) browser.script("const c = document.querySelector('" + row + " td.long');"
            + " return c.scrollWidth > c.clientWidth"), "the command cut short");
        browser.script("document.querySelector('" + row + "').scrollIntoView({ block: 'center' })");
        browser.screenshot("use-jobs-" + width);
        browser.script("document.querySelector('" + row + " a').focus()");
        assertTrue((Boolean) browser.script("const c = document.querySelector('" + row + " td.long');"
            + " return c.scrollWidth <= c.clientWidth"),
            "the whole command while its row has the focus");
        browser.screenshot("use-jobs-" + width + "-focused");
      }
    } finally {
      browser.driver().manage().window().setSize(wide);
    }
  }

  /** Queued in thousands, running and finished per second in ones: each on an axis of its own, in a legend. */
  @Test
  @Order(12)
  void thePlotGivesTheRatesAnAxisOfTheirOwn() {
    Dimension wide = browser.driver().manage().window().getSize();
    try {
      for (int width : List.of(1400, 375)) {
        browser.driver().manage().window().setSize(new Dimension(width, 900));
        browser.open(master.url() + "/");
        browser.await("both plots", PAGE, d -> browser.all("#plot .uplot").size() == 2
            && (Boolean) browser.script("return state.ratePlot.scales.rate.max > 0"));
        assertEquals(List.of("queued", "running (left axis)", "finished/s (right axis)"), browser.script(
            "return [...document.querySelectorAll('#plot .u-legend .u-series:not(:first-child) .u-label')].map(l => l.textContent)"));
        assertTrue((Boolean) browser.script("return state.ratePlot.scales.y.max < state.plot.scales.y.max"),
            "running is drawn on its own axis, not the queue's 250");
        assertTrue((Boolean) browser.script("return [...document.querySelectorAll('#plot .u-legend, #plot canvas')]"
            + ".every(e => e.getBoundingClientRect().right <= window.innerWidth)"), "the plots and legends in view");
        browser.screenshot("use-plot-" + width);
      }
    } finally {
      browser.driver().manage().window().setSize(wide);
    }
  }

  /** A run's jobs, cancelled from its page in one request: the question counts them, the page says what the master did. */
  @Test
  @Order(13)
  void aRunsJobsAreCancelledInOneRequest() throws java.io.IOException {
    Path dir = Files.createDirectories(pool.logDir().resolve("cancel"));
    Files.writeString(dir.resolve("five.swamp"), "sleep 301\nsleep 302\nsleep 303\nsleep 304\nsleep 305\n");
    Node run = pool.swamp(master, dir, Map.of("SWAMP_API_TOKEN", token), "run", "five.swamp");
    try {
      String runId = Await.value("the run", CLI, () -> {
        for (JsonNode r : master.get("/api/runs").json()) {
          if (r.path("name").asText().equals("five.swamp")) {
            return r.path("id").asText();
          }
        }
        return null;
      });
      browser.open(master.url() + "/#run/" + runId);
      // a worker holds the jobs it is given ahead of a free slot (prefetch): RUNNING to the API too
      browser.await("two running, three queued or held", CLI, d -> browser.all("#graph g.node[data-state=RUNNING]").size() >= 2
          && browser.all("#graph g.node[data-state=RUNNING], #graph g.node[data-state=QUEUED]").size() == 5
          && browser.one("#cancel-run").isDisplayed());
      browser.script("window.asked = []; const f = window.fetch;"
          + " window.fetch = (u, o) => { asked.push(((o && o.method) || 'GET') + ' ' + u); return f(u, o); }");
      browser.click("#cancel-run");
      browser.await("the question", PAGE, d -> browser.one("#ask").isDisplayed());
      assertEquals("Cancel the 5 jobs of run " + runId + " (five.swamp)?", browser.text("#ask-question"));
      String question = browser.text("#ask-text");
      assertTrue(question.startsWith("2 running jobs are killed and ") && jobsCounted(question) == 5, question);
      browser.click("#ask-yes");
      browser.await("what the master answered", PAGE, d -> browser.one("#run-cancelled").isDisplayed());
      String answer = browser.text("#run-cancelled");
      assertTrue(answer.startsWith("Run " + runId + ": ") && answer.matches(".*\\d+ running jobs? being killed.*")
          && jobsCounted(answer) == 5, answer);
      assertEquals(List.of("POST /api/jobs/cancel"), browser.script(
          "return asked.filter(a => !a.startsWith('GET'))"), "one request");
      browser.await("all five CANCELLED", CLI, d -> browser.all("#graph g.node[data-state=CANCELLED]").size() == 5);
      browser.screenshot("use-run-cancelled");
      run.awaitExit(CLI);
    } finally {
      run.killHard();
    }
  }

  /** The jobs a sentence counts: "2 running jobs ... and 3 queued jobs" counts 5. */
  static int jobsCounted(String sentence) {
    return java.util.regex.Pattern.compile("(\\d+) (?:queued |running )?jobs?\\b").matcher(sentence).results()
        .mapToInt(m -> Integer.parseInt(m.group(1))).sum();
  }
}
