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
   * labels it requires that no registered worker offers, or the slots it needs that no
   * registered worker with its labels has, when no source of the worker directory serves it
   * either.
   */
  String whyWaiting(Job job, SlotTable slots) {
    if (job.state != JobState.QUEUED) {
      return null;
    }
    List<String> requires = job.spec.requires();
    boolean fits = slots.workers().stream().anyMatch(w -> w.offer.labels().containsAll(requires)
        && w.offer.slots() >= job.spec.slots());
    if (fits || spawnable.test(job.spec)) {
      return null;
    }
    List<String> missing = requires.stream()
        .filter(l -> slots.workers().stream().noneMatch(w -> w.offer.labels().contains(l)))
        .toList();
    String directory = hasDirectory ? ", and no source of the worker directory offers " + (missing.size() > 1 ? "them" : "it")
        : " (and the master has no worker directory to spawn one from)";
    if (!missing.isEmpty()) {
      return "no registered worker offers label" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
          + directory;
    }
    int most = slots.workers().stream().filter(w -> w.offer.labels().containsAll(requires))
        .mapToInt(w -> w.offer.slots()).max().orElse(0);
    if (most == 0) {
      return null; // no worker at all: it waits for one to register
    }
    return "it needs " + job.spec.slots() + " slots, and no registered worker" + (requires.isEmpty() ? ""
        : " offering " + String.join(", ", requires)) + " has that many (the most: " + most + ")" + (hasDirectory
        ? ", and no source of the worker directory offers them" : " (and the master has no worker directory to spawn one from)");
  }
}
