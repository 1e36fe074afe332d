package swamp.master.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.DispatcherProtocol.Demand;
import swamp.master.dispatch.DispatcherProtocol.Load;
import swamp.master.pool.Launcher.GridState;
import swamp.master.pool.ScalingPolicy.Phase;
import swamp.protocol.WorkerOffer;

/** The scaler's spawns and sources, changed directly, the time given with each change. */
class SpawnBookTest {

  static final long NOW = 1_000_000_000L;
  static final long SEC = 1000;

  static SpawnBook book(String... sources) {
    return book(source -> true, sources);
  }

  static SpawnBook book(java.util.function.Predicate<String> canTell, String... sources) {
    SpawnBook book = new SpawnBook(ScalingPolicyTest.settings(sources).sources(),
        Path.of("/spawn"), "q7x", canTell);
    book.members(Map.of(), NOW);
    return book;
  }

  static WorkerOffer offer(int slots, boolean embedded) {
    return new WorkerOffer("node1", "url", slots, List.of("nco"), List.of("*"), 0, "v", embedded);
  }

  @Test
  void aSpawnIsLaunchedSubmittedAndBecomesTheWorkerThatRegistersUnderItsId() {
    SpawnBook book = book("{ name = grid, launcher = slurm }");
    SpawnBook.Spawn sp = book.launch("grid", NOW);
    assertEquals("grid-q7x-1", sp.id);
    assertEquals(Path.of("/spawn/grid-q7x-1.log"), sp.log);
    assertEquals(Phase.SUBMITTING, sp.phase);
    assertEquals("grid-q7x-2", book.launch("grid", NOW).id);

    assertTrue(book.submitted(sp.id, "100"));
    assertEquals(Phase.QUEUED, sp.phase);
    assertEquals("100", sp.jobId);
    assertEquals(SpawnBook.Joined.REGISTERED, book.joined(sp.id, offer(1, false), NOW + 30 * SEC));
    assertEquals(Phase.REGISTERED, sp.phase);
    assertEquals(NOW + 30 * SEC, sp.registeredAt);
    assertEquals(SpawnBook.Joined.NOTHING, book.joined(sp.id, offer(1, false), NOW + 60 * SEC),
        "registering again changes nothing");
    assertEquals(NOW + 30 * SEC, sp.registeredAt);
    DirectoryView.SourceView view = DirectoryView.sources(book, NOW).get(0);
    assertEquals(1, view.registered());
    assertEquals(1, view.pending(), "the second, still submitting");
    assertEquals(1, view.spawned(), "only the one submitted");
  }

  @Test
  void aSpawnThatCouldNotBeSubmittedCountsAsFailedNotAsSpawned() {
    SpawnBook book = book("{ name = grid, launcher = slurm }");
    SpawnBook.Spawn ok = book.launch("grid", NOW);
    SpawnBook.Spawn refused = book.launch("grid", NOW);
    book.submitted(ok.id, "100");
    book.submitFailed(refused.id, "sbatch: invalid partition", NOW);
    DirectoryView.SourceView view = DirectoryView.sources(book, NOW).get(0);
    assertEquals(1, view.spawned());
    assertEquals(1, view.failed());

    SpawnBook.Spawn quick = book.launch("grid", NOW); // its worker registered before sbatch answered
    book.joined(quick.id, offer(1, false), NOW);
    book.submitted(quick.id, "101");
    assertEquals(2, DirectoryView.sources(book, NOW).get(0).spawned());
  }

  @Test
  void aLocalProcessIsStartedAtOnceAndAWorkerQuickerThanItsSubmitStaysRegistered() {
    SpawnBook book = book("{ name = here, launcher = local }");
    SpawnBook.Spawn quick = book.launch("here", NOW);
    book.joined(quick.id, offer(1, false), NOW);
    assertFalse(book.submitted(quick.id, "4242"));
    assertEquals(Phase.REGISTERED, quick.phase);
    assertEquals("4242", quick.jobId);
    SpawnBook.Spawn slow = book.launch("here", NOW);
    assertTrue(book.submitted(slow.id, "4243"));
    assertEquals(Phase.STARTED, slow.phase);
  }

  @Test
  void failuresInARowBackTheSourceOffLongerEachTimeAndARegistrationEndsIt() {
    SpawnBook book = book("{ name = grid, launcher = slurm, failure-backoff = 30s }");
    SpawnBook.Failure first = book.submitFailed(book.launch("grid", NOW).id, "sbatch: no", NOW);
    assertEquals("could not be submitted: sbatch: no", first.why());
    assertEquals(NOW + 30 * SEC, book.source("grid").backoffUntil);
    assertTrue(first.message().startsWith("source grid: spawn grid-q7x-1 failed: could not be"
        + " submitted: sbatch: no; 1 failure(s) in a row"), first.message());
    assertTrue(book.spawns().isEmpty());

    book.submitFailed(book.launch("grid", NOW).id, "sbatch: no", NOW + 40 * SEC);
    SpawnBook.Source src = book.source("grid");
    assertEquals(2, src.failuresInARow);
    assertEquals(2, src.failed);
    assertEquals(NOW + 100 * SEC, src.backoffUntil, "twice as long");
    assertEquals("spawn grid-q7x-2: could not be submitted: sbatch: no", src.lastFailure);

    SpawnBook.Spawn ok = book.launch("grid", NOW + 200 * SEC);
    book.submitted(ok.id, "7");
    book.joined(ok.id, offer(1, false), NOW + 210 * SEC);
    assertEquals(0, src.failuresInARow);
    assertEquals(0, src.backoffUntil);
    assertEquals(2, src.failed, "the count of failures stays");
  }

