package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import swamp.protocol.JobSpec;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToWorker.Job;

/** A worker's slots and queue, without actors: what starts, what waits, what is refused. */
class WorkerSlotsTest {

  final WorkerSlots<String> slots = new WorkerSlots<>(2);

  static Job job(String id, int attempt, int slots) {
    return new Job(id, attempt, new JobSpec(List.of("true"), Map.of(), null, List.of(), slots, 0,
        JobSpec.DEFAULT_MAX_ATTEMPTS, 0));
  }

  /** Admits {@code job}, starting it (with a runner named after it) when it may start now. */
  WorkerSlots.Admission admit(Job job) {
    WorkerSlots.Admission admission = slots.admit(job, false);
    if (admission.startsNow()) {
      slots.started(job.jobId(), job.attempt(), job.spec().slots(), "runner-" + job.jobId());
    }
    return admission;
  }

  @Test
  void aJobStartsWhileItsSlotsAreFreeAndTheRestWaitInOrder() {
    assertEquals(WorkerSlots.Admission.STARTS, admit(job("j1", 1, 1)));
    assertEquals(WorkerSlots.Admission.STARTS, admit(job("j2", 1, 1)));
    assertEquals(WorkerSlots.Admission.WAITS, admit(job("j3", 1, 1)));
    assertEquals(WorkerSlots.Admission.WAITS, admit(job("j4", 1, 1)));
    assertEquals(2, slots.runningCount());
    assertEquals(List.of("j3", "j4"), slots.waiting().stream().map(Job::jobId).toList());
    assertEquals(List.of(new RunningJob("j1", 1), new RunningJob("j2", 1),
        new RunningJob("j3", 1), new RunningJob("j4", 1)), List.copyOf(slots.claims()),
        "a Register claims the running jobs and then the waiting ones");
  }

  @Test
  void noneOvertakesAJobThatWaitsNorStartsWhileTheLeaseHoldsTheJobs() {
    assertEquals(WorkerSlots.Admission.STARTS, admit(job("j1", 1, 2)));
    assertEquals(WorkerSlots.Admission.WAITS, admit(job("j2", 1, 2)));
    assertTrue(slots.ended("j1", 1));
    assertEquals(WorkerSlots.Admission.WAITS, slots.admit(job("j3", 1, 1), false),
        "a slot is free, but j2 came first");
    assertEquals(WorkerSlots.Admission.WAITS, new WorkerSlots<String>(2).admit(job("j4", 1, 1), true),
        "held by the lease: nothing starts");
  }

  @Test
  void aJobIsRefusedWhenItIsHereAlreadyOrNeedsMoreSlotsThanTheWorkerHas() {
    admit(job("j1", 1, 2));
    admit(job("j2", 3, 1));
    assertEquals("attempt 1 of the job is still running here", admit(job("j1", 2, 1)).refusal());
    assertEquals("attempt 3 of the job waits here for a slot", admit(job("j2", 4, 1)).refusal());
    assertEquals("it needs 3 slots; this worker has 2", admit(job("j5", 1, 3)).refusal());
    assertEquals(1, slots.runningCount());
    assertEquals(1, slots.waitingCount());
  }

  @Test
  void beyondMaxWaitingTheNextJobIsRefused() {
    admit(job("running", 1, 2));
    for (int i = 0; i < WorkerSlots.MAX_WAITING; i++) {
      assertEquals(WorkerSlots.Admission.WAITS, admit(job("w" + i, 1, 1)));
    }
    WorkerSlots.Admission refused = admit(job("one-too-many", 1, 1));
    assertFalse(refused.startsNow());
    assertEquals("no free slot, and " + WorkerSlots.MAX_WAITING + " jobs wait here already",
        refused.refusal());
    assertEquals(WorkerSlots.MAX_WAITING, slots.waitingCount());
  }

  @Test
  void theNextToStartIsTheFirstWaitingOneOnceItsSlotsAreFree() {
    admit(job("j1", 1, 1));
    admit(job("j2", 1, 1));
    admit(job("j3", 1, 2));
    admit(job("j4", 1, 1));
    assertNull(slots.nextToStart(), "both slots are taken");
    assertTrue(slots.ended("j1", 1));
    assertNull(slots.nextToStart(), "j3 needs two slots; j4 must not overtake it");
    assertFalse(slots.ended("j2", 2), "not the attempt that runs");
    assertTrue(slots.ended("j2", 1));
    Job next = slots.nextToStart();
    assertEquals("j3", next.jobId());
    slots.started(next.jobId(), next.attempt(), next.spec().slots(), "runner-j3");
    assertNull(slots.nextToStart(), "j3 holds both slots");
    assertEquals(List.of("runner-j3"), slots.runners());
    assertEquals("runner-j3", slots.runner("j3", 1));
    assertNull(slots.runner("j3", 2));
    assertTrue(slots.ended("j3", 1));
    assertEquals("j4", slots.nextToStart().jobId());
    assertNull(slots.nextToStart(), "none waits");
  }

  @Test
  void aJobWhoseProcessesEndedFreesItsSlotsButRunsUntilItsOutputIsRead() {
    admit(job("j1", 1, 1));
    admit(job("j2", 1, 1));
    admit(job("j3", 1, 1));
    assertNull(slots.nextToStart(), "both slots are taken");
    assertFalse(slots.exited("j1", 2), "not the attempt that runs");
    assertTrue(slots.exited("j1", 1));
    assertFalse(slots.exited("j1", 1), "told once");
    assertNull(slots.runner("j1", 1), "nothing left to cancel: its result stands");
    assertEquals(List.of("runner-j2"), slots.runners());
    Job next = slots.nextToStart();
    assertEquals("j3", next.jobId(), "j1's slot is free");
    slots.started(next.jobId(), next.attempt(), next.spec().slots(), "runner-j3");
    assertEquals(3, slots.runningCount(), "j1 counts until its runner has read its output");
    assertEquals(Set.of(new RunningJob("j1", 1), new RunningJob("j2", 1), new RunningJob("j3", 1)),
        slots.claims(), "a worker registering again claims it");
    assertEquals(WorkerSlots.Admission.WAITS, admit(job("j4", 1, 1)), "j2 and j3 hold the slots");
    assertTrue(slots.ended("j1", 1));
    assertEquals(2, slots.runningCount());
    assertNull(slots.nextToStart(), "j1's end frees no second slot");
  }

  @Test
  void aWaitingJobIsTakenOffTheQueueWhenHandedBackOrCancelledButNotOneThatRuns() {
    admit(job("j1", 1, 2));
    admit(job("j2", 1, 1));
    admit(job("j3", 2, 1));
    admit(job("j4", 1, 1));
    assertNull(slots.unqueue("j1", 1), "it runs: it runs on");
    assertNull(slots.unqueue("j3", 1), "another attempt waits");
    assertEquals("j3", slots.unqueue("j3", 2).jobId());
    assertEquals("j2", slots.unqueue("j2", 1).jobId());
    assertNull(slots.unqueue("j2", 1), "taken once");
    assertEquals(List.of("j4"), slots.waiting().stream().map(Job::jobId).toList());
    slots.queue(job("j5", 1, 1)); // left by the previous incarnation
    assertEquals(List.of("j4", "j5"), slots.unqueueAll().stream().map(Job::jobId).toList());
    assertEquals(0, slots.waitingCount());
    assertEquals(1, slots.runningCount());
  }
}
