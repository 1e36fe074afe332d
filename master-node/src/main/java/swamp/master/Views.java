package swamp.master;

import java.time.Instant;
import java.util.List;
import swamp.protocol.JobResult;
import swamp.protocol.JobState;

/** What the API shows of jobs and workers: the JSON shapes of the command-line contract. */
final class Views {
  private Views() {}

  record JobView(
      String id,
      JobState state,
      Integer exitCode,
      String stdout,
      String stderr,
      boolean truncated,
      String worker,
      int attempts,
      String reason,
      List<String> argv,
      List<String> requires,
      String submittedAt,
      String startedAt,
      String finishedAt,
      Long pid) {

    static JobView of(JobBook.Job j) {
      JobResult r = j.result;
      return new JobView(
          j.id,
          j.state,
          r == null ? null : r.exitCode(),
          r == null ? "" : r.stdout(),
          r == null ? "" : r.stderr(),
          r != null && r.truncated(),
          j.workerId,
          j.attempt,
          j.reason,
          j.spec.argv(),
          j.spec.requires(),
          time(j.submittedAt),
          r != null && r.startedAt() > 0 ? time(r.startedAt()) : time(j.dispatchedAt),
          r == null ? null : time(r.finishedAt()),
          r == null ? null : r.pid());
    }
  }

  record WorkerView(
      String id,
      String host,
      int slots,
      int busy,
      List<String> capabilities,
      List<String> executables,
      String url,
      long memoryMb,
      String version,
      String registeredAt,
      boolean draining,
      List<String> jobs) {

    static WorkerView of(JobBook.Worker w) {
      return new WorkerView(w.id, w.offer.host(), w.offer.slots(), w.usedSlots,
          w.offer.labels(), w.offer.executables(), w.offer.url(), w.offer.memoryMb(),
          w.offer.version(), time(w.registeredAt), w.draining, List.copyOf(w.running.keySet()));
    }
  }

  record Health(
      String status,
      long masterEpoch,
      String localExec,
      int workers,
      int queued,
      int running,
      int succeeded,
      int failed,
      int cancelled) {}

  static String time(long epochMillis) {
    return epochMillis <= 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
  }
}
