package swamp.master.pool;

import java.util.List;
import swamp.master.dispatch.Views;

/**
 * The worker directory as the API shows it: the spawns and the sources, read from the
 * {@link SpawnBook}.
 */
public final class DirectoryView {
  private DirectoryView() {}

  /** A spawned worker, for the API. {@code state}: submitting, queued, starting, registered,
   *  retiring, cancelling or leaving. */
  public record SpawnView(String id, String source, String launcher, String state, String gridJob,
      int slots, List<String> capabilities, String requestedAt, String registeredAt, String log) {}

  /** A source of the directory, for the API. {@code spawned}: its workers submitted (a process
   *  started, a grid job queued); {@code failed}: its spawns that failed, submitted or not. */
  public record SourceView(String name, String launcher, int minWorkers, int maxWorkers,
      int maxPending, int slots, List<String> capabilities, int registered, int pending,
      int spawned, int failed, int failuresInARow, String backingOffUntil, String lastFailure,
      long walltimeSeconds) {}

  /**
   * The directory as the API shows it, published on the system's event stream each time it
   * changed (a spawn asked for, submitted, registered, failed or gone; a source backing off):
   * the live feed of each open dashboard follows it.
   */
  public record DirectoryChanged(List<SpawnView> spawns, List<SourceView> sources) {}

  /** The spawns not registered yet, the registered ones with their source, the leaving. */
  static List<SpawnView> spawns(SpawnBook book) {
    return book.spawns().stream().map(sp -> {
      String state = switch (sp.phase) {
        case SUBMITTING -> "submitting";
        case QUEUED -> "queued";
        case STARTED -> "starting";
        case REGISTERED -> sp.retiring ? "retiring" : "registered";
        case CANCELLING -> "cancelling";
        case LEAVING -> "leaving";
      };
      SourceSettings s = sp.source.settings;
      return new SpawnView(sp.id, s.name(), s.launcher().toString(), state, sp.jobId, s.slots(),
          s.capabilities(), Views.time(sp.requestedAt), Views.time(sp.registeredAt),
          sp.log == null ? null : sp.log.toString());
    }).toList();
  }

  /** {@code now}: a backoff that is over is not shown. */
  static List<SourceView> sources(SpawnBook book, long now) {
    return book.sources().stream().map(src -> {
      SourceSettings s = src.settings;
      int[] n = new int[2]; // registered, pending
      for (SpawnBook.Spawn sp : book.spawns()) {
        if (sp.source == src && sp.phase == ScalingPolicy.Phase.REGISTERED) {
          n[0]++;
        } else if (sp.source == src && sp.phase.pending()) {
          n[1]++;
        }
      }
      return new SourceView(s.name(), s.launcher().toString(), s.minWorkers(), s.maxWorkers(),
          s.maxPending(), s.slots(), s.capabilities(), n[0], n[1], src.spawned, src.failed,
          src.failuresInARow, src.backoffUntil > now ? Views.time(src.backoffUntil) : null,
          src.lastFailure, s.walltime().toSeconds());
    }).toList();
  }
}
