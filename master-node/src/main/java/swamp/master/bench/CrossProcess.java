package swamp.master.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Cross-process dispatch: a master and two dry-run worker JVMs (one in the smoke run) on
 * loopback, fed POSTs of jobs. Three rows, each on a master of its own: over TLS remoting (the
 * default), over plain tcp (the master's and workers' --insecure: the two show what TLS costs)
 * and with the journal's fsync off; and the journal's size after each round of the first.
 */
final class CrossProcess {

  static final String TLS = "cross-process dispatch";
  static final String TCP = "cross-process, plain tcp";
  static final String NO_FSYNC = "cross-process, no fsync";
  static final String JOURNAL_SIZE = "journal size";

  private final Session session;
  private final Sizes sizes;

  CrossProcess(Session session) {
    this.session = session;
    this.sizes = session.sizes;
  }

  /** The four rows: TLS, the journal's size beside it, plain tcp, no fsync. */
  List<Row> rows() {
    int rounds = sizes.crossWarmUp() + sizes.reps();
    Row journal = new Row(JOURNAL_SIZE, "H2 file after " + Row.fmt(rounds * (double)
        sizes.crossJobs(), 0) + " jobs of cross-process dispatch (retain-finished 100,000);"
        + " after each round beside", "MB", "flat once past 100,000 jobs", 1);
    return List.of(row(false, false, journal), journal, row(true, false, null),
        row(false, true, null));
  }

  /** "2 dry-run worker JVMs", as the row's size says it. */
  private String workers() {
    int n = sizes.crossWorkers();
    return n + " dry-run worker JVM" + (n == 1 ? "" : "s");
  }

  /** One row; with {@code journal}, that row gets the journal file's size after each round. */
  private Row row(boolean insecure, boolean noFsync, Row journal) {
    String measure = insecure ? TCP : noFsync ? NO_FSYNC : TLS;
    Row row = new Row(measure,
        Row.fmt(sizes.crossJobs(), 0) + " jobs in POSTs of " + Row.fmt(sizes.crossBatch(), 0)
        + ", " + workers() + " x " + sizes.crossSlots() + " slots"
        + (insecure ? ", --insecure" : ", TLS") + (noFsync ? ", journal.fsync = off" : ""),
        "jobs/s", insecure || noFsync ? "-" : ">= 50,000", 0);
    // the notes have always named the default row "cross-process"
    String tag = measure.equals(TLS) ? "cross-process" : measure;
    List<Long> sizesAfter = new ArrayList<>();
    session.measure(row.measure, () -> {
      try (Pool pool = new Pool(session.lab, insecure ? "dry-tcp" : noFsync ? "dry-nosync" : "dry",
          insecure, noFsync ? List.of("-Dswamp.master.journal.fsync=off") : List.of())) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= sizes.crossWorkers(); i++) {
          ids.add("dry-" + i);
        }
        for (String id : ids) {
          pool.startWorker(id, sizes.crossSlots(), true, false);
        }
        pool.awaitWorkers(ids, Duration.ofMinutes(2));
        rounds(pool, row, tag, sizesAfter);
      }
    }, row);
    if (journal != null) {
      journalSizes(journal, sizesAfter);
    }
    if (insecure || noFsync) {
      return row;
    }
    Session.progress("Dask, " + sizes.daskNoop() + " no-op tasks ...");
    return row.peer(Session.withSize(session.peers.dask("noop", sizes.daskNoop(), sizes.reps(),
        "tasks/s", 0, Duration.ofMinutes(15)), Row.fmt(sizes.daskNoop(), 0)
        + " no-op tasks, 2 workers"));
  }

  /**
   * The rounds: the first are uncounted (the master's code, Pekko, Jackson, the journal's Slick
   * and H2, takes several to be compiled, and they measured the JIT more than swamp), the rest
   * are the row's samples. The journal file's size is noted after each.
   */
  private void rounds(Pool pool, Row row, String tag, List<Long> sizesAfter) throws Exception {
    List<byte[]> bodies = Pool.bodies(Map.of("argv", List.of("true")), sizes.crossJobs(),
        sizes.crossBatch());
    List<String> warmUp = new ArrayList<>();
    List<Double> masterCpu = new ArrayList<>();
    List<Double> workerCpu = new ArrayList<>();
    for (int round = 0; round < sizes.crossWarmUp() + sizes.reps(); round++) {
      long[] cpu0 = pool.cpuNanos();
      long ns = pool.runJobs(bodies, sizes.crossJobs(), Duration.ofMinutes(5));
      long[] cpu1 = pool.cpuNanos();
      sizesAfter.add(pool.journalBytes());
      double rate = sizes.crossJobs() / (ns / 1e9);
      double master = (cpu1[0] - cpu0[0]) / 1e3 / sizes.crossJobs();
      if (round < sizes.crossWarmUp()) {
        warmUp.add(Row.fmt(rate, 0) + " jobs/s at " + Row.fmt(master, 1) + " µs");
      } else {
        row.samples.add(rate);
        masterCpu.add(master);
        workerCpu.add((cpu1[1] - cpu0[1]) / 1e3 / sizes.crossJobs());
      }
    }
    session.notes.add(tag + ": " + sizes.crossWarmUp() + " uncounted warm-up rounds, with the"
        + " master's CPU per job: " + String.join(", ", warmUp));
    session.notes.add(tag + ": CPU per job, median: master " + Row.fmt(Row.median(masterCpu), 1)
        + " µs, " + (sizes.crossWorkers() == 1 ? "the worker " : "the " + sizes.crossWorkers()
        + " workers ") + Row.fmt(Row.median(workerCpu), 1) + " µs (with 2 cores, "
        + "50,000 jobs/s leaves 40 µs for everything, the client included)");
  }

  /**
   * The journal row: the file after the last round, and after each beside it. The book keeps
   * retain-finished (100,000) finished jobs: the file follows that, not the number of jobs that
   * went through (a full run: 800,000).
   */
  private void journalSizes(Row journal, List<Long> sizesAfter) {
    int rounds = sizes.crossWarmUp() + sizes.reps();
    if (sizesAfter.size() != rounds) {
      journal.error = "the cross-process measure did not run its " + rounds + " rounds";
      return;
    }
    journal.samples.add(sizesAfter.get(rounds - 1) / 1e6);
    StringBuilder after = new StringBuilder();
    for (int i = 0; i < rounds; i++) {
      after.append(i == 0 ? "" : ", ")
          .append(Session.shortCount((int) ((i + 1) * (long) sizes.crossJobs()))).append(": ")
          .append(Row.fmt(sizesAfter.get(i) / 1e6, 1));
    }
    journal.peer("MB after " + after);
  }
}
