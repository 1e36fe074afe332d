package swamp.master.dispatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * Where a job could run: on a registered worker, or on one a source of the worker directory
 * could spawn. Says why a queued job waits when neither can serve it, or when every source that
 * could spawn a worker for it fails to (as the pool scaler last told: {@link SourcesFailing}).
 */
final class Placement {

  /** Each source's name and whether it could spawn a worker for a job; empty without a directory. */
  private final Map<String, Predicate<JobSpec>> sources;
  private final boolean hasDirectory;
  /** The sources whose spawns fail, and how: the pool scaler's last word. */
  private Map<String, String> failing = Map.of();

  private Placement(Map<String, Predicate<JobSpec>> sources, boolean hasDirectory) {
    this.sources = sources;
    this.hasDirectory = hasDirectory;
  }

  /**
   * {@code sources}: each source of the worker directory, in its order, and the jobs it could
   * spawn a worker for; null when the master has no directory.
   */
  static Placement of(Map<String, Predicate<JobSpec>> sources) {
    return sources == null ? new Placement(Map.of(), false)
        : new Placement(new LinkedHashMap<>(sources), true);
  }

  /** The sources whose last spawns failed, each with its failures: in place of those told before. */
  void failing(Map<String, String> failing) {
    this.failing = Map.copyOf(failing);
  }

  /**
   * Why a queued job cannot be placed on any worker there is or could be spawned, or null: the
   * labels it requires that no registered worker offers, or the slots it needs that no
   * registered worker with its labels has, when no source of the worker directory serves it
   * either; or, when sources could, that each of them fails to start workers.
   */
  String whyWaiting(Job job, SlotTable slots) {
    if (job.state != JobState.QUEUED) {
      return null;
    }
    List<String> requires = job.spec.requires();
    boolean fits = slots.workers().stream().anyMatch(w -> w.offer.labels().containsAll(requires)
        && w.offer.slots() >= job.spec.slots());
    if (fits) {
      return null;
    }
    List<String> serving = sources.entrySet().stream().filter(s -> s.getValue().test(job.spec))
        .map(Map.Entry::getKey).toList();
    if (!serving.isEmpty()) {
      return failing.keySet().containsAll(serving) ? failingSources(serving) : null;
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

  /** The job waits on sources that each fail to start a worker: which, and how. */
  private String failingSources(List<String> serving) {
    if (serving.size() == 1) {
      return "no registered worker can take it, and the worker directory's source "
          + serving.get(0) + " fails to start one: " + failing.get(serving.get(0));
    }
    StringBuilder why = new StringBuilder("no registered worker can take it, and each source of"
        + " the worker directory that could start one fails to");
    serving.forEach(s -> why.append("; ").append(s).append(": ").append(failing.get(s)));
    return why.toString();
  }
}
