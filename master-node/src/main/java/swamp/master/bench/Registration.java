package swamp.master.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How long workers take to register: simulated workers on the real master actors in one JVM
 * (the registry's own cost), and worker JVMs started at once against a master (what a user
 * waits for, JVM start-up included).
 */
final class Registration {
  private final Session session;
  private final Sizes sizes;

  Registration(Session session) {
    this.session = session;
    this.sizes = session.sizes;
  }

  Row inJvm() {
    Row row = new Row("registration, in-JVM", Row.fmt(sizes.regSim(), 0) + " sim workers at once",
        "ms", "< 1,000", 1);
    session.measure(row.measure, () -> row.samples.addAll(InJvm.results(InJvm.run(session.lab,
        "injvm-registration", List.of("registration", "" + sizes.regSim(), "" + sizes.reps())),
        "ms")), row);
    return row.peer("-");
  }

  /**
   * Worker JVMs started at once; run last, each repetition on a master of its own: a crowd of
   * JVMs starting on a small machine starves heartbeats, and what that does to a pool must not
   * spill into other measures.
   */
  Row workerJvms() {
    Row row = new Row("registration, worker JVMs", sizes.regJvms() + " JVMs started at once",
        "s", "<= 10", 2);
    session.measure("registration of worker JVMs", () -> workerJvms(row), row);
    Session.progress("Dask, " + sizes.regJvms() + " workers ...");
    return row.peer(Session.withSize(session.peers.dask("register", sizes.regJvms(), sizes.reps(),
        "s", 2, Duration.ofMinutes(15)), sizes.regJvms() + " worker processes"));
  }

  /** Each repetition: the time from starting the JVMs until {@code /api/workers} lists all. */
  private void workerJvms(Row row) throws Exception {
    Lab lab = session.lab;
    Exception failed = null;
    List<Double> workerCpu = new ArrayList<>();
    List<Double> masterCpu = new ArrayList<>();
    for (int rep = 0; rep < sizes.reps(); rep++) {
      try (Pool pool = new Pool(lab, "reg" + rep)) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= sizes.regJvms(); i++) {
          ids.add("reg" + rep + "-" + i);
        }
        long t0 = System.nanoTime();
        for (String id : ids) {
          pool.startWorker(id, 1, false, false);
        }
        pool.awaitWorkers(ids, Duration.ofMinutes(5));
        row.samples.add((System.nanoTime() - t0) / 1e9);
        long[] cpu = pool.cpuNanos();
        workerCpu.add(cpu[1] / 1e9 / ids.size());
        masterCpu.add(cpu[0] / 1e9);
        pool.requireMasterAlive();
      } catch (Exception e) {
        // a repetition that breaks its pool is worth knowing; the next one starts afresh
        failed = e;
        lab.keep = true;
        session.notes.add(row.measure + ", repetition " + (rep + 1) + " failed: "
            + (e.getMessage() == null ? e.toString() : e.getMessage())
            + lab.firstLine("reg" + rep + "-master", "SBR took decision", "Uncaught error")
                .map(l -> "; the master's log: " + l).orElse(""));
      }
    }
    if (row.samples.isEmpty() && failed != null) {
      throw failed;
    }
    if (!workerCpu.isEmpty()) {
      session.notes.add(row.measure + ": CPU of each worker JVM from its start until all were"
          + " registered, median " + Row.fmt(Row.median(workerCpu), 2) + " s ("
          + Row.fmt(java.util.Collections.min(workerCpu), 2) + "-"
          + Row.fmt(java.util.Collections.max(workerCpu), 2) + "); the master's, from its own"
          + " start, " + Row.fmt(Row.median(masterCpu), 2) + " s");
    }
  }
}
