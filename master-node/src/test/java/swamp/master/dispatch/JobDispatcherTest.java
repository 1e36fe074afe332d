package swamp.master.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.DispatcherProtocol.AwaitJob;
import swamp.master.dispatch.DispatcherProtocol.CancelReply;
import swamp.master.dispatch.DispatcherProtocol.GetJob;
import swamp.master.dispatch.DispatcherProtocol.Submit;
import swamp.master.dispatch.Views.JobView;
import swamp.master.dispatch.Views.WorkerView;
import swamp.master.membership.MembershipEvent;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobRejected;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToMaster;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToWorker.Job;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/** The queue and the assignment of jobs to slots, its workers played by probes. */
public class JobDispatcherTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final long EPOCH = 42;
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  // ---- registration ----

  @Test
  void anAdmittedWorkerIsAnsweredRegOkFromTheDispatcher() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    TestProbe<ToWorker> probe = testKit.createTestProbe();

    dispatcher.tell(joined("w1", offer(2), List.of(), probe.ref()));

    RegOk ok = probe.expectMessageClass(RegOk.class);
    assertEquals(EPOCH, ok.masterEpoch());
    assertEquals(List.of("w1"), workers(dispatcher).stream().map(WorkerView::id).toList());
  }

  @Test
  void aRepeatedAdmitOfTheSameWorkerIsAnsweredAgainAndKeepsItsJobs() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    w.expectJob();

    dispatcher.tell(joined("w1", offer(1), List.of(), w.probe.ref()));

    w.probe.expectMessageClass(RegOk.class);
    assertEquals(JobState.RUNNING, job(dispatcher, id).state());
    assertEquals(1, workers(dispatcher).get(0).busy());
  }

  // ---- dispatch ----

  @Test
  void aSubmittedJobGoesToTheWorkerAsAttemptOne() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));

    String id = submit(dispatcher, JobSpec.of(List.of("echo", "x"))).get(0);

    Job job = w.expectJob();
    assertEquals(id, job.jobId());
    assertEquals(1, job.attempt());
    assertEquals(List.of("echo", "x"), job.spec().argv());
    JobView view = job(dispatcher, id);
    assertEquals(JobState.RUNNING, view.state());
    assertEquals("w1", view.worker());
    assertEquals(1, view.attempts());
  }

  /**
   * A submission that reaches the dispatcher after its client stopped waiting (it waited while
   * the journal was down, and the client was answered 503) is dropped: the client's jobs are
   * never accepted, and run, behind its back. One in time is accepted as ever.
   */
  @Test
  void aSubmissionWhoseClientStoppedWaitingIsNotAccepted() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    TestProbe<JobDispatcher.Submitted> late = testKit.createTestProbe();
    dispatcher.tell(new Submit(List.of(echo()), null, System.currentTimeMillis() - 1,
        late.ref()));
    String inTime = JobDispatcherTest.<JobDispatcher.Submitted>ask(dispatcher,
        r -> new Submit(List.of(echo()), null, System.currentTimeMillis() + 60_000, r)).ids()
        .get(0);

    late.expectNoMessage(Duration.ofMillis(100));
    assertEquals(List.of(inTime), JobDispatcherTest.<List<JobView>>ask(dispatcher,
        r -> new JobDispatcher.ListJobs(null, 100, r)).stream().map(JobView::id).toList());
  }

  @Test
  void aJobSubmittedBeforeAnyWorkerWaitsForTheFirstOne() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    String id = submit(dispatcher, echo()).get(0);
    assertEquals(JobState.QUEUED, job(dispatcher, id).state());

    Worker w = admit(dispatcher, "w1", offer(1));

    assertEquals(id, w.expectJob().jobId());
  }

  @Test
  void whatOneDispatchGivesAWorkerGoesInOneMessageUnlessItsCommandsAreTooLarge() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(5));
    String third = "x".repeat((int) ToWorker.Jobs.MAX_CHARS / 3);
    List<String> ids = submit(dispatcher, echo(), echo(), JobSpec.of(List.of("echo", third)),
        JobSpec.of(List.of("echo", third)), JobSpec.of(List.of("echo", third)));
    // three jobs of a third of the most one message holds, each with the two small ones...
    ToWorker.Jobs first = w.probe().expectMessageClass(ToWorker.Jobs.class);
    assertEquals(ids.subList(0, 4), first.jobs().stream().map(Job::jobId).toList());
    // ...and the last, which would make it too large, alone after them
    assertEquals(ids.get(4), w.probe().expectMessageClass(Job.class).jobId());
  }

  @Test
  void jobsGoToTheWorkerWithTheMostFreeSlotsFirstAndWaitWhenAllAreBusy() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker small = admit(dispatcher, "small", offer(1));
    Worker big = admit(dispatcher, "big", offer(3));

    List<String> ids = submit(dispatcher, echo(), echo(), echo(), echo(), echo());

    // big (3 free) takes j1, big (2) j2, then 1 and 1: the first registered wins the tie
    assertEquals(ids.get(0), big.expectJob().jobId());
    assertEquals(ids.get(1), big.expectJob().jobId());
    Job onSmall = small.expectJob();
    assertEquals(ids.get(2), onSmall.jobId());
    assertEquals(ids.get(3), big.expectJob().jobId());
    assertEquals(JobState.QUEUED, job(dispatcher, ids.get(4)).state());
    small.probe.expectNoMessage();
    big.probe.expectNoMessage(Duration.ZERO);

    small.succeeded(onSmall);

    assertEquals(ids.get(4), small.expectJob().jobId());
    assertEquals(JobState.SUCCEEDED, job(dispatcher, ids.get(2)).state());
  }

  @Test
  void aJobThatTakesSeveralSlotsGoesWhereTheyAreFree() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker two = admit(dispatcher, "two", offer(2));
    Worker four = admit(dispatcher, "four", offer(4));

    String wide = submit(dispatcher, spec(List.of(), 3)).get(0);

    assertEquals(wide, four.expectJob().jobId());
    two.probe.expectNoMessage();
    assertEquals(3, workers(dispatcher).stream().filter(v -> v.id().equals("four")).findFirst()
        .orElseThrow().busy());
  }

  @Test
  void aJobRequiringALabelGoesOnlyToAWorkerOfferingItAndHoldsNothingUp() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker plain = admit(dispatcher, "plain", offer(4));

    List<String> ids = submit(dispatcher, spec(List.of("nco"), 1), echo());

    // the nco job waits at the head of the queue; the plain job behind it runs at once
    assertEquals(ids.get(1), plain.expectJob().jobId());
    plain.probe.expectNoMessage();
    assertEquals(JobState.QUEUED, job(dispatcher, ids.get(0)).state());

    Worker nco = admit(dispatcher, "nco-worker", offer(1, "nco"));

    assertEquals(ids.get(0), nco.expectJob().jobId());
  }

  @Test
  void aJobRequiringSeveralLabelsNeedsAWorkerOfferingAllOfThem() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker ncoOnly = admit(dispatcher, "nco-only", offer(2, "nco"));

    String id = submit(dispatcher, spec(List.of("nco", "gpu"), 1)).get(0);
    ncoOnly.probe.expectNoMessage();

    Worker both = admit(dispatcher, "both", offer(1, "gpu", "nco"));
    assertEquals(id, both.expectJob().jobId());
  }

  // ---- results ----

  @Test
  void aFinishedJobShowsItsResult() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);

    w.finished(w.expectJob(), result(JobState.FAILED, 7, "w1", "exit code 7"));

    JobView view = awaitFinal(dispatcher, id);
    assertEquals(JobState.FAILED, view.state());
    assertEquals(7, view.exitCode());
    assertEquals("exit code 7", view.reason());
    assertEquals("w1", view.worker());
  }

  @Test
  void aFinishForAnOlderAttemptIsIgnored() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker first = admit(dispatcher, "first", offer(2));
    String id = submit(dispatcher, echo()).get(0);
    Job attempt1 = first.expectJob();
    Worker second = admit(dispatcher, "second", offer(1));
    dispatcher.tell(left("first", "is gone"));
    Job attempt2 = second.expectJob();
    assertEquals(2, attempt2.attempt());

    // the removed worker's late report: ignored, and not acknowledged to a worker it does not know
    first.master().tell(new JobsFinished(List.of(new JobFinished(id, 1, "first",
        result(JobState.SUCCEEDED, 0, "first", null))), first.probe().ref()));
    second.finished(new Job(id, 1, attempt1.spec()), result(JobState.SUCCEEDED, 0, "second", null));

    assertEquals(JobState.RUNNING, job(dispatcher, id).state());
    second.succeeded(attempt2);
    JobView view = awaitFinal(dispatcher, id);
    assertEquals(JobState.SUCCEEDED, view.state());
    assertEquals(2, view.attempts());
    assertEquals("second", view.worker());
  }

  /** Jobs that end together come in one report, and one acknowledgement answers them all. */
  @Test
  void finishesReportedTogetherAreRecordedAndAcknowledgedTogether() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(3));
    List<String> ids = submit(dispatcher, echo(), echo(), echo());
    List<Job> jobs = List.of(w.expectJob(), w.expectJob(), w.expectJob());

    w.master.tell(new JobsFinished(jobs.stream().map(j -> new JobFinished(j.jobId(),
        j.attempt(), "w1", result(JobState.SUCCEEDED, 0, "w1", null))).toList(), w.probe.ref()));

    assertEquals(new ToWorker.FinishAck(jobs.stream()
            .map(j -> new RunningJob(j.jobId(), j.attempt())).toList()),
        w.probe.expectMessageClass(ToWorker.FinishAck.class));
    for (String id : ids) {
      assertEquals(JobState.SUCCEEDED, awaitFinal(dispatcher, id).state());
    }
    w.probe.expectNoMessage(Duration.ofMillis(100)); // one acknowledgement, not one per job
  }

  /**
   * A finish whose slot the next job takes is acknowledged within that job's message: one
   * message back for the report, not two; with no job to follow, the acknowledgement goes alone.
   */
  @Test
  void aFinishIsAcknowledgedWithinTheJobsThatTakeItsSlot() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(2));
    List<String> ids = submit(dispatcher, echo(), echo(), echo(), echo(), echo());
    List<Job> first = List.of(w.expectJob(), w.expectJob());
    w.probe.expectNoMessage(Duration.ofMillis(100)); // two slots, two jobs

    w.master.tell(new JobsFinished(first.stream().map(j -> new JobFinished(j.jobId(),
        j.attempt(), "w1", result(JobState.SUCCEEDED, 0, "w1", null))).toList(), w.probe.ref()));
    ToWorker.Jobs next = w.probe.expectMessageClass(ToWorker.Jobs.class);
    assertEquals(first.stream().map(j -> new RunningJob(j.jobId(), j.attempt())).toList(),
        next.recorded());
    assertEquals(ids.subList(2, 4), next.jobs().stream().map(Job::jobId).toList());
    w.probe.expectNoMessage(Duration.ofMillis(100)); // no FinishAck besides

    Job third = next.jobs().get(0);
    Job fourth = next.jobs().get(1);
    w.master.tell(new JobsFinished(List.of(new JobFinished(third.jobId(), third.attempt(), "w1",
        result(JobState.SUCCEEDED, 0, "w1", null))), w.probe.ref()));
    next = w.probe.expectMessageClass(ToWorker.Jobs.class); // a job alone, with the finish
    assertEquals(List.of(new RunningJob(third.jobId(), third.attempt())), next.recorded());
    assertEquals(List.of(ids.get(4)), next.jobs().stream().map(Job::jobId).toList());

    w.master.tell(new JobsFinished(List.of(new JobFinished(fourth.jobId(), fourth.attempt(),
        "w1", result(JobState.SUCCEEDED, 0, "w1", null))), w.probe.ref()));
    assertEquals(new ToWorker.FinishAck(List.of(new RunningJob(fourth.jobId(), fourth.attempt()))),
        w.probe.expectMessageClass(ToWorker.FinishAck.class), "nothing left to run: alone");
    for (String id : ids.subList(0, 4)) {
      assertEquals(JobState.SUCCEEDED, awaitFinal(dispatcher, id).state());
    }
  }

  /**
   * The metrics hear each job that ends once, with its times, and no other change: a job that
   * succeeded, and one cancelled while it ran.
   */
  @Test
  void aWatcherOfEndsHearsEachEndedJobOnceWithItsTimes() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    TestProbe<Watchers.Ended> ends = testKit.createTestProbe();
    // on the node's event stream: heard whichever dispatcher runs there, and since when
    testKit.system().eventStream().tell(new EventStream.Subscribe<>(Watchers.Ended.class, ends.ref()));
    Worker w = admit(dispatcher, "w1", offer(1));
    List<String> ids = submit(dispatcher, echo(), echo());
    Job job = w.expectJob();
    ends.expectNoMessage(Duration.ofMillis(100)); // submissions and starts end nothing

    JobResult ran = result(JobState.SUCCEEDED, 0, "w1", null);
    w.master.tell(new JobsFinished(List.of(new JobFinished(job.jobId(), job.attempt(), "w1",
        ran)), w.probe.ref()));
    Watchers.EndedJob first = ends.expectMessageClass(Watchers.Ended.class).jobs().get(0);
    assertEquals(JobState.SUCCEEDED, first.state());
    assertEquals(ran.startedAt(), first.startedAt());
    assertEquals(ran.finishedAt(), first.finishedAt());
    assertTrue(first.submittedAt() > 0 && first.submittedAt() <= first.startedAt() + 5, first.toString());

    expectRecorded(w.probe, w.given, List.of(new RunningJob(job.jobId(), job.attempt())));
    w.expectJob(); // the second job starts: nothing ends
    ends.expectNoMessage(Duration.ofMillis(100));
    String second = ids.get(1);
    cancel(dispatcher, second);
    w.probe.expectMessageClass(ToWorker.CancelJob.class);
    w.master.tell(new JobsFinished(List.of(new JobFinished(second, 1, "w1",
        result(JobState.CANCELLED, null, "w1", "cancelled"))), w.probe.ref()));
    List<Watchers.EndedJob> cancelled = ends.expectMessageClass(Watchers.Ended.class).jobs();
    assertEquals(1, cancelled.size(), cancelled.toString());
    assertEquals(JobState.CANCELLED, cancelled.get(0).state());
    ends.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aFinishFromAWorkerThatDoesNotRunTheJobIsIgnored() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    Worker other = admit(dispatcher, "w2", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    Job job = w.expectJob();

    other.succeeded(job);
    assertEquals(JobState.RUNNING, job(dispatcher, id).state());
    other.master.tell(new JobsFinished(List.of(new JobFinished("no-such-job", 1, "w2",
        result(JobState.SUCCEEDED, 0, "w2", null))), other.probe.ref()));

    w.succeeded(job);
    assertEquals(JobState.SUCCEEDED, awaitFinal(dispatcher, id).state());
  }

  @Test
  void aReportCountsOnlyFromTheRefThatRegisteredAsItsWorker() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    Job job = w.expectJob();
    TestProbe<ToWorker> rogue = testKit.createTestProbe();

    // a forged finish and rejection naming w1, from another ref: dropped, nothing acknowledged
    w.master.tell(new JobsFinished(List.of(new JobFinished(id, job.attempt(), "w1",
        result(JobState.SUCCEEDED, 0, "w1", null))), rogue.ref()));
    w.master.tell(new JobRejected(id, job.attempt(), "w1", "forged", rogue.ref()));
    rogue.expectNoMessage(Duration.ofMillis(300));
    JobView view = job(dispatcher, id);
    assertEquals(JobState.RUNNING, view.state());
    assertEquals(1, view.attempts());

    w.succeeded(job);
    assertEquals(JobState.SUCCEEDED, awaitFinal(dispatcher, id).state());
  }

  @Test
  void aMalformedReportIsIgnoredAndTheDispatcherKeepsWorking() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    Job job = w.expectJob();

    w.master.tell(new JobsFinished(List.of(new JobFinished(id, job.attempt(), null,
        result(JobState.SUCCEEDED, 0, null, null))), null));
    w.master.tell(new JobRejected(id, job.attempt(), null, null, w.probe.ref()));
    w.master.tell(new JobRejected(id, job.attempt(), "w1", null, w.probe.ref()));

    // still answering; the rejection without a reason put the job back and it came again
    assertEquals(id, w.expectJob().jobId());
    assertEquals(2, job(dispatcher, id).attempts());
  }

  @Test
  void aRejectedJobGoesBackToTheQueue() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    Job first = w.expectJob();

    w.rejected(first, "no free slot");

    Job again = w.expectJob();
    assertEquals(id, again.jobId());
    assertEquals(2, again.attempt());
    w.succeeded(again);
    assertEquals(JobState.SUCCEEDED, awaitFinal(dispatcher, id).state());
  }

  @Test
  void aJobRejectedByADrainingWorkerWaitsForAnotherWorker() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker leaving = admit(dispatcher, "leaving", offer(1));
    String id = submit(dispatcher, echo()).get(0);

    leaving.rejected(leaving.expectJob(), "worker is draining");

    leaving.probe.expectNoMessage();
    assertEquals(JobState.QUEUED, job(dispatcher, id).state());
    Worker next = admit(dispatcher, "next", offer(1));
    assertEquals(id, next.expectJob().jobId());
  }

  // ---- lost workers ----

  @Test
  void theJobOfARemovedWorkerRunsAgainElsewhereAsAttemptTwo() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker doomed = admit(dispatcher, "doomed", offer(2));
    Worker survivor = admit(dispatcher, "survivor", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    assertEquals(1, doomed.expectJob().attempt());

    dispatcher.tell(left("doomed", "is gone"));

    Job again = survivor.expectJob();
    assertEquals(id, again.jobId());
    assertEquals(2, again.attempt());
    assertEquals(List.of("survivor"), workers(dispatcher).stream().map(WorkerView::id).toList());
    survivor.succeeded(again);
    JobView view = awaitFinal(dispatcher, id);
    assertEquals(JobState.SUCCEEDED, view.state());
    assertEquals(2, view.attempts());
  }

  @Test
  void aJobWhoseWorkerIsLostMaxAttemptsTimesFails() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    String id = submit(dispatcher, echo()).get(0); // maxAttempts 3
    CompletableFuture<Optional<JobView>> waiter = awaiting(dispatcher, id);

    for (int i = 1; i <= 3; i++) {
      Worker w = admit(dispatcher, "w" + i, offer(1));
      assertEquals(i, w.expectJob().attempt());
      dispatcher.tell(left("w" + i, "is gone"));
    }

    JobView view = waiter.join().orElseThrow();
    assertEquals(JobState.FAILED, view.state());
    assertTrue(view.reason().startsWith("worker lost 3 times"), view.reason());
    assertTrue(view.reason().contains("w3"), view.reason());
    Worker late = admit(dispatcher, "late", offer(1));
    late.probe.expectNoMessage();
  }

  @Test
  void aRemovedWorkerThatWasNeverAdmittedChangesNothing() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    w.expectJob();

    dispatcher.tell(left("ghost", "is gone"));

    assertEquals(JobState.RUNNING, job(dispatcher, id).state());
    w.probe.expectNoMessage();
  }

  // ---- re-registration reconciles what a worker still runs ----

  @Test
  void aWorkerThatComesBackStillRunningItsJobKeepsIt() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    Job job = w.expectJob();
    dispatcher.tell(left("w1", "is gone")); // a partition, say
    w.probe.awaitAssert(() -> {
      assertEquals(JobState.QUEUED, job(dispatcher, id).state());
      return null;
    });

    dispatcher.tell(joined("w1", offer(1), List.of(new RunningJob(id, 1)),
        w.probe.ref()));

    w.probe.expectMessageClass(RegOk.class);
    w.probe.expectNoMessage(); // adopted, not sent again
    JobView view = job(dispatcher, id);
    assertEquals(JobState.RUNNING, view.state());
    assertEquals("w1", view.worker());
    assertEquals(1, view.attempts());
    w.succeeded(job);
    assertEquals(JobState.SUCCEEDED, awaitFinal(dispatcher, id).state());
  }

  /**
   * A worker found gone just after the master was paused (frozen: the worker, downed meanwhile,
   * joined again from a new node and kept its job, which may have finished) keeps its job for
   * the recovery grace: another worker with a free slot, registered first, does not run it again.
   */
  @Test
  void aWorkerFoundGoneJustAfterAPauseOfTheMasterKeepsItsJobUntilItRegistersAgain() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    Job job = w.expectJob();
    dispatcher.tell(new JobDispatcher.FromMembership(
        new MembershipEvent.WorkerLeft("w1", "lost its process", true)));
    Worker other = admit(dispatcher, "w2", offer(1));

    other.probe.expectNoMessage();
    assertEquals(JobState.RUNNING, job(dispatcher, id).state());
    assertEquals("w1", job(dispatcher, id).worker());
    dispatcher.tell(joined("w1", offer(1), List.of(new RunningJob(id, 1)), w.probe.ref()));
    w.probe.expectMessageClass(RegOk.class);
    w.succeeded(job);
    JobView done = awaitFinal(dispatcher, id);
    assertEquals(JobState.SUCCEEDED, done.state());
    assertEquals(1, done.attempts());
    other.probe.expectNoMessage();
  }

  @Test
  void aWorkerThatComesBackRunningAnAttemptThatRanElsewhereIsToldToKillIt() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    w.expectJob();
    dispatcher.tell(left("w1", "is gone"));
    Worker other = admit(dispatcher, "w2", offer(1));
    assertEquals(2, other.expectJob().attempt());

    dispatcher.tell(joined("w1", offer(1), List.of(new RunningJob(id, 1)),
        w.probe.ref()));

    // the cancel comes before RegOk: the worker lets jobs its lease held go on only at RegOk
    ToWorker.CancelJob kill = w.probe.expectMessageClass(ToWorker.CancelJob.class);
    assertEquals(id, kill.jobId());
    assertEquals(1, kill.attempt());
    w.probe.expectMessageClass(RegOk.class);
    JobView view = job(dispatcher, id);
    assertEquals("w2", view.worker());
    assertEquals(2, view.attempts());
  }

  @Test
  void aNewIncarnationOfAWorkerKeepsWhatItClaimsAndLosesTheRest() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker old = admit(dispatcher, "w1", offer(2));
    List<String> ids = submit(dispatcher, echo(), echo());
    old.expectJob();
    old.expectJob();
    TestProbe<ToWorker> reborn = testKit.createTestProbe();

    dispatcher.tell(joined("w1", offer(2),
        List.of(new RunningJob(ids.get(0), 1)), reborn.ref()));

    reborn.expectMessageClass(RegOk.class);
    Job again = nextJob(reborn, new java.util.ArrayDeque<>(), null);
    assertEquals(ids.get(1), again.jobId());
    assertEquals(2, again.attempt());
    assertEquals(1, job(dispatcher, ids.get(0)).attempts());
    assertEquals(JobState.RUNNING, job(dispatcher, ids.get(0)).state());
    old.probe.expectNoMessage();
  }

  // ---- cancel ----

  @Test
  void cancellingAQueuedJobEndsItAtOnce() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    String id = submit(dispatcher, echo()).get(0);

    CancelReply reply = cancel(dispatcher, id);

    assertNull(reply.error());
    assertEquals(JobState.CANCELLED, reply.view().state());
    assertEquals(JobState.CANCELLED, job(dispatcher, id).state());
    Worker w = admit(dispatcher, "w1", offer(1));
    w.probe.expectNoMessage();
  }

  @Test
  void cancellingARunningJobAsksItsWorkerAndEndsWhenTheWorkerReports() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    Job job = w.expectJob();
    CompletableFuture<Optional<JobView>> waiter = awaiting(dispatcher, id);

    CancelReply reply = cancel(dispatcher, id);

    assertNull(reply.error());
    ToWorker.CancelJob kill = w.probe.expectMessageClass(ToWorker.CancelJob.class);
    assertEquals(id, kill.jobId());
    assertEquals(1, kill.attempt());
    assertEquals(JobState.RUNNING, job(dispatcher, id).state());
    assertFalse(waiter.isDone());

    w.finished(job, result(JobState.CANCELLED, null, "w1", "cancelled by request"));

    assertEquals(JobState.CANCELLED, waiter.join().orElseThrow().state());
  }

  @Test
  void aRunningJobWhoseCancelIsRequestedEndsCancelledEvenIfItsWorkerIsLost() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    Worker other = admit(dispatcher, "w2", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    w.expectJob();
    cancel(dispatcher, id);

    dispatcher.tell(left("w1", "is gone"));

    assertEquals(JobState.CANCELLED, awaitFinal(dispatcher, id).state());
    other.probe.expectNoMessage();
  }

  @Test
  void aRunningJobWhoseCancelIsRequestedIsNotStartedAgainWhenItsWorkerRejectsIt() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    Job job = w.expectJob();
    cancel(dispatcher, id);
    w.probe.expectMessageClass(ToWorker.CancelJob.class);

    w.rejected(job, "no free slot"); // the rejection crossed the cancel

    assertEquals(JobState.CANCELLED, awaitFinal(dispatcher, id).state());
    w.probe.expectNoMessage();
  }

  @Test
  void cancellingAFinishedOrUnknownJobSaysWhyNot() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    w.succeeded(w.expectJob());
    awaitFinal(dispatcher, id);

    CancelReply done = cancel(dispatcher, id);
    assertEquals(JobState.SUCCEEDED, done.view().state());
    assertTrue(done.error().contains("already finished"), done.error());

    CancelReply unknown = cancel(dispatcher, "j999");
    assertNull(unknown.view());
    assertTrue(unknown.error().contains("no job j999"), unknown.error());
  }

  // ---- waiting ----

  @Test
  void awaitJobAnswersWhenTheJobFinishesAndAtOnceWhenItHas() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String id = submit(dispatcher, echo()).get(0);
    Job job = w.expectJob();

    CompletableFuture<Optional<JobView>> waiter = awaiting(dispatcher, id);
    assertEquals(JobState.RUNNING, job(dispatcher, id).state());
    assertFalse(waiter.isDone());
    w.finished(job, result(JobState.SUCCEEDED, 0, "w1", null));

    JobView view = waiter.join().orElseThrow();
    assertEquals(JobState.SUCCEEDED, view.state());
    assertEquals(0, view.exitCode());
    assertEquals("out", view.stdout());

    assertEquals(JobState.SUCCEEDED, awaitFinal(dispatcher, id).state());
    assertEquals(Optional.empty(), awaiting(dispatcher, "j999").join());
  }

  @Test
  void awaitAnyAnswersWithTheFirstOfSeveralJobsToEnd() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(2));
    List<String> ids = submit(dispatcher, echo(), echo());
    Job first = w.expectJob();
    Job second = w.expectJob();

    CompletableFuture<JobDispatcher.Awaited> any =
        asking(dispatcher, r -> new JobDispatcher.AwaitAny(ids, r));
    assertFalse(any.isDone());
    w.finished(second, result(JobState.FAILED, 3, "w1", "exited with code 3"));
    List<JobView> ended = any.join().ended();
    assertEquals(List.of(second.jobId()), ended.stream().map(JobView::id).toList());
    assertEquals(JobState.FAILED, ended.get(0).state());

    // the one that ended is answered at once; the waiter above is not answered twice
    w.finished(first, result(JobState.SUCCEEDED, 0, "w1", null));
    List<JobView> both = JobDispatcherTest.<JobDispatcher.Awaited>asking(dispatcher, r -> new JobDispatcher.AwaitAny(ids, r))
        .join().ended();
    assertEquals(2, both.size());
    assertNotNull(both.get(0).history(), "a job's whole view, its attempts too");
    // an id no job has is answered at once, not waited for: no wait would ever see it end
    JobDispatcher.Awaited unknown = JobDispatcherTest.<JobDispatcher.Awaited>asking(dispatcher,
        r -> new JobDispatcher.AwaitAny(List.of(ids.get(0), "j999"), r)).join();
    assertEquals(List.of("j999"), unknown.unknown());
    assertEquals(List.of(), unknown.ended());
  }

  @Test
  void aFollowerOfARunHearsTheJobsThatEndedTogetherAndGoesOnFromItsCursor() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(3));
    String run = createRun(dispatcher);
    submit(dispatcher, echo().inRun(run, 0), echo().inRun(run, 1), echo().inRun(run, 2));
    Job a = w.expectJob();
    Job b = w.expectJob();
    Job c = w.expectJob();

    CompletableFuture<Optional<Views.RunEndedView>> follow = following(dispatcher, run,
        RunCursor.START, Duration.ofMinutes(1));
    assertFalse(follow.isDone(), "nothing ended yet: it waits");
    w.master().tell(new JobsFinished(List.of( // two finish in one message
        new JobFinished(a.jobId(), a.attempt(), "w1", result(JobState.SUCCEEDED, 0, "w1", null)),
        new JobFinished(b.jobId(), b.attempt(), "w1", result(JobState.SUCCEEDED, 0, "w1", null))),
        w.probe().ref()));
    w.probe().expectMessage(new ToWorker.FinishAck(List.of(
        new RunningJob(a.jobId(), a.attempt()), new RunningJob(b.jobId(), b.attempt()))));
    Views.RunEndedView first = follow.join().orElseThrow();
    assertEquals(List.of(a.jobId(), b.jobId()), ids(first), "both, in one answer");

    RunCursor next = RunCursor.parse(first.next());
    CompletableFuture<Optional<Views.RunEndedView>> then = following(dispatcher, run, next,
        Duration.ofMinutes(1));
    w.finished(c, result(JobState.FAILED, 3, "w1", "exited with code 3"));
    Views.RunEndedView second = then.join().orElseThrow();
    assertEquals(List.of(c.jobId()), ids(second), "only what ended after the cursor");
    assertEquals(List.of(JobState.FAILED, 3), List.of(second.ended().get(0).state(),
        second.ended().get(0).exitCode()));

    // at the end of the log a follower that does not wait hears nothing, and keeps its place
    Views.RunEndedView none = following(dispatcher, run, RunCursor.parse(second.next()),
        Duration.ZERO).join().orElseThrow();
    assertEquals(List.of(), ids(none));
    assertEquals(second.next(), none.next());
    // a cursor of another log (a master that has since rebuilt its book) reads from the start
    assertEquals(3, ids(following(dispatcher, run, new RunCursor("0ther", 2), Duration.ZERO)
        .join().orElseThrow()).size());
    assertEquals(Optional.empty(), following(dispatcher, "r99", RunCursor.START, Duration.ZERO)
        .join());
    assertEquals(0, waiting(dispatcher));
  }

  @Test
  void aFollowerWhoseWaitIsOverHearsThatNothingEndedAndLeavesNoWaiter() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(1));
    String run = createRun(dispatcher);
    submit(dispatcher, echo().inRun(run, 0));
    Job job = w.expectJob();

    Views.RunEndedView over = following(dispatcher, run, RunCursor.START, Duration.ofMillis(300))
        .join().orElseThrow();
    assertEquals(List.of(), ids(over));
    assertEquals(0, waiting(dispatcher));
    // and the job that ends later is the first of the log
    w.succeeded(job);
    assertEquals(List.of(job.jobId()), ids(following(dispatcher, run,
        RunCursor.parse(over.next()), Duration.ofMinutes(1)).join().orElseThrow()));
  }

  /** A run of {@link JobBookTest#SCRIPT}'s three commands; its id. */
  static String createRun(ActorRef<JobDispatcher.Command> dispatcher) {
    return JobDispatcherTest.<String>ask(dispatcher,
        r -> new JobDispatcher.CreateRun("s.sh", "/data", JobBookTest.SCRIPT, r));
  }

  static CompletableFuture<Optional<Views.RunEndedView>> following(
      ActorRef<JobDispatcher.Command> dispatcher, String run, RunCursor after, Duration wait) {
    return asking(dispatcher, r -> new JobDispatcher.AwaitRun(run, after, wait, r));
  }

  static List<String> ids(Views.RunEndedView v) {
    return v.ended().stream().map(JobView::id).toList();
  }

  /** A long poll whose wait is over leaves nothing in the dispatcher, as many clients make. */
  @Test
  void aWaitThatIsOverLeavesNoWaiterBehind() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker w = admit(dispatcher, "w1", offer(2));
    List<String> ids = submit(dispatcher, echo(), echo());
    w.expectJob();
    w.expectJob();

    CompletableFuture<java.util.Optional<JobView>> one = asking(dispatcher,
        r -> new JobDispatcher.AwaitJob(ids.get(0), Duration.ofMillis(300), r));
    CompletableFuture<JobDispatcher.Awaited> any = asking(dispatcher,
        r -> new JobDispatcher.AwaitAny(ids, Duration.ofMillis(300), r));
    assertEquals(2, waiting(dispatcher), "both long polls wait");
    w.probe.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(0, waiting(dispatcher), "their waits are over");
      return null;
    });
    assertFalse(one.isDone() || any.isDone(), "nobody answered them: their callers gave up");
  }

  static int waiting(ActorRef<JobDispatcher.Command> dispatcher) {
    return JobDispatcherTest.<Views.Health>ask(dispatcher, JobDispatcher.GetHealth::new).waiting();
  }

  // ---- local exec ----

  @Test
  void whenNoWorkersTheEmbeddedWorkerRunsJobsOnlyWhileNoExternalWorkerIsRegistered() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.WHEN_NO_WORKERS);
    Worker local = admit(dispatcher, "local", embedded(4));

    String first = submit(dispatcher, echo()).get(0);
    assertEquals(first, local.expectJob().jobId());

    Worker external = admit(dispatcher, "external", offer(1));
    List<String> more = submit(dispatcher, echo(), echo());
    assertEquals(more.get(0), external.expectJob().jobId());
    local.probe.expectNoMessage();
    assertEquals(JobState.QUEUED, job(dispatcher, more.get(1)).state());

    dispatcher.tell(left("external", "is gone"));

    // the external worker's job and the queued one come home
    List<String> home = List.of(local.expectJob().jobId(), local.expectJob().jobId());
    assertTrue(home.containsAll(more), home.toString());
  }

  @Test
  void whenNoWorkersADrainingExternalWorkerNoLongerCounts() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.WHEN_NO_WORKERS);
    Worker local = admit(dispatcher, "local", embedded(1));
    admit(dispatcher, "external", offer(1));

    dispatcher.tell(draining("external"));
    String id = submit(dispatcher, echo()).get(0);

    assertEquals(id, local.expectJob().jobId());
  }

  @Test
  void alwaysKeepsTheEmbeddedWorkerInThePool() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.ALWAYS);
    Worker local = admit(dispatcher, "local", embedded(1));
    Worker external = admit(dispatcher, "external", offer(1));

    List<String> ids = submit(dispatcher, echo(), echo(), echo());

    Job onLocal = local.expectJob();
    Job onExternal = external.expectJob();
    assertEquals(List.of(ids.get(0), ids.get(1)), List.of(onLocal.jobId(), onExternal.jobId()));
    local.succeeded(onLocal);
    assertEquals(ids.get(2), local.expectJob().jobId());
  }

  @Test
  void neverGivesTheEmbeddedWorkerAnything() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker local = admit(dispatcher, "local", embedded(4));

    String id = submit(dispatcher, echo()).get(0);

    local.probe.expectNoMessage();
    assertEquals(JobState.QUEUED, job(dispatcher, id).state());
    assertEquals(List.of(), workers(dispatcher)); // the embedded worker is not listed
  }

  // ---- drain ----

  @Test
  void aDrainingWorkerFinishesWhatItRunsButGetsNoNewJobs() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.NEVER);
    Worker leaving = admit(dispatcher, "leaving", offer(4));
    Worker staying = admit(dispatcher, "staying", offer(2));
    String running = submit(dispatcher, echo()).get(0);
    Job job = leaving.expectJob();

    dispatcher.tell(draining("leaving"));
    List<String> later = submit(dispatcher, echo(), echo());

    assertEquals(later, List.of(staying.expectJob().jobId(), staying.expectJob().jobId()));
    leaving.probe.expectNoMessage();
    assertTrue(workers(dispatcher).stream().filter(v -> v.id().equals("leaving")).findFirst()
        .orElseThrow().draining());
    leaving.succeeded(job);
    assertEquals(JobState.SUCCEEDED, awaitFinal(dispatcher, running).state());
    leaving.probe.expectNoMessage();
  }

  // ---- queries ----

  @Test
  void healthCountsWorkersAndJobsByState() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.WHEN_NO_WORKERS);
    admit(dispatcher, "local", embedded(1));
    Worker w = admit(dispatcher, "w1", offer(1));
    List<String> ids = submit(dispatcher, echo(), echo(), echo());
    w.succeeded(w.expectJob());
    awaitFinal(dispatcher, ids.get(0));
    cancel(dispatcher, ids.get(2));

    Views.Health health = ask(dispatcher, JobDispatcher.GetHealth::new);

    assertEquals(EPOCH, health.masterEpoch());
    assertEquals("when-no-workers", health.localExec());
    assertEquals(1, health.workers());
    assertEquals(1, health.succeeded());
    assertEquals(1, health.running());
    assertEquals(0, health.queued());
    assertEquals(1, health.cancelled());

    List<JobView> succeeded = ask(dispatcher, r -> new JobDispatcher.ListJobs(java.util.Set.of(JobState.SUCCEEDED), 10, r));
    assertEquals(List.of(ids.get(0)), succeeded.stream().map(JobView::id).toList());
    List<JobView> lastTwo = ask(dispatcher, r -> new JobDispatcher.ListJobs(null, 2, r));
    assertEquals(ids.subList(1, 3), lastTwo.stream().map(JobView::id).toList());
  }

  @Test
  void healthShowsTheMastersOwnWorkerWithTheJobsItRuns() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(LocalExec.WHEN_NO_WORKERS);
    assertNull(ask(dispatcher, JobDispatcher.GetHealth::new).local(), "no embedded worker yet");
    Worker local = admit(dispatcher, "local", embedded(2));
    String id = submit(dispatcher, echo()).get(0);
    assertEquals(id, local.expectJob().jobId());

    Views.WorkerView own = ask(dispatcher, JobDispatcher.GetHealth::new).local();

    assertEquals("local", own.id());
    assertEquals(2, own.slots());
    assertEquals(1, own.busy());
    assertEquals(List.of(id), own.jobs());
    assertEquals(List.of(), workers(dispatcher), "not among the workers");
  }

  // ---- the story's helpers ----

  /**
   * The master keeps each worker supplied with jobs beyond its free slots, its workers played by
   * probes: free slots come first, a job that waits on a busy worker while a slot is free
   * elsewhere is asked back, and cancel, dismiss, drain and a worker's death still hold.
   */
  @Nested
  class Prefetch {

    ActorRef<JobDispatcher.Command> dispatcher(int prefetch) {
      return testKit.spawn(JobDispatcher.create("prefetch-" + DISPATCHERS.incrementAndGet(),
          JobDispatcherTest.EPOCH, LocalExec.NEVER, 100_000,
          JobDispatcherTest.SETTINGS.withPrefetch(prefetch), testKit.spawn(Inbox.create()), null));
    }

    @Test
    void aWorkerIsGivenItsPrefetchBeyondItsSlotsAndTheRestWaitsInTheQueue() {
      ActorRef<JobDispatcher.Command> dispatcher = dispatcher(2);
      Worker w = admit(dispatcher, "w1", offer(1));

      List<String> ids = submit(dispatcher, echo(), echo(), echo(), echo());

      assertEquals(ids.subList(0, 3), List.of(w.expectJob().jobId(), w.expectJob().jobId(),
          w.expectJob().jobId()), "one for its slot and two ahead");
      w.probe().expectNoMessage(Duration.ofMillis(100));
      assertEquals(JobState.QUEUED, job(dispatcher, ids.get(3)).state());
    }

    @Test
    void theMastersOwnWorkerIsGivenNoJobBeyondItsSlots() {
      ActorRef<JobDispatcher.Command> dispatcher = testKit.spawn(JobDispatcher.create(
          "prefetch-" + DISPATCHERS.incrementAndGet(), JobDispatcherTest.EPOCH, LocalExec.ALWAYS,
          100_000, JobDispatcherTest.SETTINGS.withPrefetch(2), testKit.spawn(Inbox.create()),
          null));
      Worker local = admit(dispatcher, "local", embedded(1));

      List<String> ids = submit(dispatcher, echo(), echo());

      assertEquals(ids.get(0), local.expectJob().jobId());
      local.probe().expectNoMessage(Duration.ofMillis(100));
      assertEquals(JobState.QUEUED, job(dispatcher, ids.get(1)).state());
    }

    @Test
    void freeSlotsComeFirstSoThatEveryWorkerGetsWorkWhenJobsAreFew() {
      ActorRef<JobDispatcher.Command> dispatcher = dispatcher(2);
      Worker a = admit(dispatcher, "a", offer(1));
      Worker b = admit(dispatcher, "b", offer(1));

      List<String> ids = submit(dispatcher, echo(), echo());

      assertEquals(ids.get(0), a.expectJob().jobId());
      assertEquals(ids.get(1), b.expectJob().jobId(), "not prefetched on a while b idles");
    }

    @Test
    void aJobWaitingOnABusyWorkerIsAskedBackForAWorkerWithAFreeSlot() {
      ActorRef<JobDispatcher.Command> dispatcher = dispatcher(1);
      Worker busy = admit(dispatcher, "busy", offer(1));
      List<String> ids = submit(dispatcher, echo(), echo());
      Job running = busy.expectJob();
      Job waiting = busy.expectJob();
      assertEquals(ids.get(1), waiting.jobId());

      Worker idle = admit(dispatcher, "idle", offer(1));

      ToWorker.HandBack back = busy.probe().expectMessageClass(ToWorker.HandBack.class);
      assertEquals(new ToWorker.HandBack(waiting.jobId(), waiting.attempt()), back);
      idle.probe().expectNoMessage(Duration.ofMillis(100)); // it stays there until handed back
      busy.rejected(waiting, "handed back: it had not started, waiting here for a slot");
      Job moved = idle.expectJob();
      assertEquals(waiting.jobId(), moved.jobId());
      assertEquals(1, moved.attempt(), "the attempt handed back never ran: its number is reused");
      idle.succeeded(moved);
      busy.succeeded(running);
      assertEquals(JobState.SUCCEEDED, job(dispatcher, ids.get(1)).state());
      assertEquals("idle", job(dispatcher, ids.get(1)).worker());
    }

    @Test
    void aPrefetchedJobIsCancelledOnItsWorker() {
      ActorRef<JobDispatcher.Command> dispatcher = dispatcher(1);
      Worker w = admit(dispatcher, "w1", offer(1));
      List<String> ids = submit(dispatcher, echo(), echo());
      w.expectJob();
      Job waiting = w.expectJob();

      assertEquals(null, cancel(dispatcher, ids.get(1)).error());

      ToWorker.CancelJob sent = w.probe().expectMessageClass(ToWorker.CancelJob.class);
      assertEquals(waiting.jobId(), sent.jobId());
      w.finished(waiting, swamp.protocol.JobResult.notStarted(JobState.CANCELLED, "w1",
          sent.reason()));
      assertEquals(JobState.CANCELLED, job(dispatcher, ids.get(1)).state());
    }

    @Test
    void theJobsOfAWorkerThatDiesWithJobsPrefetchedRunElsewhereEachOnce() {
      ActorRef<JobDispatcher.Command> dispatcher = dispatcher(2);
      Worker dies = admit(dispatcher, "dies", offer(1));
      List<String> ids = submit(dispatcher, echo(), echo(), echo());
      for (int i = 0; i < 3; i++) {
        dies.expectJob();
      }

      dispatcher.tell(left("dies", "its node is gone"));
      Worker other = admit(dispatcher, "other", offer(3));

      List<String> again = List.of(other.expectJob().jobId(), other.expectJob().jobId(),
          other.expectJob().jobId());
      assertEquals(ids, again);
      other.probe().expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void aDrainingWorkerIsAskedForItsWaitingJobsAndWhatItHandsBackRunsElsewhere() {
      ActorRef<JobDispatcher.Command> dispatcher = dispatcher(1);
      Worker retiring = admit(dispatcher, "retiring", offer(1));
      List<String> ids = submit(dispatcher, echo(), echo());
      Job running = retiring.expectJob();
      Job waiting = retiring.expectJob();

      dispatcher.tell(draining("retiring")); // near its walltime, or dismissed

      assertEquals(new ToWorker.HandBack(waiting.jobId(), waiting.attempt()),
          retiring.probe().expectMessageClass(ToWorker.HandBack.class));
      retiring.rejected(waiting, "handed back: it had not started, waiting here for a slot");
      Worker fresh = admit(dispatcher, "fresh", offer(1));
      assertEquals(ids.get(1), fresh.expectJob().jobId());
      retiring.succeeded(running);
      JobView first = job(dispatcher, ids.get(0));
      assertEquals(JobState.SUCCEEDED, first.state());
      assertTrue(first.worker().equals("retiring"));
    }
  }

  /**
   * A worker played by a probe; it reports through the dispatcher ref its RegOk carried. {@code
   * given} keeps the jobs of a {@link ToWorker.Jobs} not yet looked at.
   */
  record Worker(String id, TestProbe<ToWorker> probe, ActorRef<ToMaster> master,
      java.util.Deque<Job> given) {
    Job expectJob() {
      return nextJob(probe, given, null);
    }

    void succeeded(Job job) {
      finished(job, result(JobState.SUCCEEDED, 0, id, null));
    }

    /** Reports the finish; the master acknowledges it once it is recorded. */
    void finished(Job job, JobResult result) {
      master.tell(new JobsFinished(List.of(new JobFinished(job.jobId(), job.attempt(), id,
          result)), probe.ref()));
      expectRecorded(probe, given, List.of(new RunningJob(job.jobId(), job.attempt())));
    }

    void rejected(Job job, String reason) {
      master.tell(new JobRejected(job.jobId(), job.attempt(), id, reason, probe.ref()));
    }
  }

  /**
   * A job that only a failing source could serve says so, in its view and on the open
   * dashboards' feed, as soon as the scaler tells; and no more once the source works again.
   */
  @Test
  void aJobOnlyFailingSourcesCouldServeSaysSoAndTheFeedHears() {
    ActorRef<JobDispatcher.Command> dispatcher = testKit.spawn(JobDispatcher.create(
        "sources-" + DISPATCHERS.incrementAndGet(), EPOCH, LocalExec.NEVER, 100_000, SETTINGS,
        java.util.Map.<String, java.util.function.Predicate<JobSpec>>of(
            "cluster", spec -> spec.requires().contains("gpu")),
        testKit.spawn(Inbox.create()), null));
    TestProbe<Watchers.Changed> feed = testKit.createTestProbe();
    dispatcher.tell(new Watchers.Watch(feed.ref()));
    String id = submit(dispatcher, spec(List.of("gpu"), 1)).get(0);
    assertEquals(null, job(dispatcher, id).reason(), "the source could start a worker for it");
    feed.receiveMessage(Duration.ofSeconds(10)); // its submission

    dispatcher.tell(new JobDispatcher.SourcesFailing(java.util.Map.of("cluster",
        "1 spawn(s) in a row failed, the last: spawn cluster-a-1: could not be submitted")));
    Views.JobView told = feed.receiveMessage(Duration.ofSeconds(10)).jobs().get(0);
    assertEquals(id, told.id());
    String why = "no registered worker can take it, and the worker directory's source cluster"
        + " fails to start one: 1 spawn(s) in a row failed, the last: spawn cluster-a-1: could not"
        + " be submitted";
    assertEquals(why, told.reason());
    assertEquals(why, job(dispatcher, id).reason());

    dispatcher.tell(new JobDispatcher.SourcesFailing(java.util.Map.of()));
    assertEquals(null, feed.receiveMessage(Duration.ofSeconds(10)).jobs().get(0).reason());
    assertEquals(null, job(dispatcher, id).reason());
  }

  static final java.util.concurrent.atomic.AtomicInteger DISPATCHERS =
      new java.util.concurrent.atomic.AtomicInteger();
  static final JobDispatcher.Settings SETTINGS =
      new JobDispatcher.Settings(1000, Duration.ofSeconds(60), Duration.ZERO);

  static ActorRef<JobDispatcher.Command> dispatcher(LocalExec localExec) {
    return testKit.spawn(JobDispatcher.create("dispatcher-" + DISPATCHERS.incrementAndGet(), EPOCH,
        localExec, 100_000, SETTINGS, testKit.spawn(Inbox.create()), null));
  }

  /** What the registry publishes when it admits a worker (or admits it again). */
  static JobDispatcher.FromMembership joined(String id, WorkerOffer offer,
      List<RunningJob> running, ActorRef<ToWorker> worker) {
    return new JobDispatcher.FromMembership(
        new MembershipEvent.WorkerJoined(id, offer, running, worker));
  }

  static JobDispatcher.FromMembership left(String id, String reason) {
    return new JobDispatcher.FromMembership(new MembershipEvent.WorkerLeft(id, reason));
  }

  static JobDispatcher.FromMembership draining(String id) {
    return new JobDispatcher.FromMembership(new MembershipEvent.WorkerDraining(id));
  }

  static Worker admit(ActorRef<JobDispatcher.Command> dispatcher, String id, WorkerOffer offer) {
    TestProbe<ToWorker> probe = testKit.createTestProbe();
    dispatcher.tell(joined(id, offer, List.of(), probe.ref()));
    // the first dispatcher of the JVM also starts the journal (H2, Slick): seconds on a busy machine
    RegOk ok = probe.expectMessageClass(RegOk.class, Duration.ofSeconds(30));
    return new Worker(id, probe, ok.master(), new java.util.ArrayDeque<>());
  }

  /**
   * The next job sent to {@code probe}, whether it came alone or with others in a {@link
   * ToWorker.Jobs} (what one dispatch gives one worker); {@code given} keeps the others. Waits
   * up to {@code max}, or the test kit's default when null.
   */
  static Job nextJob(TestProbe<ToWorker> probe, java.util.Deque<Job> given, Duration max) {
    if (!given.isEmpty()) {
      return given.poll();
    }
    ToWorker m = max == null ? probe.expectMessageClass(ToWorker.class)
        : probe.expectMessageClass(ToWorker.class, max);
    if (m instanceof ToWorker.Jobs jobs) {
      given.addAll(jobs.jobs());
      return given.poll();
    }
    assertTrue(m instanceof Job, "expected a job, got " + m);
    return (Job) m;
  }

  /**
   * The master's acknowledgement of {@code finishes}: alone ({@link ToWorker.FinishAck}), or
   * within the {@link ToWorker.Jobs} that takes their slots, whose jobs {@code given} keeps.
   */
  static void expectRecorded(TestProbe<ToWorker> probe, java.util.Deque<Job> given,
      List<RunningJob> finishes) {
    ToWorker m = probe.expectMessageClass(ToWorker.class);
    if (m instanceof ToWorker.Jobs jobs && !jobs.recorded().isEmpty()) {
      assertEquals(finishes, jobs.recorded());
      given.addAll(jobs.jobs());
    } else {
      assertEquals(new ToWorker.FinishAck(finishes), m);
    }
  }

  /** The next {@code n} jobs sent to {@code probe}, alone or together; no more. */
  static List<Job> expectJobs(TestProbe<ToWorker> probe, int n, Duration max) {
    java.util.Deque<Job> given = new java.util.ArrayDeque<>();
    List<Job> jobs = new ArrayList<>();
    while (jobs.size() < n) {
      jobs.add(nextJob(probe, given, max));
    }
    assertTrue(given.isEmpty(), "more jobs than " + n + ": " + given);
    return jobs;
  }

  /**
   * Clients' questions go by ask, as the HTTP API's do: their answers (lists, optionals, views)
   * are local-only and would not pass serialize-messages on their way to a probe.
   */
  static <T> CompletableFuture<T> asking(ActorRef<JobDispatcher.Command> dispatcher,
      Function<ActorRef<T>, JobDispatcher.Command> question) {
    return AskPattern.ask(dispatcher, question, ASK_TIMEOUT, testKit.scheduler())
        .toCompletableFuture();
  }

  static <T> T ask(ActorRef<JobDispatcher.Command> dispatcher,
      Function<ActorRef<T>, JobDispatcher.Command> question) {
    return asking(dispatcher, question).join();
  }

  static List<String> submit(ActorRef<JobDispatcher.Command> dispatcher, JobSpec... specs) {
    return JobDispatcherTest.<JobDispatcher.Submitted>ask(dispatcher,
        r -> new Submit(List.of(specs), r)).ids();
  }

  static JobView job(ActorRef<JobDispatcher.Command> dispatcher, String id) {
    return JobDispatcherTest.<Optional<JobView>>ask(dispatcher, r -> new GetJob(id, r)).orElseThrow();
  }

  static CompletableFuture<Optional<JobView>> awaiting(ActorRef<JobDispatcher.Command> dispatcher,
      String id) {
    return asking(dispatcher, r -> new AwaitJob(id, r));
  }

  static JobView awaitFinal(ActorRef<JobDispatcher.Command> dispatcher, String id) {
    return awaiting(dispatcher, id).join().orElseThrow();
  }

  static List<WorkerView> workers(ActorRef<JobDispatcher.Command> dispatcher) {
    return ask(dispatcher, JobDispatcher.ListWorkers::new);
  }

  static CancelReply cancel(ActorRef<JobDispatcher.Command> dispatcher, String id) {
    return ask(dispatcher, r -> new JobDispatcher.CancelJob(id, r));
  }

  static JobSpec echo() {
    return JobSpec.of(List.of("echo", "x"));
  }

  static JobSpec spec(List<String> requires, int slots) {
    return new JobSpec(List.of("ncks", "in.nc"), Map.of(), null, requires, slots, 0,
        JobSpec.DEFAULT_MAX_ATTEMPTS);
  }

  public static WorkerOffer offer(int slots, String... labels) {
    return new WorkerOffer("host", "pekko://swamp@host:1", slots, List.of(labels), List.of("*"), 0,
        "0.1.0", false);
  }

  public static WorkerOffer embedded(int slots) {
    return new WorkerOffer("master", "pekko://swamp@master:1", slots, List.of(), List.of("*"), 0,
        "0.1.0", true);
  }

  static JobResult result(JobState state, Integer exitCode, String workerId, String reason) {
    long now = System.currentTimeMillis();
    return new JobResult(state, exitCode, "out", "", false, workerId, 1234L, now - 5, now, reason);
  }
}
