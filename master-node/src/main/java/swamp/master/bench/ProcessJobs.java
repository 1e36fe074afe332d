package swamp.master.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real jobs on one pool of two 1-slot worker JVMs: {@code /bin/true} beside {@code xargs -P2}
 * and Dask, a script of {@code /bin/true} through {@code bin/swamp run} ({@link TrueScript}),
 * {@code sleep 0.05} against the ideal and beside {@code xargs -P2}, then {@link KillRecovery}
 * on the same pool; then the first two again on a pool whose master does not prefetch ({@code
 * swamp.master.prefetch = 0}), to show what prefetch gains.
 */
final class ProcessJobs {
  static final String TRUE_NO_PREFETCH = "process jobs, no prefetch";
  static final String SLEEP_NO_PREFETCH = "sleep 0.05, no prefetch";

  private final Session session;
  private final Sizes sizes;

  ProcessJobs(Session session) {
    this.session = session;
    this.sizes = session.sizes;
  }

  /**
   * Process jobs, their ratio to xargs, the script of {@code /bin/true}, sleep efficiency and
   * kill -9 recovery, then the first two again without prefetch.
   */
  List<Row> rows() {
    Row trueRow = new Row("process jobs", Row.fmt(sizes.trueJobs(), 0)
        + " x /bin/true, 2 worker JVMs x 1 slot", "jobs/s", ">= 0.9 x xargs -P2", 0);
    Row ratio = new Row("process jobs / xargs -P2", "the same, each beside an xargs run", "ratio",
        ">= 0.90", 2);
    double ideal = sizes.sleepJobs() * 0.05 / 2;
    Row sleep = new Row("sleep 0.05 efficiency", sizes.sleepJobs() + " x sleep 0.05 on 2 slots,"
        + " ideal " + Row.fmt(ideal, 1) + " s", "% of ideal", ">= 97", 1);
    Row trueOff = new Row(TRUE_NO_PREFETCH, "the same, swamp.master.prefetch = 0", "jobs/s",
        "-", 0);
    Row sleepOff = new Row(SLEEP_NO_PREFETCH, "the same, swamp.master.prefetch = 0",
        "% of ideal", "-", 1);
    TrueScript script = new TrueScript(session);
    KillRecovery kill = new KillRecovery(session);
    List<Row> rows = List.of(trueRow, ratio, script.row, script.ratio, sleep, kill.row, trueOff,
        sleepOff);
    List<Double> xargs = new ArrayList<>();
    List<Double> xargsSleep = new ArrayList<>();
    session.measure("process pool", () -> {
      try (Pool pool = new Pool(session.lab, "proc")) {
        buildWorkerArchive(pool);
        List<String> live = new ArrayList<>(List.of("proc-1", "proc-2"));
        for (String id : live) {
          pool.startWorker(id, 1, false, false);
        }
        pool.awaitWorkers(live, Duration.ofMinutes(2));
        session.measure("process jobs beside xargs -P2",
            () -> trueJobs(pool, trueRow, ratio, xargs), trueRow, ratio);
        session.measure("script of /bin/true beside xargs -P2", () -> script.run(pool),
            script.row, script.ratio);
        session.measure("sleep efficiency beside xargs -P2",
            () -> sleepJobs(pool, sleep, ideal, xargsSleep), sleep);
        session.measure("kill -9 recovery", () -> kill.run(pool, live), kill.row);
      }
      try (Pool pool = new Pool(session.lab, "noprefetch", false,
          List.of("-Dswamp.master.prefetch=0"))) {
        List<String> live = List.of("off-1", "off-2");
        for (String id : live) {
          pool.startWorker(id, 1, false, false);
        }
        pool.awaitWorkers(live, Duration.ofMinutes(2));
        session.measure("process jobs, no prefetch",
            () -> trueJobs(pool, trueOff, null, null), trueOff);
        session.measure("sleep efficiency, no prefetch",
            () -> sleepJobs(pool, sleepOff, ideal, null), sleepOff);
      }
    }, rows.toArray(Row[]::new));
    Session.progress("Dask, " + sizes.trueJobs() + " x /bin/true ...");
    String daskTrue = Session.withSize(session.peers.dask("true", sizes.trueJobs(), sizes.reps(),
        "jobs/s", 0, Duration.ofMinutes(15)), "2 workers x 1 thread");
    trueRow.peer((xargs.isEmpty() ? "" : "xargs -P2: " + Peers.summary(xargs, "jobs/s", 0) + "; ")
        + daskTrue);
    ratio.peer("-");
    script.peers();
    sleep.peer(xargsSleep.isEmpty() ? "-"
        : "xargs -P2: " + Peers.summary(xargsSleep, "% of ideal", 1));
    trueOff.peer("with prefetch: " + Peers.summary(trueRow.samples, "jobs/s", 0));
    sleepOff.peer("with prefetch: " + Peers.summary(sleep.samples, "% of ideal", 1));
    kill.row.peer("-");
    return rows;
  }

