package swamp.master.dispatch;

import java.util.List;
import java.util.function.Predicate;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * Where a job could run: on a registered worker, or on one the worker directory could spawn
 * ({@code spawnable}, from the pool's sources; {@code hasDirectory} false when the master has
 * none). Says why a queued job waits when neither can serve it.
 */
record Placement(Predicate<JobSpec> spawnable, boolean hasDirectory) {

  /** {@code spawnable}: the jobs a source of the directory could spawn a worker for; null: none. */
  static Placement of(Predicate<JobSpec> spawnable) {
    return spawnable == null ? new Placement(spec -> false, false) : new Placement(spawnable, true);
  }

  /**
   * Why a queued job cannot be placed on any worker there is or could be spawned, or null: the
   * labels it requires that no registered worker offers, when no source of the worker directory
   * serves them either.
   */
  String whyWaiting(Job job, SlotTable slots) {
    if (job.state != JobState.QUEUED || job.spec.requires().isEmpty()) {
      return null;
    }
    List<String> missing = job.spec.requires().stream()
        .filter(l -> slots.workers().stream().noneMatch(w -> w.offer.labels().contains(l)))
        .toList();
    if (missing.isEmpty() || spawnable.test(job.spec)) {
      return null;
    }
    return "no registered worker offers label" + (missing.size() > 1 ? "s " : " ")
        + String.join(", ", missing) + (hasDirectory
            ? ", and no source of the worker directory offers "
                + (missing.size() > 1 ? "them" : "it")
            : " (and the master has no worker directory to spawn one from)");
  }
}
