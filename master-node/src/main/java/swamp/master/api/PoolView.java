package swamp.master.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import swamp.master.dispatch.Views.WorkerView;
import swamp.master.pool.DirectoryView.SpawnView;

/**
 * The pool as {@code GET /api/workers} shows it: the dispatcher's registered workers joined with
 * the scaler's spawns.
 */
final class PoolView {
  private PoolView() {}

  /**
   * The registered workers, those spawned from the directory with their source and grid job,
   * then the spawns whose workers have not registered.
   */
  static List<WorkerView> withSpawns(List<WorkerView> registered, List<SpawnView> spawns) {
    Map<String, SpawnView> byId = spawns.stream()
        .collect(Collectors.toMap(SpawnView::id, s -> s, (a, b) -> a, LinkedHashMap::new));
    List<WorkerView> out = new ArrayList<>();
    for (WorkerView w : registered) {
      SpawnView s = byId.remove(w.id());
      out.add(s == null ? w : spawnedAs(w, s));
    }
    for (SpawnView s : byId.values()) {
      if (!s.state().equals("registered") && !s.state().equals("retiring")) {
        out.add(unregistered(s));
      }
    }
    return out;
  }

  /** A spawned worker that has not registered (yet): what its source says it will offer. */
  private static WorkerView unregistered(SpawnView s) {
    return new WorkerView(s.id(), "", s.slots(), 0, s.capabilities(), List.of(), "", 0, "",
        null, false, List.of(), 0, s.state(), s.source(), s.gridJob(), s.requestedAt());
  }

  private static WorkerView spawnedAs(WorkerView w, SpawnView s) {
    return new WorkerView(w.id(), w.host(), w.slots(), w.busy(), w.capabilities(),
        w.executables(), w.url(), w.memoryMb(), w.version(), w.registeredAt(), w.draining(),
        w.jobs(), w.waiting(), s.state().equals("retiring") ? "retiring" : w.state(), s.source(), s.gridJob(),
        s.requestedAt());
  }
}