  /**
   * Starts one worker that writes a class-data archive (AppCDS) when it exits, runs a few jobs
   * on it so that the job path's classes are in, and dismisses it; later worker JVMs start from
   * the archive.
   */
  private void buildWorkerArchive(Pool pool) throws Exception {
    Lab lab = session.lab;
    long t0 = System.nanoTime();
    Path archive = lab.dir.resolve("worker.jsa");
    Process p = pool.startWorker("cds", 1, false, true);
    pool.awaitWorkers(List.of("cds"), Duration.ofMinutes(2));
    pool.runJobs(Pool.bodies(Map.of("argv", List.of("true")), 4, 4), 4, Duration.ofMinutes(1));
    pool.post("/api/workers/cds/dismiss", new byte[0]);
    if (!p.waitFor(1, TimeUnit.MINUTES)) {
      throw new IllegalStateException("the archiving worker did not exit after Dismiss");
    }
    pool.workers.remove("cds");
    if (Files.exists(archive)) {
      lab.workerArchive = archive;
      session.notes.add("worker JVMs start from an AppCDS archive of the worker, built at the"
          + " start of the run in " + Row.fmt((System.nanoTime() - t0) / 1e9, 1)
          + " s (not counted)");
    } else {
      session.notes.add("no AppCDS archive could be built; worker JVMs start without one");
    }
  }

  /**
   * {@code /bin/true} jobs, after an uncounted warm-up round of the same size (a new master's
   * JIT compilers are busy for its first thousands of jobs); each repetition beside an xargs run
   * when {@code ratio} is given. The notes say what the warm-up round did, and the master's and
   * the workers' CPU per job in each round (their JVMs', not the jobs').
   */
  private void trueJobs(Pool pool, Row trueRow, Row ratio, List<Double> xargs) throws Exception {
    int n = sizes.trueJobs();
    List<byte[]> bodies = Pool.bodies(Map.of("argv", List.of("true")), n, n);
    List<String> rounds = new ArrayList<>();
    for (int rep = -1; rep < sizes.reps(); rep++) {
      double x = ratio == null || rep < 0 ? 0 : session.peers.xargsTrue(n);
      long[] cpu0 = pool.cpuNanos();
      double s = n / (pool.runJobs(bodies, n, Duration.ofMinutes(5)) / 1e9);
      long[] cpu1 = pool.cpuNanos();
      rounds.add((rep < 0 ? "warm-up " : "") + Row.fmt(s, 0) + " jobs/s at "
          + Row.fmt((cpu1[0] - cpu0[0]) / 1e6 / n, 2) + " / "
          + Row.fmt((cpu1[1] - cpu0[1]) / 1e6 / n, 2) + " ms");
      if (rep < 0) {
        continue;
      }
      trueRow.samples.add(s);
      if (ratio != null) {
        xargs.add(x);
        ratio.samples.add(s / x);
      }
    }
    session.notes.add(trueRow.measure + ": an uncounted warm-up round of " + Row.fmt(n, 0)
        + " jobs first; each round with the CPU per job of the master / the workers' JVMs: "
        + String.join(", ", rounds));
  }

  /** {@code sleep 0.05} jobs; each repetition beside an xargs run when {@code xargs} is given. */
  private void sleepJobs(Pool pool, Row sleep, double ideal, List<Double> xargs)
      throws Exception {
    int n = sizes.sleepJobs();
    List<byte[]> bodies = Pool.bodies(Map.of("argv", List.of("sleep", "0.05")), n, n);
    for (int rep = 0; rep < sizes.reps(); rep++) {
      if (xargs != null) {
        xargs.add(session.peers.xargsSleep(n));
      }
      double secs = pool.runJobs(bodies, n, Duration.ofMinutes(5)) / 1e9;
      sleep.samples.add(100 * ideal / secs);
    }
  }
}