  @Test
  void whatTheSchedulerSaysFailsAJobThatEndedBeforeItsWorkerRegisteredOrIsHeldInError() {
    SpawnBook book = book("{ name = grid, launcher = slurm }");
    SpawnBook.Spawn gone = book.launch("grid", NOW);
    book.submitted(gone.id, "100");
    SpawnBook.Spawn held = book.launch("grid", NOW);
    book.submitted(held.id, "101");
    SpawnBook.Spawn running = book.launch("grid", NOW);
    book.submitted(running.id, "102");
    assertEquals(Set.of("100", "101", "102"), book.jobIds("grid"));

    SpawnBook.StatusSeen seen = book.status("grid", Set.of("100", "101", "102"),
        Map.of("101", GridState.FAILED, "102", GridState.STARTED), id -> null, NOW + 5 * SEC);

    assertEquals(List.of(gone.id, held.id),
        seen.failures().stream().map(f -> f.spawn().id).toList());
    // seen queued, then gone: an admin's scancel, or a worker that ended between two looks;
    // "see its log" pointed at a file that a job cancelled in the queue never wrote
    assertTrue(seen.failures().get(0).why().contains("its job left the scheduler's queue before it"
        + " was seen running, and no worker registered: cancelled (scancel, qdel), refused by the"
        + " scheduler, or ended at once (its log, if it ran: /spawn/grid-q7x-1.log)"),
        seen.failures().get(0).why());
    assertTrue(seen.failures().get(0).message().startsWith("source grid: spawn grid-q7x-1 (job 100)"
        + " failed: "), seen.failures().get(0).message());
    assertNull(book.spawn(gone.id));
    assertEquals(Phase.CANCELLING, held.phase);
    assertEquals(List.of(held), seen.cancels());
    assertEquals(Phase.STARTED, running.phase);
    book.status("grid", Set.of("101"), Map.of("101", GridState.FAILED), id -> null,
        NOW + 10 * SEC);
    assertFalse(book.cancelDue(held), "its cancel runs already");
    book.cancelled(held.id, true);
    assertNull(book.spawn(held.id));
    book.status("grid", Set.of("102"), Map.of(), // seen running, then gone, as its launcher saw
        id -> id.equals("102") ? "exit code 3: refused for good" : null, NOW + 15 * SEC);
    assertTrue(book.source("grid").lastFailure.endsWith("(job 102): its job ended before the worker"
        + " registered, with exit code 3: refused for good (see /spawn/grid-q7x-3.log)"),
        book.source("grid").lastFailure);
  }

  @Test
  void aWorkerThatLeftIsForgottenOnceItsJobIsGoneAndItsJobCancelledIfItOutstaysTheGrace() {
    SpawnBook book = book("{ name = grid, launcher = slurm }");
    SpawnBook.Spawn a = book.launch("grid", NOW);
    book.submitted(a.id, "100");
    book.joined(a.id, offer(1, false), NOW);
    book.status("grid", Set.of("100"), Map.of(), id -> null, NOW + SEC); // its job ended: it is leaving
    assertSame(a, book.left(a.id, NOW + 2 * SEC));
    assertNull(book.spawn(a.id));

    SpawnBook.Spawn b = book.launch("grid", NOW);
    book.submitted(b.id, "101");
    book.joined(b.id, offer(1, false), NOW);
    book.dismissing(b.id);
    assertNull(book.left(b.id, NOW + SEC), "it was leaving already");
    assertEquals(Phase.LEAVING, b.phase);
    assertTrue(book.status("grid", Set.of("101"), Map.of("101", GridState.STARTED), id -> null,
        NOW + SEC + SpawnBook.LEAVE_GRACE_MS).cancels().isEmpty(), "within the grace");
    SpawnBook.StatusSeen late = book.status("grid", Set.of("101"),
        Map.of("101", GridState.STARTED), id -> null, NOW + 2 * SEC + SpawnBook.LEAVE_GRACE_MS);
    assertEquals(List.of(b), late.overdue());
    assertEquals(List.of(b), late.cancels());
  }

  @Test
  void withALauncherThatCannotTellAWorkerThatLeftIsForgottenAtOnce() {
    SpawnBook book = book(source -> false, "{ name = cmd, launcher = slurm }");
    SpawnBook.Spawn sp = book.launch("cmd", NOW);
    book.submitted(sp.id, "x1");
    book.joined(sp.id, offer(1, false), NOW);
    book.left(sp.id, NOW);
    assertNull(book.spawn(sp.id));
  }

