package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
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
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12: the dashboard in a real browser (headless Chromium). One master with a token and two
 * workers serve every test, in order; each saves a screenshot under target/screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DashboardIT.Tails.class)
class DashboardIT {

  static final Duration PAGE = Duration.ofSeconds(30);
  static final Duration CLI = Duration.ofSeconds(60);
  final String token = "dash-" + UUID.randomUUID();
  Pool pool;
  Master master;
  Browser browser;

  @BeforeAll
  void startPoolAndBrowser() {
    pool = new Pool("DashboardIT");
    master = pool.startMaster(Map.of("SWAMP_API_TOKEN", token), List.of(), "--local-exec", "never")
        .apiToken(token);
    Node w1 = pool.worker(master, "w1", "--slots", "2");
    Node w2 = pool.worker(master, "w2", "--slots", "1");
    browser = new Browser(); // starts while the nodes come up
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w1, w2), "w1", "w2");
    browser.open(master.url() + "/?token=" + token); // kept in a cookie, then gone from the URL
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

  @Test
  @Order(1)
  void showsBothWorkersAndAJobFromTheCliTurnsSucceededWithoutAReload() {
    browser.await("both workers in the table", PAGE,
        d -> browser.all("#workers tr[data-worker=w1]").size() == 1
            && browser.all("#workers tr[data-worker=w2]").size() == 1);
    assertEquals(master.url() + "/", browser.driver().getCurrentUrl(), "the token left the URL");
    assertEquals(3, browser.all("#workers .slot").size(), "2 + 1 slots as blocks");
    browser.script("window.notReloaded = 42");

    Node submit = pool.swamp(master, pool.logDir(), Map.of("SWAMP_API_TOKEN", token),
        "submit", "--", "echo", "hello from the dashboard test");
    assertEquals(0, submit.awaitExit(CLI), submit.tail(20));
    String id = submit.output().strip();

    browser.await("job " + id + " to show SUCCEEDED", PAGE,
        d -> "SUCCEEDED".equals(browser.text("#jobs tr[data-job=" + id + "] .state-cell")));
    assertEquals(42L, browser.script("return window.notReloaded"), "the page was not reloaded");
    assertEquals("submitted (" + browser.script("return ZONE") + ")", browser.text("#jobs thead th.time"));
    assertTrue(browser.text("#jobs tr[data-job=" + id + "] td.took").matches("[0-9.]+ m?s"),
        "how long it took: " + browser.text("#jobs tr[data-job=" + id + "] td.took"));

    // a long command line is cut short in its cell: the job's worker, run and exit stay in view
    List<String> longArgv = new java.util.ArrayList<>(List.of("echo"));
    for (int m = 1; m <= 60; m++) {
      longArgv.add(String.format("ensemble/member_%02d/atmosphere_monthly_mean_T.nc", m));
    }
    String longId = master.submit(Map.of("argv", longArgv));
    browser.await("job " + longId + " to show SUCCEEDED", PAGE,
        d -> "SUCCEEDED".equals(browser.text("#jobs tr[data-job=" + longId + "] .state-cell")));
    assertEquals(String.join(" ", longArgv), browser.script(
        "return document.querySelector('#jobs tr[data-job=" + longId + "] td.long').title"), "the whole line, pointed at");
    List<?> overflow = (List<?>) browser.script("const exit = document.querySelector('#jobs tr[data-job=" + longId
        + "] td:last-child').getBoundingClientRect();"
        + " return [document.documentElement.scrollWidth - document.documentElement.clientWidth,"
        + " exit.right - window.innerWidth]");
    assertEquals(0L, ((Number) overflow.get(0)).longValue(), "no sideways scrolling: " + overflow);
    assertTrue(((Number) overflow.get(1)).doubleValue() <= 0, "the exit column in view: " + overflow);
    // the plot's time axis spans what the page has seen, at least a minute (not years: uPlot's own
    // range for a few samples)
    double span = browser.await("the plot", PAGE, d -> (Number) browser.script(
        "return state.plot ? state.plot.scales.x.max - state.plot.scales.x.min : null")).doubleValue();
    assertTrue(span >= 59 && span <= 3610, "seconds on the time axis: " + span);
    browser.screenshot("dashboard-pool");

    // a job no worker can take says so on its row, and why when pointed at
    String gpu = master.submit(Map.of("argv", List.of("nvidia-smi"), "requires", List.of("gpu")));
    String stuck = "#jobs tr[data-job=" + gpu + "] .stuck";
    browser.await("job " + gpu + " to say no worker can take it", PAGE,
        d -> "no worker can take it".equals(browser.text(stuck)));
    assertTrue(String.valueOf(browser.script("return document.querySelector('" + stuck + "').title"))
        .contains("no registered worker offers label gpu"), "why, pointed at");
    master.delete("/api/jobs/" + gpu);
    browser.await("the cancelled job's row to say nothing more", PAGE, d -> browser.all(stuck).isEmpty());

    // the page names no favicon it does not have (a 404 in the console on every load)
    assertEquals("data:,", browser.script("return document.querySelector('link[rel=icon]').getAttribute('href')"));
    assertEquals(List.of("1 worker", "2 workers"), browser.script("return [plural(1, 'worker'), plural(2, 'worker')]"));
    assertTrue(browser.text("#summary").startsWith("2 workers"), browser.text("#summary"));
    assertEquals(List.of("state", "worker", "program", "run"), browser.script(
        "return [...document.querySelectorAll('#filters label')].map(l => l.firstChild.textContent.trim())"),
        "each filter has a label");

    // a job's row opens with the keyboard too: its id is a link
    browser.type("#jobs tr[data-job=" + id + "] a", org.openqa.selenium.Keys.ENTER);
    browser.await("the job's page with its output", PAGE,
        d -> browser.text("#job-stdout") != null
            && browser.text("#job-stdout").contains("hello from the dashboard test"));
    assertTrue(browser.text("#job-facts").contains("echo"), browser.text("#job-facts"));
    // times in the browser's zone, said where they are shown, and how long the job took
    String zone = (String) browser.script("return ZONE");
    String facts = browser.text("#job-facts");
    assertTrue(facts.matches("(?s).*submitted\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d "
        + java.util.regex.Pattern.quote(zone) + "\\s.*") && facts.matches("(?s).*took\\s+[0-9.]+ m?s\\s.*"), facts);
    browser.screenshot("dashboard-job");
  }

  /**
   * Jobs a worker holds for its next free slot are RUNNING to the API: the page counts them
   * apart, so "running" is never more than the pool's slots.
   */
  @Test
  @Order(10)
  void jobsHeldForAWorkersNextSlotAreNotCountedAsRunning() {
    int slots = 0;
    for (JsonNode w : master.get("/api/workers").json()) {
      slots += w.path("slots").asInt();
    }
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < slots + 3; i++) { // each slot runs one; the rest wait, some on the workers
      ids.add(master.submit(Map.of("argv", List.of("sleep", "300"))));
    }
    int all = slots;
    int[] ahead = {0};
    Await.until("every slot busy and jobs held ahead on the workers", PAGE, () -> {
      int busy = 0;
      ahead[0] = 0;
      for (JsonNode w : master.get("/api/workers").json()) {
        busy += w.path("busy").asInt();
        ahead[0] += w.path("waiting").asInt();
      }
      return busy == all && ahead[0] > 0;
    });
    browser.open(master.url() + "/");
    browser.await("the summary to count the jobs held ahead apart", PAGE,
        d -> browser.text("#summary").contains(all + " running \u00b7 " + ahead[0] + " next on a worker"));
    assertTrue(browser.text("#workers").contains("next: "), browser.text("#workers"));
    ids.forEach(id -> master.delete("/api/jobs/" + id));
    ids.forEach(id -> master.awaitFinished(id, PAGE));
  }

  @Test
  @Order(2)
  void theCancelButtonCancelsARunningSleep() {
    String id = master.submit(Map.of("argv", List.of("sleep", "300")));
    browser.open(master.url() + "/#job/" + id);
    browser.await("job " + id + " to show RUNNING", PAGE,
        d -> "RUNNING".equals(browser.text("#job-state")));

    // asked first: "Keep it" and Escape leave the job running; Tab to the other answer and Enter cancel it
    browser.click("#cancel");
    awaitQuestion("Cancel job " + id + " (sleep 300)?");
    assertTrue(browser.text("#ask-text").contains("killed"), browser.text("#ask-text"));
    browser.click("#ask-no");
    awaitNoQuestion();
    browser.click("#cancel");
    awaitQuestion("Cancel job " + id + " (sleep 300)?");
    assertEquals("ask-no", browser.script("return document.activeElement.id"), "the harmless answer has the focus");
    browser.type("#ask-no", org.openqa.selenium.Keys.ESCAPE);
    awaitNoQuestion();
    assertEquals("RUNNING", master.job(id).path("state").asText(), "kept running");
    browser.click("#cancel");
    awaitQuestion("Cancel job " + id + " (sleep 300)?");
    browser.type("#ask-no", org.openqa.selenium.Keys.TAB);
    browser.driver().switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.ENTER);
    JsonNode job = master.awaitFinished(id, PAGE);
    assertEquals("CANCELLED", job.path("state").asText(), job.toString());
    browser.await("the page to show CANCELLED", PAGE,
        d -> "CANCELLED".equals(browser.text("#job-state")));
    browser.screenshot("dashboard-cancelled");

    // a job the master does not know: the error alone, not the last job's details under it
    browser.script("location.hash = '#job/j999999'");
    browser.await("the page to say there is no job j999999", PAGE,
        d -> browser.one("#error").isDisplayed() && browser.text("#error").contains("no job j999999"));
    assertTrue(!browser.one("#job").isDisplayed() && !browser.one("#cancel").isDisplayed(),
        "no job page, no Cancel button");
    assertEquals("", browser.script("return document.querySelector('#job-facts').textContent"
        + " + document.querySelector('#job-stdout').textContent"), "the last job's details are gone");
  }

  @Test
  @Order(3)
  void aScriptsRunShowsEachCommandAsANodeColouredByState() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Files.createDirectories(pool.logDir().resolve("run"));
    // c.txt needs a.txt and b.txt, the count needs c.txt: a graph of three layers
    // and the echo after a failed ls does not run, as under bash
    java.nio.file.Files.writeString(dir.resolve("steps.swamp"), String.join("\n",
        "echo one > a.txt", "sleep 2", "echo two > b.txt", "cat a.txt b.txt > c.txt",
        "wc -c c.txt", "echo a command longer than its box, shown whole when its box is selected > long.txt",
        "ls nope.txt > /dev/null 2>&1 && echo never > never.txt", ""));
    browser.open(master.url() + "/");
    browser.script("window.notReloaded = 43");
    Node run = pool.swamp(master, dir, Map.of("SWAMP_API_TOKEN", token), "run", "steps.swamp");
    String runId = Await.value("the run to be registered", CLI, () -> {
      JsonNode runs = master.get("/api/runs").json();
      return runs.size() == 0 ? null : runs.get(0).path("id").asText();
    });
    browser.script("location.hash = '#run/" + runId + "'");
    int commands = master.get("/api/runs/" + runId).json().path("commands").size();
    browser.await("the graph's " + commands + " commands: the ls FAILED, the echo after it NOT_RUN,"
        + " the others SUCCEEDED", CLI,
        d -> browser.all("#graph g.node").size() == commands
            && browser.all("#graph g.node[data-state=SUCCEEDED]").size() == commands - 2
            && browser.all("#graph g.node[data-state=FAILED]").size() == 1
            && browser.all("#graph g.node[data-state=NOT_RUN]").size() == 1);
    assertEquals(2, run.awaitExit(CLI), "the ls's status, as bash's\n" + run.tail(20));
    browser.script("location.hash = ''");
    browser.await("the list of runs to count the command not run", CLI,
        d -> browser.all("#runs tbody tr[data-run='" + runId + "'] td").size() == 10
            && browser.all("#runs tbody tr[data-run='" + runId + "'] td").get(9).getText().equals("1"));
    // its counts, cancelled among them, add up to its commands
    assertEquals("cancelled", browser.text("#runs thead th:nth-child(6)"));
    List<Integer> counts = ((List<?>) browser.script("return [...document.querySelectorAll("
        + "\"#runs tbody tr[data-run='" + runId + "'] td\")].slice(2).map(td => Number(td.textContent))"))
        .stream().map(n -> ((Number) n).intValue()).toList();
    assertEquals(counts.get(0), counts.subList(1, counts.size()).stream().mapToInt(Integer::intValue).sum(),
        "commands = succeeded + failed + cancelled + running + queued + waiting + not run: " + counts);
    // the runs come before the jobs, which may be 500 rows
    assertTrue((Boolean) browser.script("return document.querySelector('#runs').getBoundingClientRect().top"
        + " < document.querySelector('#jobs').getBoundingClientRect().top"), "the runs above the jobs");
    browser.script("location.hash = '#run/" + runId + "'");
    assertEquals(43L, browser.script("return window.notReloaded"), "it updated without a reload");
    assertEquals("[3]", master.get("/api/runs/" + runId).json().path("commands").get(4)
        .path("dependsOn").toString(), "the count depends on the cat");
    // each box's lines stay inside it, cut short; pointed at, it says the whole line and its job
    assertEquals(0L, browser.script("return [...document.querySelectorAll('#graph g.node')].filter(g => {"
        + " const box = g.querySelector('rect').getBBox();"
        + " return [...g.querySelectorAll('text')].some(t => t.getBBox().x + t.getBBox().width > box.x + box.width); }).length"));
    String title = (String) browser.script("return document.querySelector('#graph g.node[data-step=\"3\"] title').textContent");
    assertTrue(title.startsWith("line 4: cat a.txt b.txt > c.txt\nSUCCEEDED \u00b7 j") && title.matches("(?s).* @ w[12]"), title);
    // the box cuts the long command; pointed at, its title holds the whole; reached with the
    // keyboard and Enter, the page shows the whole of it, and it stays selected through redraws
    String longLine = "echo a command longer than its box, shown whole when its box is selected > long.txt";
    String longBox = "#graph g.node[data-step=\"5\"]";
    assertTrue(((String) browser.script("return document.querySelector('" + longBox + " title').textContent"))
        .startsWith("line 6: " + longLine));
    browser.script("document.querySelector('" + longBox + "').focus()");
    browser.type(longBox, org.openqa.selenium.Keys.ENTER);
    browser.await("the whole command shown", PAGE, d -> longLine.equals(browser.text("#graph-node .command")));
    assertTrue(browser.text("#graph-node .facts").startsWith("step 5, line 6 \u00b7 SUCCEEDED, exit 0, on w"),
        browser.text("#graph-node .facts"));
    assertEquals("5", browser.script("return document.activeElement.dataset.step"), "the box keeps the focus");
    browser.screenshot("dashboard-run");
  }

  @Test
  @Order(4)
  void dismissEndsAWorkerWhoseRowGoesAway() {
    Node w3 = pool.worker(master, "w3", "--slots", "1", "--capability", "w3only");
    master.awaitWorkers(Pool.STARTUP, List.of(w3), "w1", "w2", "w3");
    browser.open(master.url() + "/");
    browser.await("w3's row", PAGE, d -> browser.all("#workers tr[data-worker=w3] button").size() == 1);

    // with a job running on it and one waiting there for its slot, the question says what becomes of each
    List<String> held = List.of(master.submit(Map.of("argv", List.of("sleep", "300"), "requires", List.of("w3only"))),
        master.submit(Map.of("argv", List.of("sleep", "300"), "requires", List.of("w3only"))));
    browser.await("w3 running one job, the other next on it", PAGE,
        d -> String.valueOf(browser.text("#workers tr[data-worker=w3]")).contains("next: "));
    browser.click("#workers tr[data-worker=w3] button");
    awaitQuestion("Dismiss worker w3?");
    assertEquals("It takes no new job, finishes its 1 running job and exits; 1 job waiting on it for a slot"
        + " goes back to the queue.", browser.text("#ask-text"));
    browser.click("#ask-no");
    awaitNoQuestion();
    assertEquals(java.util.Set.of("w1", "w2", "w3"), master.workerIds(), "w3 kept");
    held.forEach(id -> master.delete("/api/jobs/" + id));
    held.forEach(id -> master.awaitFinished(id, PAGE));

    browser.click("#dismiss-all");
    awaitQuestion("Dismiss all 3 workers?");
    browser.type("#ask-no", org.openqa.selenium.Keys.ESCAPE);
    awaitNoQuestion();
    assertEquals(java.util.Set.of("w1", "w2", "w3"), master.workerIds(), "every worker kept");

    browser.await("w3 idle", PAGE, d -> "".equals(browser.text("#workers tr[data-worker=w3] td.long")));
    browser.click("#workers tr[data-worker=w3] button");
    awaitQuestion("Dismiss worker w3?");
    assertEquals("It has no job running: it exits now.", browser.text("#ask-text"));
    browser.click("#ask-yes");
    assertEquals(0, w3.awaitExit(Pool.STARTUP), "a dismissed worker exits 0\n" + w3.tail(20));
    browser.await("w3's row to go", PAGE, d -> browser.all("#workers tr[data-worker=w3]").isEmpty());
    assertEquals(java.util.Set.of("w1", "w2"), master.workerIds());
  }

  @Test
  @Order(5)
  void aJobWhoseWorkerIsKilledShowsBothAttemptsWithTheirWorkersOnItsPageAndInTheApi() {
    Node first = pool.worker(master, "w4", "--slots", "1", "--capability", "attempts");
    master.awaitWorkers(Pool.STARTUP, List.of(first), "w1", "w2", "w4");
    String id = master.submit(Map.of("argv", List.of("sleep", "300"),
        "requires", List.of("attempts")));
    Await.until("job " + id + " to run on w4", PAGE, () -> {
      JsonNode j = master.job(id);
      return j.path("state").asText().equals("RUNNING") && j.path("worker").asText().equals("w4");
    });
    Node second = pool.worker(master, "w5", "--slots", "1", "--capability", "attempts");
    master.awaitWorkers(Pool.STARTUP, List.of(second), "w1", "w2", "w4", "w5");
    browser.open(master.url() + "/#job/" + id);
    browser.await("the job's page with its one attempt, on w4", PAGE,
        d -> browser.all("#job-attempts tr[data-attempt]").size() == 1
            && "w4".equals(browser.text("#job-attempts tr[data-attempt='1'] td:nth-child(2)")));
    browser.script("window.notReloaded = 45");

    first.killHard(); // kill -9 mid-job
    browser.await("a second attempt, on w5, after w4's was lost", Duration.ofSeconds(90),
        d -> browser.all("#job-attempts tr[data-attempt]").size() == 2
            && "w5".equals(browser.text("#job-attempts tr[data-attempt='2'] td:nth-child(2)"))
            && "RUNNING".equals(browser.text("#job-state")));
    assertEquals(45L, browser.script("return window.notReloaded"), "the page was not reloaded");
    String lost = browser.text("#job-attempts tr[data-attempt='1'] td:nth-child(5)");
    assertTrue(lost.contains("w4") && lost.contains("lost"), lost);
    browser.screenshot("dashboard-attempts");

    JsonNode history = master.job(id).path("history");
    assertEquals(2, history.size(), history.toString());
    assertEquals("w4", history.get(0).path("worker").asText(), history.toString());
    assertEquals("w5", history.get(1).path("worker").asText(), history.toString());
    assertTrue(history.get(0).path("outcome").asText().startsWith("requeued: worker w4 lost"),
        history.toString());
    assertTrue(!history.get(0).path("endedAt").isNull() && history.get(1).path("endedAt").isNull()
        && !history.get(1).path("startedAt").isNull(), "w4's ended, w5's runs: " + history);

    // dismissed while it runs the job, w5 drains: its row says so, and its Dismiss button is off
    assertEquals(200, master.post("/api/workers/w5/dismiss", Map.of()).status());
    browser.open(master.url() + "/");
    browser.await("w5 draining, its Dismiss button disabled", PAGE,
        d -> "draining".equals(browser.text("#workers tr[data-worker=w5] .state"))
            && !browser.one("#workers tr[data-worker=w5] button").isEnabled());
    master.delete("/api/jobs/" + id);
    assertEquals("CANCELLED", master.awaitFinished(id, PAGE).path("state").asText());
    assertEquals(0, second.awaitExit(Pool.STARTUP), "a dismissed worker exits 0 once its job ended\n" + second.tail(20));
  }

  /**
   * A job that ends while the page reads the job list (a slow answer, a master back from a
   * restart): the page shows how it ended, where the list, older than the push, used to
   * overwrite it and leave the job RUNNING for good under "live".
   */
  @Test
  @Order(6)
  void aJobThatEndsWhileThePageReadsTheListShowsHowItEnded() {
    String id = master.submit(Map.of("argv", List.of("sleep", "300")));
    browser.open(master.url() + "/#job/" + id);
    browser.await("job " + id + " to show RUNNING", PAGE, d -> "RUNNING".equals(browser.text("#job-state")));
    // the page's next answer to /api/jobs? is held in the browser until the test lets it go
    browser.script("window.held = false; const real = window.fetch;"
        + " window.fetch = async (path, options) => { const r = await real(path, options);"
        + "   if (String(path).startsWith('/api/jobs?') && !window.held) {"
        + "     window.held = true; window.fetch = real; await new Promise(go => { window.letGo = go; }); }"
        + "   return r; };"
        + " location.hash = '#pool';");
    browser.await("the job list read, and held", PAGE, d -> Boolean.TRUE.equals(browser.script("return window.held")));
    master.delete("/api/jobs/" + id);
    browser.await("the page to hear that " + id + " was cancelled", PAGE, d -> "CANCELLED".equals(
        browser.script("const j = state.jobs.get('" + id + "'); return j && j.state")));
    browser.script("window.letGo()");
    browser.await("the pool shown, its list read", PAGE, d -> browser.one("#pool").isDisplayed());
    assertEquals("CANCELLED", browser.text("#jobs tr[data-job=" + id + "] .state-cell"),
        "the row as the push said, not as the older list");
    assertTrue(browser.text("#summary").contains(" 0 running"), browser.text("#summary"));
  }

  /**
   * The page holds the newest 500 finished jobs: a queued job older than those stays in the table,
   * the table says what it leaves out, and a state filter shows that state's jobs as the master
   * has them, not only those the page holds.
   */
  @Test
  @Order(7)
  void aQueuedJobOlderThan500OthersStaysAndTheStateFiltersAskTheMaster() {
    List<String> failed = master.submitBatch(List.of(Map.of("argv", List.of("false")),
        Map.of("argv", List.of("false")), Map.of("argv", List.of("false"))));
    String stuck = master.submit(Map.of("argv", List.of("true"), "requires", List.of("nobody-has-it")));
    List<Map<String, Object>> many = new java.util.ArrayList<>();
    for (int i = 0; i < 501; i++) {
      many.add(Map.of("argv", List.of("true")));
    }
    browser.open(master.url() + "/");
    List<String> ids = master.submitBatch(many);
    Duration toEnd = Duration.ofSeconds(120); // 501 processes on 3 slots, on a busy machine
    failed.forEach(id -> master.awaitFinished(id, toEnd));
    master.awaitFinished(ids.get(ids.size() - 1), toEnd);
    JsonNode health = Await.value("the 501 jobs to end", toEnd, () -> {
      JsonNode h = master.health();
      return h.path("running").asInt() == 0 && h.path("queued").asInt() == 1 ? h : null;
    });
    int total = health.path("queued").asInt() + health.path("succeeded").asInt()
        + health.path("failed").asInt() + health.path("cancelled").asInt();

    browser.await("a note of what the table leaves out", PAGE,
        d -> String.valueOf(browser.text("#jobs-note")).contains(" of " + total + " jobs"));
    browser.screenshot("dashboard-many-jobs");
    for (int page = 1; page < 10 && browser.one("#jobs-older").isEnabled(); page++) {
      browser.click("#jobs-older"); // the table shows 100 rows a page, the oldest last
    }
    browser.await("the queued job's row on the last page", PAGE,
        d -> browser.all("#jobs tr[data-job=" + stuck + "]").size() == 1);

    new org.openqa.selenium.support.ui.Select(browser.one("#f-state")).selectByVisibleText("QUEUED");
    browser.await("only the queued job, under the QUEUED filter", PAGE,
        d -> browser.all("#jobs tbody tr").size() == 1
            && browser.all("#jobs tr[data-job=" + stuck + "]").size() == 1);

    int failedCount = health.path("failed").asInt();
    assertTrue(failedCount >= 3 && failedCount <= 500, health.toString());
    new org.openqa.selenium.support.ui.Select(browser.one("#f-state")).selectByVisibleText("FAILED");
    browser.await("every one of the " + failedCount + " failed jobs under the FAILED filter", PAGE,
        d -> browser.all("#jobs tbody tr").size() == failedCount
            && failed.stream().allMatch(id -> browser.all("#jobs tr[data-job=" + id + "]").size() == 1));

    new org.openqa.selenium.support.ui.Select(browser.one("#f-state")).selectByVisibleText("any state");
    browser.one("#f-program").sendKeys("true");
    browser.await("a note that the program filter searched only the jobs read here", PAGE,
        d -> String.valueOf(browser.text("#jobs-note")).matches("Filtered among the \\d+ of " + total + " jobs read here\\."));
    browser.one("#f-program").clear();
    browser.one("#f-program").sendKeys("no-such-program");
    browser.await("a table that says no job matches", PAGE,
        d -> browser.all("#jobs tbody tr").isEmpty()
            && String.valueOf(browser.text("#jobs-note")).startsWith("No job matches the filters"));
    browser.one("#f-program").clear();
    master.delete("/api/jobs/" + stuck);
    master.awaitFinished(stuck, PAGE);
  }

  /**
   * A second master on the same host, alone, runs jobs itself (local-exec): its own slots show as
   * a row of the Workers table, where its jobs seemed to run nowhere. And the two masters keep
   * their tokens in cookies of their own: opening one no longer logs the page of the other out.
   */
  @Test
  @Order(8)
  void aMasterAloneShowsItsOwnSlotsAndTwoMastersOnOneHostKeepTheirTokens() {
    String aloneToken = "alone-" + UUID.randomUUID();
    Master alone = pool.startMaster(Map.of("SWAMP_API_TOKEN", aloneToken), List.of()).apiToken(aloneToken);
    alone.awaitHealthy(Pool.STARTUP);
    String id = alone.submit(Map.of("argv", List.of("sleep", "300")));
    browser.open(alone.url() + "/?token=" + aloneToken);
    browser.await("the master's own row, running " + id, PAGE,
        d -> browser.all("#workers tr[data-worker=master] .slot.busy").size() == 1
            && String.valueOf(browser.text("#workers tr[data-worker=master]")).contains(id));
    assertEquals("master (local-exec when-no-workers)",
        browser.text("#workers tr[data-worker=master] td:first-child"));
    assertTrue(browser.all("#workers tr[data-worker=master] button").isEmpty(), "no Dismiss button");
    assertTrue(!browser.one("#dismiss-all").isEnabled(), "no worker to dismiss: Dismiss all is off");
    browser.screenshot("dashboard-local-exec");
    alone.delete("/api/jobs/" + id);
    alone.awaitFinished(id, PAGE);

    // each master's page still opens with the cookie it set, the other's beside it
    browser.open(master.url() + "/");
    browser.await("the first master's page, live", PAGE, d -> "live".equals(browser.text("#live"))
        && browser.all("#workers tr[data-worker=w1]").size() == 1);
    assertTrue(!browser.one("#token-needed").isDisplayed(), "no token asked for");
    browser.open(alone.url() + "/");
    browser.await("the second master's page, live", PAGE, d -> "live".equals(browser.text("#live"))
        && browser.all("#workers tr[data-worker=master]").size() == 1);
    assertEquals(java.util.Set.of("swamp_token_" + master.httpPort(), "swamp_token_" + alone.httpPort()),
        browser.driver().manage().getCookies().stream().map(org.openqa.selenium.Cookie::getName)
            .collect(java.util.stream.Collectors.toSet()));
    alone.killHard();
  }

  /**
   * On a phone (390 px wide) neither the pool nor a job's page with a long argument without
   * spaces scrolls sideways: the argument wraps, and wide tables and the plot scroll or shrink
   * within the page.
   */
  @Test
  @Order(9)
  void onAPhoneNoPageScrollsSideways() {
    String longArgument = "/data/" + "ensemble_member_atmosphere_monthly_mean_".repeat(8) + "T.nc";
    String id = master.submit(Map.of("argv", List.of("echo", longArgument)));
    master.awaitFinished(id, PAGE);
    org.openqa.selenium.Dimension wide = browser.driver().manage().window().getSize();
    browser.driver().manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
    try {
      browser.open(master.url() + "/#job/" + id);
      browser.await("the job's page with its output", PAGE,
          d -> String.valueOf(browser.text("#job-stdout")).contains("T.nc"));
      assertEquals(0L, browser.script("return document.documentElement.scrollWidth"
          + " - document.documentElement.clientWidth"), "the job's page scrolls sideways");
      browser.screenshot("dashboard-job-phone");
      browser.script("location.hash = ''");
      browser.await("the pool, with the plot", PAGE, d -> browser.one("#pool").isDisplayed()
          && !browser.all("#plot .uplot").isEmpty());
      assertEquals(0L, browser.script("return document.documentElement.scrollWidth"
          + " - document.documentElement.clientWidth"), "the pool scrolls sideways");
      browser.screenshot("dashboard-pool-phone");
    } finally {
      browser.driver().manage().window().setSize(wide);
    }
  }

  /**
   * The plot shows the recent past as the page opens: the master keeps a sample every 5 s for an
   * hour, and the page draws them before its own samples, where it started empty on every load.
   */
  @Test
  @Order(11)
  void thePlotShowsTheMastersHistoryAsThePageOpens() {
    JsonNode history = Await.value("two samples in the master's history", PAGE, () -> {
      JsonNode h = master.get("/api/history").json();
      return h.path("samples").size() >= 2 ? h : null;
    });
    assertEquals(5, history.path("interval").asInt(), history.toString());
    JsonNode sample = history.path("samples").get(0);
    assertTrue(sample.has("at") && sample.has("queued") && sample.has("running")
        && sample.has("finishedPerSecond"), sample.toString());

    browser.open(master.url() + "/");
    browser.await("samples from before the page opened on the plot", PAGE, d -> Boolean.TRUE.equals(
        browser.script("const t = state.series[0], q = state.series[1];"
            + " return state.plot !== null && t.length >= 2 && t[0] < performance.timeOrigin / 1000 - 4"
            + " && q[0] !== null")));
    assertTrue(browser.text("#plot-note").contains("The master started at"), browser.text("#plot-note"));
    browser.screenshot("dashboard-history");
  }

  /**
   * A user copies a job's command from the table, or from a job's page while it runs: the page
   * redraws what changed, so the selection in a row that did not change survives, where every
   * redraw used to end it.
   */
  @Test
  @Order(12)
  void aSelectionInARowThatDidNotChangeSurvivesRedraws() {
    String done = master.submit(Map.of("argv", List.of("echo", "copy", "me")));
    master.awaitFinished(done, PAGE);
    browser.open(master.url() + "/");
    browser.await("job " + done + " in the table", PAGE,
        d -> "SUCCEEDED".equals(browser.text("#jobs tr[data-job=" + done + "] .state-cell")));
    select("#jobs tr[data-job=" + done + "] td.long");
    for (int i = 0; i < 2; i++) { // two redraws at least: each job is pushed as it runs and ends
      String next = master.submit(Map.of("argv", List.of("true")));
      browser.await("job " + next + " to show SUCCEEDED", PAGE,
          d -> "SUCCEEDED".equals(browser.text("#jobs tr[data-job=" + next + "] .state-cell")));
    }
    assertEquals("echo copy me", browser.script("return String(getSelection())"), "the selection is kept");
    assertEquals(true, browser.script("return window.selected.isConnected"), "the row is the same element");

    String running = master.submit(Map.of("argv", List.of("sleep", "300")));
    browser.open(master.url() + "/#job/" + running);
    browser.await("job " + running + " to show RUNNING", PAGE, d -> "RUNNING".equals(browser.text("#job-state")));
    select("#job-facts div[data-key=command] dd");
    master.delete("/api/jobs/" + running);
    browser.await("the page to show CANCELLED", PAGE, d -> "CANCELLED".equals(browser.text("#job-state")));
    assertEquals("sleep 300", browser.script("return String(getSelection())"), "the command's selection is kept");
  }

  /**
   * A run's page cancels the run's queued and running jobs, once asked; bin/swamp run takes each
   * as a command that failed and goes on with the script (here, it ends).
   */
  @Test
  @Order(13)
  void aRunsJobsAreCancelledFromItsPageOnceTheUserSaysSo() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Files.createDirectories(pool.logDir().resolve("run-cancel"));
    java.nio.file.Files.writeString(dir.resolve("long.swamp"), "sleep 300\necho after\n");
    Node run = pool.swamp(master, dir, Map.of("SWAMP_API_TOKEN", token), "run", "long.swamp");
    String runId = Await.value("the run to be registered", CLI, () -> {
      for (JsonNode r : master.get("/api/runs").json()) {
        if (r.path("name").asText().equals("long.swamp")) {
          return r.path("id").asText();
        }
      }
      return null;
    });
    browser.open(master.url() + "/#run/" + runId);
    browser.await("the sleep running, the echo (which needs nothing of it) done", CLI,
        d -> browser.all("#graph g.node[data-state=RUNNING]").size() == 1
            && browser.all("#graph g.node[data-state=SUCCEEDED]").size() == 1
            && browser.one("#cancel-run").isDisplayed());
    browser.click("#cancel-run");
    awaitQuestion("Cancel the 1 job of run " + runId + " (long.swamp)?");
    assertTrue(browser.text("#ask-text").startsWith("1 running job is killed; each ends CANCELLED."),
        browser.text("#ask-text"));
    browser.click("#ask-yes");
    browser.await("the sleep CANCELLED", CLI,
        d -> browser.all("#graph g.node[data-state=CANCELLED]").size() == 1
            && browser.all("#graph g.node[data-state=SUCCEEDED]").size() == 1);
    assertEquals(0, run.awaitExit(CLI), "the script's last command, the echo, succeeded\n" + run.tail(20));
  }

  /**
   * A worker's page (its row clicked): what it offers and since when, the jobs it runs and holds
   * for its next slot, those it ran last with their exit codes, and its Dismiss button.
   */
  @Test
  @Order(14)
  void aWorkersPageShowsWhatItOffersItsJobsAndDismissesIt() {
    Node w6 = pool.worker(master, "w6", "--slots", "1", "--capability", "w6only");
    master.awaitWorkers(Pool.STARTUP, List.of(w6), "w1", "w2", "w6");
    String failed = master.submit(Map.of("argv", List.of("false"), "requires", List.of("w6only")));
    master.awaitFinished(failed, PAGE);
    List<String> sleeps = List.of(master.submit(Map.of("argv", List.of("sleep", "300"), "requires", List.of("w6only"))),
        master.submit(Map.of("argv", List.of("sleep", "301"), "requires", List.of("w6only"))));
    browser.open(master.url() + "/");
    browser.await("w6's row", PAGE, d -> !browser.all("#workers tr[data-worker=w6]").isEmpty());
    browser.click("#workers tr[data-worker=w6] td:nth-child(2)");
    browser.await("w6's page: one job running, one waiting for its slot, the failed one ended", PAGE,
        d -> browser.one("#worker").isDisplayed()
            && browser.all("#worker-running tr[data-job=" + sleeps.get(0) + "]").size() == 1
            && browser.all("#worker-waiting tr[data-job=" + sleeps.get(1) + "]").size() == 1
            && "1".equals(browser.text("#worker-recent tr[data-job=" + failed + "] td:last-child")));
    assertEquals("#worker/w6", browser.script("return location.hash"));
    String facts = browser.text("#worker-facts");
    for (String fact : List.of("host", "URL", "slots", "1 busy of 1", "capabilities", "w6only", "allowed programs",
        "sleep", "registered", "source", "joined by itself")) {
      assertTrue(facts.contains(fact), fact + " in\n" + facts);
    }
    browser.screenshot("dashboard-worker");

    browser.click("#dismiss-worker");
    awaitQuestion("Dismiss worker w6?");
    browser.click("#ask-no");
    awaitNoQuestion();
    assertTrue(master.workerIds().contains("w6"), "w6 kept");
    sleeps.forEach(id -> master.delete("/api/jobs/" + id));
    sleeps.forEach(id -> master.awaitFinished(id, PAGE));
    browser.await("w6 idle on its page", PAGE, d -> browser.all("#worker-running tbody tr").isEmpty()
        && browser.all("#worker-waiting tbody tr").isEmpty());
    browser.click("#dismiss-worker");
    awaitQuestion("Dismiss worker w6?");
    browser.click("#ask-yes");
    assertEquals(0, w6.awaitExit(Pool.STARTUP), "a dismissed worker exits 0\n" + w6.tail(20));
    browser.await("its page to say it is gone", PAGE, d -> "gone".equals(browser.text("#worker-state"))
        && browser.one("#worker-gone").isDisplayed());
    // a mistyped address: no worker of that id ever was, which "gone" said too
    browser.open(master.url() + "/#worker/never-was");
    browser.await("a worker never seen to be unknown, not gone", PAGE,
        d -> "unknown".equals(browser.text("#worker-state"))
            && browser.text("#worker-gone").startsWith("No worker of this id"));
  }

  /** A pipeline's page shows each of its stages, where it showed the first stage's argv alone. */
  @Test
  @Order(15)
  void aPipelinesPageShowsEachOfItsStages() {
    String id = master.submit(Map.of("argv", List.of("seq", "1", "20"), "pipeline", List.of(
        Map.of("argv", List.of("grep", "1")), Map.of("argv", List.of("wc", "-l")))));
    master.awaitFinished(id, PAGE);
    browser.open(master.url() + "/#job/" + id);
    browser.await("its three stages", PAGE, d -> browser.all("#job-facts ol.stages li").size() == 3);
    assertEquals(List.of("seq 1 20", "grep 1", "wc -l"), browser.script(
        "return [...document.querySelectorAll('#job-facts ol.stages li')].map(li => li.textContent)"));
    assertEquals("seq 1 20 | grep 1 | wc -l", browser.text("#job-facts div[data-key=command] dd"));
    assertEquals("11", browser.text("#job-stdout").strip(), "the last stage's output");
    browser.screenshot("dashboard-pipeline");

    browser.script("location.hash = ''");
    browser.await("the pool", PAGE, d -> browser.one("#pool").isDisplayed());
    browser.one("#f-program").sendKeys("wc");
    browser.await("the program filter to find it by a later stage's program", PAGE,
        d -> browser.all("#jobs tr[data-job=" + id + "]").size() == 1);
    browser.one("#f-program").clear();
  }

  /**
   * Every text the pool, a job's, a run's and a worker's page show stands out from its background
   * at 4.5:1 at least (WCAG AA), the graph's boxes too; the page has one theme.
   */
  @Test
  @Order(16)
  void everyTextHasTheContrastWcagAaAsksFor() {
    String failed = master.submit(Map.of("argv", List.of("false")));
    String stuck = master.submit(Map.of("argv", List.of("true"), "requires", List.of("nobody-has-it")));
    master.awaitFinished(failed, PAGE);
    browser.open(master.url() + "/");
    browser.await("the failed job and the one no worker can take", PAGE,
        d -> browser.all("#jobs tr[data-job=" + stuck + "] .stuck").size() == 1
            && "FAILED".equals(browser.text("#jobs tr[data-job=" + failed + "] .state-cell")));
    assertEquals(List.of(), lowContrast(), "texts below 4.5:1 on the pool's page");
    browser.open(master.url() + "/#job/" + failed);
    browser.await("the failed job's page", PAGE, d -> "FAILED".equals(browser.text("#job-state")));
    assertEquals(List.of(), lowContrast(), "texts below 4.5:1 on a job's page");
    browser.open(master.url() + "/#worker/w1");
    browser.await("w1's page", PAGE, d -> String.valueOf(browser.text("#worker-facts")).contains("host"));
    assertEquals(List.of(), lowContrast(), "texts below 4.5:1 on a worker's page");
    JsonNode runs = master.get("/api/runs").json();
    for (JsonNode run : runs) {
      browser.open(master.url() + "/#run/" + run.path("id").asText());
      browser.await("run " + run.path("id").asText() + "'s graph", PAGE, d -> !browser.all("#graph g.node").isEmpty());
      assertEquals(List.of(), lowContrast(), "texts below 4.5:1 on run " + run.path("id").asText() + "'s page");
    }
    master.delete("/api/jobs/" + stuck);
  }

  /** The texts the page shows below 4.5:1 on their background, each with its ratio. */
  private Object lowContrast() {
    return browser.script("const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);"
        + " const lum = c => c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })"
        + "   .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);"
        + " const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };"
        + " const bg = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);"
        + "   if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };"
        + " const low = [];"
        + " for (const e of document.querySelectorAll('body *')) {"
        + "   if (e.closest('svg') || e.disabled || !e.checkVisibility()) continue;"
        + "   if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;"
        + "   const r = ratio(rgb(getComputedStyle(e).color), bg(e));"
        + "   if (r < 4.5) low.push(e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 30) + ': ' + r.toFixed(2)); }"
        + " for (const t of document.querySelectorAll('#graph g.node text')) {"
        + "   const r = ratio(rgb(getComputedStyle(t).fill), rgb(getComputedStyle(t.parentNode.querySelector('rect')).fill));"
        + "   if (r < 4.5) low.push('graph ' + t.textContent + ': ' + r.toFixed(2)); }"
        + " return low;");
  }

  /**
   * The tab's title carries the pool's state, for a page in a background tab; what changes is
   * said through a polite live region: a job's page its job's end, the pool page the jobs that ended.
   */
  @Test
  @Order(17)
  void theTitleCarriesThePoolsStateAndChangesAreAnnounced() {
    assertEquals("polite", browser.script("return document.querySelector('#announce').getAttribute('aria-live')"));
    browser.open(master.url() + "/");
    browser.await("an idle pool's title", PAGE, d -> "swamp".equals(browser.driver().getTitle()));
    String id = master.submit(Map.of("argv", List.of("sleep", "300")));
    browser.await("the title to say one job runs", PAGE, d -> "(1 running) swamp".equals(browser.driver().getTitle()));
    browser.script("location.hash = '#job/" + id + "'");
    browser.await("job " + id + " to show RUNNING", PAGE, d -> "RUNNING".equals(browser.text("#job-state")));
    master.delete("/api/jobs/" + id);
    browser.await("its end said", PAGE, d -> String.valueOf(browser.script(
        "return document.querySelector('#announce').textContent")).contains("Job " + id + ": CANCELLED"));
    browser.await("the title back to the idle pool's", PAGE, d -> "swamp".equals(browser.driver().getTitle()));

    browser.script("location.hash = ''");
    String done = master.submit(Map.of("argv", List.of("true")));
    master.awaitFinished(done, PAGE);
    browser.await("the jobs that ended said", PAGE, d -> String.valueOf(browser.script(
        "return document.querySelector('#announce').textContent")).matches(".*\\d+ jobs? ended: .*succeeded.*"));
  }

  /** Waits for the page's question (the dialog that asks before Dismiss and Cancel) to ask {@code question}. */
  private void awaitQuestion(String question) {
    browser.await("the question \"" + question + "\"", PAGE, d -> browser.one("#ask").isDisplayed()
        && question.equals(browser.text("#ask-question")));
  }

  private void awaitNoQuestion() {
    browser.await("the question gone", PAGE, d -> !browser.one("#ask").isDisplayed());
  }

  /** Selects the text of the first element {@code css} selects, as a user's drag over it would. */
  private void select(String css) {
    browser.script("const e = document.querySelector('" + css + "'); const r = document.createRange();"
        + " r.selectNodeContents(e); getSelection().removeAllRanges(); getSelection().addRange(r);"
        + " window.selected = e;");
  }

  /**
   * A right-to-left override in an argument made a command read as another (rm -rf of one file
   * shown as of another): the job's page shows such invisible characters as escapes, in its
   * command and its argv.
   */
  @Test
  @Order(18)
  void aJobsPageShowsInvisibleCharactersAsEscapes() {
    String id = master.submit(Map.of("argv", List.of("echo", "\u202Ecod.nc")));
    master.awaitFinished(id, PAGE);
    browser.open(master.url() + "/#job/" + id);
    browser.await("job " + id + "'s output", PAGE,
        d -> browser.text("#job-stdout") != null && browser.text("#job-stdout").contains("cod.nc"));
    String facts = browser.text("#job-facts");
    assertTrue(facts.contains("echo $'\\u202Ecod.nc'") && facts.contains("[\"echo\",\"\\u202Ecod.nc\"]")
        && !facts.contains("\u202E"), facts);
  }

  /**
   * The master restarts (same token): the open page follows it again by itself, and its plot
   * leaves a gap for the time the master was down instead of a straight line across it.
   */
  @Test
  @Order(50)
  void aMasterRestartLeavesAGapInThePlot() {
    browser.open(master.url() + "/");
    browser.await("the live feed and two samples", PAGE, d -> "live".equals(browser.text("#live"))
        && ((Number) browser.script("return state.series[0].length")).intValue() >= 2);
    browser.script("window.notReloaded = 50");
    master.killHard();
    master.awaitExit(Duration.ofSeconds(10));
    browser.await("the page to see the master gone", PAGE, d -> !"live".equals(browser.text("#live")));
    master = pool.restartMaster(master, Map.of("SWAMP_API_TOKEN", token), "--local-exec", "never").apiToken(token);
    master.awaitHealthy(Pool.STARTUP);
    browser.await("the page live again, with samples on both sides of a gap", Duration.ofSeconds(90),
        d -> "live".equals(browser.text("#live")) && Boolean.TRUE.equals(browser.script(
            "const q = state.series[1], gap = q.indexOf(null); return gap > 0 && gap < q.length - 1")));
    assertEquals(50L, browser.script("return window.notReloaded"), "the page was not reloaded");
  }

  @Test
  @Order(60)
  void withoutTheTokenThePageShowsNoData() {
    browser.driver().manage().deleteAllCookies();
    browser.open(master.url() + "/");
    browser.await("the page to ask for the token", PAGE,
        d -> browser.one("#token-needed").isDisplayed());
    assertTrue(browser.all("#workers tbody tr").isEmpty() && browser.all("#jobs tbody tr").isEmpty(),
        "no worker or job shows");
    assertTrue(!browser.one("#pool").isDisplayed(), "the pool's tables are hidden");
    browser.screenshot("dashboard-token");
    // and neither the live feed nor the metrics answer without it
    assertEquals(401, master.request("GET", "/api/events", Map.of(), null).status());
    assertEquals(401, master.request("GET", "/metrics", Map.of(), null).status());
    assertEquals(401, master.request("GET", "/api/history", Map.of(), null).status());
    assertEquals("no token", browser.text("#live"), "nothing is connecting while the page waits");

    // a wrong token in the URL: 401, no cookie, and the page asks again, saying so
    assertEquals(401, master.request("GET", "/?token=wrong", Map.of(), null).status());
    browser.open(master.url() + "/?token=wrong");
    browser.await("the page to say the token was wrong", PAGE,
        d -> browser.one("#token-wrong").isDisplayed());
    assertTrue(browser.text("#token-wrong").contains("not this master's API token"),
        browser.text("#token-wrong"));
    assertTrue(browser.one("#token-form").isDisplayed(), "the form, not the master's JSON");
    assertEquals(master.url() + "/", browser.driver().getCurrentUrl(), "the wrong token left the URL");
    assertEquals(null, browser.driver().manage().getCookieNamed("swamp_token_" + master.httpPort()), "no cookie");
  }

  /**
   * A master restarted with another token: the open page's feed is refused (401), and the page
   * asks for the new token by itself, where it showed "reconnecting" with the old numbers until
   * a reload.
   */
  @Test
  @Order(70)
  void aMasterBackWithAnotherTokenIsAskedForItWithoutAReload() {
    browser.open(master.url() + "/?token=" + token);
    browser.await("the live feed", PAGE, d -> "live".equals(browser.text("#live")));
    browser.script("window.notReloaded = 7");
    master.killHard();
    master.awaitExit(Duration.ofSeconds(10));
    String another = "dash-" + UUID.randomUUID();
    master = pool.restartMaster(master, Map.of("SWAMP_API_TOKEN", another), "--local-exec", "never").apiToken(another);
    master.awaitHealthy(Pool.STARTUP);
    browser.await("the page to ask for the new token", Duration.ofSeconds(90),
        d -> browser.one("#token-needed").isDisplayed());
    assertEquals(7L, browser.script("return window.notReloaded"), "the page was not reloaded");
  }

  /** Prints the tails of the processes when a test failed (the pool outlives each test). */
  static final class Tails implements org.junit.jupiter.api.extension.TestWatcher {
    @Override
    public void testFailed(org.junit.jupiter.api.extension.ExtensionContext c, Throwable cause) {
      c.getTestInstance().map(DashboardIT.class::cast).filter(t -> t.pool != null).ifPresent(t -> {
        if (t.browser != null) {
          t.browser.screenshot("failed-" + c.getRequiredTestMethod().getName());
        }
        System.err.println("==== " + c.getDisplayName() + " failed; the processes' output (logs in "
            + t.pool.logDir() + "):\n" + t.pool.tails(60));
      });
    }
  }
}
