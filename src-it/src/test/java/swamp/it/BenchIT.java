package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/swamp bench --quick} must not rot: it runs to the end and prints every row of its
 * table with figures. No figure is held to its goal here; the bench is a measurement, not a test.
 * It runs at the smoke sizes ({@code -Dswamp.bench.smoke=true}): every row through the code of a
 * quick run, on fewer jobs.
 */
@org.junit.jupiter.api.Order(1) // the longest class: started first (junit-platform.properties)
class BenchIT {

  /** Every measure of the table, as its first column names it. */
  static final List<String> MEASURES = List.of(
      "in-JVM dispatch",
      "registration, in-JVM",
      "memory, queued jobs",
      "dispatch cost, 1k queued",
      "dispatch cost, long queue",
      "cross-process dispatch",
      "cross-process, plain tcp",
      "cross-process, no fsync",
      "journal size",
      "process jobs",
      "process jobs / xargs -P2",
      "script of /bin/true, bin/swamp run",
      "script of /bin/true / xargs -P2",
      "sleep 0.05 efficiency",
      "process jobs, no prefetch",
      "sleep 0.05, no prefetch",
      "registration, worker JVMs",
      "kill -9 recovery");

  /** The bench's JVM flags (Lab's MASTER_JVM and DRY_WORKER_JVM), for a run of no figures. */
  static final String QUICK_JVMS = "-Dswamp.bench.master-jvm=-XX:+UseSerialGC,-XX:TieredStopAtLevel=1,-Xmx1g"
      + " -Dswamp.bench.dry-worker-jvm=-XX:+UseSerialGC,-XX:TieredStopAtLevel=1,-Xshare:auto,-Xmx256m";

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES) // beyond the bench's own 10; the default is 3
  void quickBenchPrintsEveryRowWithFigures() throws Exception {
    Path home = Path.of(System.getProperty("swamp.home", "..")).toAbsolutePath().normalize();
    Path logs = Path.of(System.getProperty("swamp.it.logs", home.resolve("src-it/target/it-logs")
        .toString())).resolve("BenchIT.quickBenchPrintsEveryRowWithFigures");
    Files.createDirectories(logs);
    Path out = logs.resolve("bench.out");
    Path err = logs.resolve("bench.err");
    ProcessBuilder b = new ProcessBuilder(home.resolve("bin/swamp").toString(), "bench", "--quick")
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    // no figure is kept: the JVMs it measures start on C1 alone, which costs half the CPU, and
    // so does the bench's own JVM, which only starts them and talks to them
    b.environment().merge("JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Dswamp.bench.smoke=true "
        + QUICK_JVMS, (a, c) -> a + " " + c);
    Process p = b.start();
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        fail("bench --quick did not finish in 10 minutes; see " + out + " and " + err);
      }
    } finally {
      // the bench ends what it starts, but not if it was killed itself
      List<ProcessHandle> left = p.descendants().toList();
      p.destroyForcibly();
      left.forEach(ProcessHandle::destroyForcibly);
    }
    String table = Files.readString(out);
    assertEquals(0, p.exitValue(), "bench --quick exit code; stdout:\n" + table + "\nstderr:\n"
        + tail(err));
    for (String measure : MEASURES) {
      List<String> cells = row(table, measure);
      // measure | size | n | median | min | max | unit | goal | peers
      assertTrue(cells.size() >= 9, "the row of '" + measure + "' has every column: " + cells);
      assertTrue(Integer.parseInt(cells.get(2)) >= 1, "'" + measure + "' was repeated: " + cells);
      for (int i = 3; i <= 5; i++) {
        assertTrue(cells.get(i).matches("[0-9][0-9,]*(\\.[0-9]+)?"),
            "'" + measure + "' has a number in column " + i + ": " + cells);
      }
    }
    List<String> sleep = row(table, "sleep 0.05 efficiency");
    assertTrue(sleep.get(8).matches("xargs -P2: [0-9.]+ % of ideal.*"),
        "the sleep row has xargs -P2's efficiency beside it, from the same run: " + sleep);
    assertTrue(table.contains("machine: ") && table.contains("java: "),
        "the machine and the JVM are named above the table:\n" + table);
    assertTrue(table.contains("smoke run"), "the smoke sizes were asked for:\n" + table);
    assertTrue(table.contains("uncounted warm-up rounds, with the master's CPU per job: "),
        "the cross-process warm-up rounds are reported:\n" + table);
  }

  /** The cells of the table row whose first cell is {@code measure}. */
  private static List<String> row(String table, String measure) {
    for (String line : table.split("\n")) {
      if (line.startsWith("|")) {
        List<String> cells = new ArrayList<>();
        for (String c : line.substring(1).split("\\|")) {
          cells.add(c.trim());
        }
        if (!cells.isEmpty() && cells.get(0).equals(measure)) {
          return cells;
        }
      }
    }
    return fail("no row for '" + measure + "' in:\n" + table);
  }

  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
