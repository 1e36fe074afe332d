package swamp.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Issue 12: a dashboard left open on a busy pool. Headless Chromium keeps the page open while two
 * workers of two slots run short jobs ({@code sleep 0.1}) submitted at a steady rate; every
 * minute it records the master's heap after a full GC ({@code jcmd PID GC.run}, then the used
 * size of its generations from {@code GC.heap_info}), the page's own JavaScript heap, and how long
 * a job just submitted takes to show SUCCEEDED on the page. It prints the series and writes it to
 * {@code target/dashboard-soak.txt}.
 *
 * <p>Not part of the CI suite: it runs only when asked, for as many minutes as asked:
 * <pre>mvn -B -o -pl src-it -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=DashboardSoakIT -Dswamp.soak.minutes=60 [-Dswamp.soak.rate=4]</pre>
 * The master keeps the last 2,000 finished jobs ({@code swamp.master.retain-finished}), so that
 * what its heap holds is the pool's steady state and what the page costs, not an hour of jobs.
 */
@ExtendWith(PoolExtension.class)
@EnabledIfSystemProperty(named = "swamp.soak.minutes", matches = "[0-9]+")
class DashboardSoakIT {

  static final Pattern USED = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K");

  /** One minute's figures. */
  record Sample(int minute, long heapKib, long pageHeapKib, long pageMillis, long submitted,
      long succeeded) {
    @Override
    public String toString() {
      return String.format("minute %3d  master heap after GC %7d KiB  page JS heap %7d KiB"
          + "  job -> SUCCEEDED on the page %5d ms  jobs submitted %6d, succeeded %6d", minute,
          heapKib, pageHeapKib, pageMillis, submitted, succeeded);
    }
  }

  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS) // it runs as many minutes as asked, then ends
  void aPageOpenForAnHourOnABusyPoolStaysResponsiveAndTheMastersHeapDoesNotGrow(Pool pool)
      throws Exception {
    int minutes = Integer.getInteger("swamp.soak.minutes");
    double rate = Double.parseDouble(System.getProperty("swamp.soak.rate", "4"));
    String token = "soak-" + java.util.UUID.randomUUID();
    Master master = pool.startMaster(Map.of("SWAMP_API_TOKEN", token),
        List.of("-Dswamp.master.retain-finished=2000"), "--local-exec", "never").apiToken(token);
    Node w1 = pool.worker(master, "w1", "--slots", "2");
    Node w2 = pool.worker(master, "w2", "--slots", "2");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w1, w2), "w1", "w2");

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong submitted = new AtomicLong();
    Thread load = new Thread(() -> {
      long every = (long) (1_000_000_000L / rate);
      long next = System.nanoTime();
      while (!stop.get()) {
        try {
          master.submit(Map.of("argv", List.of("sleep", "0.1")));
          submitted.incrementAndGet();
        } catch (RuntimeException e) {
          System.err.println("soak: a submit failed: " + e);
        }
        next += every;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
    }, "soak-load");

    List<Sample> series = new ArrayList<>();
    try (Browser browser = new Browser()) {
      browser.open(master.url() + "/?token=" + token);
      browser.await("both workers on the page", Duration.ofSeconds(60),
          d -> browser.all("#workers tr[data-worker]").size() == 2);
      load.start();
      Instant start = Instant.now();
      for (int minute = 0; minute <= minutes; minute++) {
        Instant due = start.plus(Duration.ofMinutes(minute));
        while (Instant.now().isBefore(due)) {
          Thread.sleep(Math.min(1000, Duration.between(Instant.now(), due).toMillis() + 1));
        }
        Sample s = sample(minute, master, browser, submitted.get());
        series.add(s);
        System.out.println("soak: " + s);
      }
    } finally {
      stop.set(true);
      load.join(10_000);
    }
    String report = summary(series, rate);
    System.out.println(report);
    Files.writeString(Path.of("target", "dashboard-soak.txt"), report);
    assertTrue(series.stream().allMatch(s -> s.pageMillis() >= 0 && s.pageMillis() < 30_000),
        report);
  }

  private static Sample sample(int minute, Master master, Browser browser, long submitted) {
    long heap = heapAfterGc(master.pid());
    Object js = browser.script("return performance.memory ? performance.memory.usedJSHeapSize : 0");
    long pageHeap = ((Number) js).longValue() / 1024;
    long t0 = System.nanoTime();
    String id = master.submit(Map.of("argv", List.of("echo", "probe " + minute)));
    // read in one script, as the page redraws its table: no element goes stale between calls
    String probe = "const c = document.querySelector('#jobs tr[data-job=" + id + "] .state-cell');"
        + " return c ? c.textContent : null";
    long millis;
    try {
      new WebDriverWait(browser.driver(), Duration.ofSeconds(120), Duration.ofMillis(20))
          .withMessage(() -> "job " + id + " to show SUCCEEDED on the page")
          .until(d -> "SUCCEEDED".equals(browser.script(probe)));
      millis = (System.nanoTime() - t0) / 1_000_000;
    } catch (org.openqa.selenium.TimeoutException e) {
      System.out.println("soak: minute " + minute + ": job " + id + " did not show SUCCEEDED on"
          + " the page within 120 s (the API says " + master.job(id).path("state").asText() + ")");
      millis = -1;
    }
    long succeeded = master.health().path("succeeded").asLong();
    return new Sample(minute, heap, pageHeap, millis, submitted, succeeded);
  }

  /** The used KiB of the JVM's heap generations right after a full collection. */
  static long heapAfterGc(long pid) {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    Matcher m = USED.matcher(info);
    long used = 0;
    int generations = 0;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
      generations++;
    }
    if (generations == 0) {
      throw new IllegalStateException("no generation's use in jcmd's GC.heap_info:\n" + info);
    }
    return used;
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command)
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String summary(List<Sample> series, double rate) {
    StringBuilder b = new StringBuilder("Dashboard soak: " + (series.size() - 1) + " minutes, "
        + rate + " jobs/s of sleep 0.1 on 2 workers x 2 slots, one headless Chromium page open\n");
    series.forEach(s -> b.append(s).append('\n'));
    Sample first = series.get(0);
    Sample last = series.get(series.size() - 1);
    long[] ms = series.stream().mapToLong(Sample::pageMillis).filter(t -> t >= 0).sorted()
        .toArray();
    long missed = series.stream().filter(t -> t.pageMillis() < 0).count();
    long maxHeap = series.stream().mapToLong(Sample::heapKib).max().orElse(0);
    b.append(String.format("master heap after GC: %d KiB at start, %d KiB at the end, %d KiB at"
        + " most; page JS heap %d -> %d KiB; job -> SUCCEEDED on the page: median %d ms, max %d ms"
        + " (%d probes not shown within 120 s); %d jobs succeeded%n", first.heapKib(),
        last.heapKib(), maxHeap, first.pageHeapKib(), last.pageHeapKib(),
        ms.length == 0 ? -1 : ms[ms.length / 2], ms.length == 0 ? -1 : ms[ms.length - 1], missed,
        last.succeeded()));
    return b.toString();
  }
}
