package swamp.master.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The in-JVM rows: dispatch throughput, and the heap and dispatch cost against queue length, each
 * measured by {@link InJvm} in a child JVM on the real master actors with simulated workers.
 */
final class InJvmRows {
  private final Session session;
  private final Sizes sizes;

  InJvmRows(Session session) {
    this.session = session;
    this.sizes = session.sizes;
  }

  Row dispatch() {
    Row row = new Row("in-JVM dispatch",
        Row.fmt(sizes.dispatchJobs(), 0) + " jobs, " + sizes.simWorkers() + " sim workers x 1 slot",
        "jobs/s", ">= 100,000", 0);
    session.measure(row.measure, () -> row.samples.addAll(InJvm.results(InJvm.run(session.lab,
        "injvm-dispatch", List.of("dispatch", "" + sizes.dispatchJobs(), "" + sizes.simWorkers(),
            "1", "" + sizes.dispatchBatch(), "" + sizes.reps())), "jobs/s")), row);
    return row.peer("-");
  }

  /** The heap with a long queue, and the cost of a dispatch with 1,000 queued and with many. */
  List<Row> memory() {
    String queued = Row.fmt(sizes.memQueued(), 0);
    String goal = "same at 1k and " + Session.shortCount(sizes.memQueued());
    Row heap = new Row("memory, queued jobs", queued + " queued, 3-word argv", "MiB heap after GC",
        "<= 1,024", 0);
    Row small = new Row("dispatch cost, 1k queued",
        "1,000 queued, 1 sim worker x " + InJvm.MEMORY_WORKER_SLOTS + " slots", "µs/job", goal, 2);
    Row big = new Row("dispatch cost, long queue",
        "first " + Row.fmt(sizes.memWindow(), 0) + " of " + queued + " queued, same worker",
        "µs/job", goal, 2);
    List<Double> perJob = new ArrayList<>();
    session.measure("memory and dispatch cost", () -> {
      for (int rep = 0; rep < sizes.reps(); rep++) {
        List<String> out = InJvm.run(session.lab, "injvm-memory-" + rep,
            List.of("memory", "" + sizes.memQueued(), "" + sizes.memWindow()));
        heap.samples.addAll(InJvm.results(out, "heap-mib"));
        perJob.addAll(InJvm.results(out, "bytes-per-job"));
        small.samples.addAll(InJvm.results(out, "us-per-dispatch-small"));
        big.samples.addAll(InJvm.results(out, "us-per-dispatch-big"));
      }
    }, heap, small, big);
    heap.peer("-");
    small.peer("-");
    big.peer(big.samples.isEmpty() || small.samples.isEmpty() ? "-"
        : Row.fmt(big.median() / small.median(), 2) + " x the 1k figure");
    if (!perJob.isEmpty()) {
      session.notes.add("memory: " + Row.fmt(Row.median(perJob), 0) + " bytes of heap per queued"
          + " job; the heap also holds the ~" + Session.shortCount(InJvm.warmUpJobs(
          sizes.memWindow()) + 1_100) + " finished jobs of the warm-up");
    }
    return List.of(heap, small, big);
  }
}