  @Test
  void aSpawnCancelledWhileItIsSubmittedIsCancelledOnceItsJobIdIsKnown() {
    SpawnBook book = book("{ name = grid, launcher = slurm }");
    SpawnBook.Spawn sp = book.launch("grid", NOW);
    assertFalse(book.cancel(sp), "no job id yet");
    assertFalse(book.submitted(sp.id, "100"));
    assertEquals(Phase.CANCELLING, sp.phase);
    assertTrue(book.cancelDue(sp));
    assertFalse(book.settled());
    book.cancelled(sp.id, false); // failed: tried again while the scheduler shows it
    assertSame(sp, book.spawn(sp.id));
    book.cancelled(sp.id, true);
    assertTrue(book.settled());
  }

  @Test
  void aWorkerThatRegistersWhileItsSpawnIsCancelledIsTakenBackOnceTheCancelIsThrough() {
    SpawnBook book = book("{ name = grid, launcher = slurm }");
    SpawnBook.Spawn sp = book.launch("grid", NOW);
    book.submitted(sp.id, "100");
    assertTrue(book.cancel(sp)); // e.g. at its registration timeout
    assertEquals(SpawnBook.Joined.NOTHING, book.joined(sp.id, offer(1, false), NOW + 21 * SEC));
    assertEquals(Phase.CANCELLING, sp.phase);

    SpawnBook.Spawn back = book.cancelled(sp.id, true);

    assertEquals(sp.id, back.id);
    assertEquals(Phase.REGISTERED, back.phase);
    assertEquals(NOW + 21 * SEC, back.registeredAt);
    assertSame(back, book.spawn(sp.id));
    assertEquals(1, DirectoryView.sources(book, NOW).get(0).registered(), "its source counts it");
  }

  @Test
  void aWorkerNamedLikeASpawnOfASourceIsTakenBackButNotOneByHandOrTheEmbedded() {
    SpawnBook book = new SpawnBook(ScalingPolicyTest.settings("{ name = grid, launcher = slurm }")
        .sources(), Path.of("/spawn"), "abc", s -> true);
    List<SpawnBook.Spawn> back = book.members(Map.of("grid-q7x-3", offer(1, false),
        "by-hand", offer(1, false), "grid-q7x-4", offer(1, true), "other-q7x-5", offer(1, false)),
        NOW);
    assertEquals(List.of("grid-q7x-3"), back.stream().map(sp -> sp.id).toList());
    assertEquals(Phase.REGISTERED, back.get(0).phase);
    assertNull(back.get(0).log);
    assertEquals(SpawnBook.Joined.TAKEN_BACK, book.joined("grid-zz-9", offer(1, false), NOW));
  }

  @Test
  void thePolicySeesThePoolAsTheRegistryTellsItWithTheLoadTheDispatcherTold() {
    SpawnBook book = new SpawnBook(ScalingPolicyTest.settings("{ name = grid, launcher = slurm }")
        .sources(), Path.of("/spawn"), "q7x", s -> true);
    Demand told = new Demand(NOW, List.of(), List.of(
        new Load("gone", 2, 0, Set.of(), true, false, false, NOW - 60 * SEC, NOW - 60 * SEC),
        new Load("busy", 1, 1, Set.of(), true, false, false, NOW - 60 * SEC, NOW)));
    assertNull(book.snapshot(NOW, told), "not before the members are known");

    book.members(Map.of("busy", offer(1, false), "gone", offer(2, false)), NOW);
    book.left("gone", NOW + SEC);
    book.joined("new", offer(4, false), NOW + 2 * SEC);
    book.joined("local", offer(2, true), NOW + 2 * SEC);
    ScalingPolicy.Snapshot s = book.snapshot(NOW + 3 * SEC, told);

    Map<String, Load> loads = new java.util.HashMap<>();
    s.demand().workers().forEach(l -> loads.put(l.id(), l));
    assertEquals(Set.of("busy", "new", "local"), loads.keySet());
    assertEquals(told.workers().get(1), loads.get("busy"));
    Load fresh = loads.get("new");
    assertEquals(4, fresh.slots());
    assertEquals(0, fresh.busy());
    assertEquals(Set.of("nco"), fresh.labels());
    assertTrue(fresh.usable());
    assertFalse(loads.get("local").usable(), "the embedded worker counts once the dispatcher says");
    assertNull(book.snapshot(NOW, null), "not before the dispatcher told");
  }

  @Test
  void aClosedBookNamesWhatIsPendingAndWhichJobsAStoppingScalerLeavesBehind() {
    SpawnBook book = book("{ name = grid, launcher = slurm }");
    SpawnBook.Spawn queued = book.launch("grid", NOW);
    book.submitted(queued.id, "100");
    SpawnBook.Spawn registered = book.launch("grid", NOW);
    book.submitted(registered.id, "101");
    book.joined(registered.id, offer(1, false), NOW);
    assertEquals(List.of("100"), book.unregisteredJobs("grid"));
    assertEquals(List.of(queued), book.close());
    assertTrue(book.closed());
    assertTrue(book.cancel(queued));
    book.cancelled(queued.id, false); // closed: nothing will tell whether it is still there
    assertNull(book.spawn(queued.id));
  }
}
