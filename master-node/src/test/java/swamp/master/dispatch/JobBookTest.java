package swamp.master.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.JobBook.Assignment;
import swamp.master.dispatch.SlotTable.Worker;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.WorkerOffer;

/** The dispatcher's state and its assignment rules, without actors. */
class JobBookTest {

  private final JobBook book = new JobBook(LocalExec.NEVER, 100);
  private long now = 1_000;

  @Test
  void theOldestQueuedJobGoesFirst() {
    Worker nco = join("nco", 3, false, "nco");
    Job first = submit(List.of("nco"), 1);
    Job second = submit(List.of(), 1);
    Job third = submit(List.of("nco"), 1);

    assertEquals(List.of(first, second, third), jobs(book.assign(now)));
    assertEquals(3, nco.usedSlots);
  }

  @Test
  void aJobNobodyCanRunYetHoldsUpNoJobWithOtherRequirements() {
    join("plain", 2, false);
    Job nco = submit(List.of("nco"), 1);
    Job a = submit(List.of(), 1);
    Job b = submit(List.of(), 1);

    assertEquals(List.of(a, b), jobs(book.assign(now)));
    assertEquals(JobState.QUEUED, nco.state);

    join("nco-worker", 1, false, "nco", "gpu");
    assertEquals(List.of(nco), jobs(book.assign(now)));
  }

  /**
   * A job goes to a worker whose allow-list names its programs (a launcher's too), never to one
   * that would refuse it while another allows them; waiting for a busy one that allows them holds
   * up no job of other programs; and when no worker allows them, a worker takes it and says why.
   */
  @Test
  void aJobGoesOnlyToAWorkerThatAllowsItsPrograms() {
    Worker plain = joinAllowing("plain", 2, "ncks", "ncra", "env");
    Worker python = joinAllowing("python", 1, "python3", "ncks", "env");
    Job py1 = submitRunning("python3", "-c", "print(1)");
    Job py2 = submitRunning("env", "X=1", "python3", "-c", "print(2)");
    Job nco = submitRunning("ncra", "a.nc", "b.nc");

    List<Assignment> out = book.assign(now);
    assertEquals(List.of(new Assignment(py1, python), new Assignment(nco, plain)), out, "py2 waits for python");
    assertEquals(JobState.QUEUED, py2.state);

    Job nobody = submitRunning("cdo", "mergetime");
    assertEquals(List.of(new Assignment(nobody, plain)), book.assign(now),
        "no worker allows cdo: one takes it, and its refusal names the program");
  }

  @Test
  void aJobWiderThanAnyFreeWorkerHoldsUpNoNarrowerJob() {
    join("two-slots", 2, false);
    Job wide = submit(List.of(), 4);
    Job narrow = submit(List.of(), 1);

    assertEquals(List.of(narrow), jobs(book.assign(now)));
    assertEquals(JobState.QUEUED, wide.state);
  }

  @Test
  void theWorkerWithTheMostFreeSlotsWinsAndTheFirstRegisteredBreaksATie() {
    Worker a = join("a", 2, false);
    Worker b = join("b", 3, false);
    submit(List.of(), 1);
    submit(List.of(), 1);
    submit(List.of(), 1);

    List<Assignment> out = book.assign(now);

    assertEquals(List.of(b, a, b), out.stream().map(Assignment::worker).toList());
  }

  @Test
  void aJobTakesAsManySlotsAsItAsksFor() {
    Worker small = join("small", 2, false);
    Worker big = join("big", 4, false);
    Job wide = submit(List.of(), 3);

    assertEquals(List.of(new Assignment(wide, big)), book.assign(now));
    assertEquals(1, big.freeSlots());
    assertEquals(2, small.freeSlots());

    book.finish(wide, result(JobState.SUCCEEDED), now);
    assertEquals(4, big.freeSlots());
  }

  @Test
  void aDispatchCountsAnAttemptAndRecordsTheWorker() {
    Worker w = join("w", 1, false);
    Job job = submit(List.of(), 1);

    book.assign(now);

    assertEquals(JobState.RUNNING, job.state);
    assertEquals(1, job.attempt);
    assertEquals("w", job.workerId);
    assertEquals(job, w.running.get(job.id));
    assertEquals(1, book.count(JobState.RUNNING));
    assertEquals(0, book.count(JobState.QUEUED));
  }

  @Test
  void aRequeuedJobWaitsInFrontOfItsQueue() {
    join("w", 1, false);
    Job first = submit(List.of(), 1);
    Job later = submit(List.of(), 1);
    book.assign(now);

    book.requeue(first, "rejected", 0);

    assertEquals(JobState.QUEUED, first.state);
    assertNull(first.workerId);
    assertEquals(List.of(first), jobs(book.assign(now)));
    assertEquals(2, first.attempt);
    assertEquals(JobState.QUEUED, later.state);
  }

  @Test
  void aJobEndedWhileQueuedIsSkipped() {
    Job cancelled = submit(List.of(), 1);
    Job next = submit(List.of(), 1);
    assertEquals(List.of(), book.assign(now)); // no worker yet

    book.end(cancelled, JobState.CANCELLED, "cancelled before it ran", now);
    join("w", 1, false);

    assertEquals(List.of(next), jobs(book.assign(now)));
    assertEquals(JobState.CANCELLED, cancelled.state);
    assertEquals(0, cancelled.attempt);
    assertEquals(1, book.count(JobState.CANCELLED));
  }

  @Test
  void aWorkerThatLeavesHandsBackWhatItRan() {
    Worker w = join("w", 2, false);
    Job a = submit(List.of(), 1);
    Job b = submit(List.of(), 1);
    book.assign(now);

    List<Job> lost = book.slots().left("w");

    assertEquals(List.of(a, b), lost);
    assertNull(book.slots().worker("w"));
    assertTrue(w.running.isEmpty());
    assertEquals(List.of(), book.slots().left("w"));
  }

  @Test
  void theEmbeddedWorkerIsUsedAsLocalExecSays() {
    JobBook never = new JobBook(LocalExec.NEVER, 10);
    JobBook always = new JobBook(LocalExec.ALWAYS, 10);
    JobBook whenNoWorkers = new JobBook(LocalExec.WHEN_NO_WORKERS, 10);
    for (JobBook b : List.of(never, always, whenNoWorkers)) {
      b.slots().joined(worker("local", 2, true));
    }

    assertFalse(never.slots().usable(never.slots().worker("local")));
    assertTrue(always.slots().usable(always.slots().worker("local")));
    assertTrue(whenNoWorkers.slots().usable(whenNoWorkers.slots().worker("local")));

    Worker external = worker("external", 1, false);
    whenNoWorkers.slots().joined(external);
    always.slots().joined(worker("external", 1, false));
    assertFalse(whenNoWorkers.slots().usable(whenNoWorkers.slots().worker("local")));
    assertTrue(always.slots().usable(always.slots().worker("local")));

    whenNoWorkers.slots().draining(external); // a leaving worker no longer counts
    assertTrue(whenNoWorkers.slots().usable(whenNoWorkers.slots().worker("local")));
    whenNoWorkers.slots().left("external"); // nor does it count twice when it is gone
    assertEquals(0, whenNoWorkers.slots().externalWorkers());
  }

  @Test
  void aDrainingWorkerGetsNothing() {
    Worker leaving = join("leaving", 4, false);
    Worker staying = join("staying", 1, false);
    book.slots().draining(leaving);
    submit(List.of(), 1);
    submit(List.of(), 1);

    List<Assignment> out = book.assign(now);

    assertEquals(List.of(staying), out.stream().map(Assignment::worker).toList());
    assertEquals(1, book.slots().externalWorkers()); // only the staying one counts
  }

  @Test
  void aCancelRequestedWhileRunningWinsOverTheResult() {
    join("w", 1, false);
    Job job = submit(List.of(), 1);
    book.assign(now);
    job.cancelRequested = true;

    book.finish(job, result(JobState.SUCCEEDED), now);

    assertEquals(JobState.CANCELLED, job.state);
    assertEquals(0, book.count(JobState.RUNNING));
    assertEquals(1, book.count(JobState.CANCELLED));
  }

  @Test
  void finishedJobsAreForgottenOldestFirstBeyondTheRetainedNumber() {
    JobBook small = new JobBook(LocalExec.NEVER, 2);
    small.slots().joined(worker("w", 10, false));
    JobEvent.NewJob t = new JobEvent.NewJob(null, JobSpec.of(List.of("true")));
    List<Job> jobs = small.submit(List.of(t, t, t, t), now);
    small.assign(now);

    for (Job j : jobs.subList(0, 3)) {
      small.finish(j, result(JobState.SUCCEEDED), now);
    }

    assertNull(small.job(jobs.get(0).id));
    assertEquals(jobs.get(1), small.job(jobs.get(1).id));
    assertEquals(jobs.get(3), small.job(jobs.get(3).id)); // running jobs are never forgotten
    assertEquals(2, small.count(JobState.SUCCEEDED));
    assertEquals(1, small.count(JobState.RUNNING));
  }

  @Test
  void replayingTheEventsRebuildsTheSameJobsWithRunningOnesOrphaned() {
    book.slots().joined(worker("w1", 3, false));
    Job a = submit(List.of(), 1);
    Job b = submit(List.of(), 1);
    Job c = submit(List.of(), 1);
    book.assign(now);
    book.finish(a, result(JobState.SUCCEEDED), now);
    book.lostWorker(b);
    book.requeue(b, "rejected", 0);
    book.requestCancel(c);
    List<JobEvent> events = book.takeEvents();

    JobBook replayed = new JobBook(LocalExec.NEVER, 100);
    events.forEach(replayed::apply);

    assertEquals(JobState.SUCCEEDED, replayed.job(a.id).state);
    assertEquals(JobState.QUEUED, replayed.job(b.id).state);
    assertEquals(1, replayed.job(b.id).workerLosses);
    assertEquals(JobState.RUNNING, replayed.job(c.id).state);
    assertTrue(replayed.job(c.id).cancelRequested);
    // w1 has not registered with the replayed book: its job is an orphan, not on any slot
    assertEquals(List.of(replayed.job(c.id)), replayed.slots().orphansOf("w1"));
    assertEquals(0, replayed.slots().workers().size());
  }

  @Test
  void aJobKeepsItsAttemptsWithTheirWorkersTimesAndEndsThroughAReplayAndASnapshot() {
    book.slots().joined(worker("w1", 1, false));
    Job job = submit(List.of(), 1);
    Job waits = submit(List.of(), 1);
    book.assign(10);
    assertNull(waits.history, "a job that never started keeps no history");
    for (Job lost : book.slots().left("w1")) {
      book.lostWorker(lost);
      book.requeue(lost, "worker w1 lost (killed)", 20);
    }
    book.slots().joined(worker("w2", 1, false));
    book.assign(30);
    book.finish(job, new JobResult(JobState.SUCCEEDED, 0, "", "", false, "w2", 77L, 31, 40,
        null), 41);
    book.assign(41);
    List<Job.Attempt> expected = List.of(
        new Job.Attempt(1, "w1", 10, 20, "requeued: worker w1 lost (killed)"),
        new Job.Attempt(2, "w2", 30, 40, "SUCCEEDED (exit 0)"));
    assertEquals(expected, job.attempts());
    assertEquals(List.of(new Job.Attempt(1, "w2", 41, 0, null)),
        waits.attempts(), "it started on w2 once the job ended; it runs");

    JobBook replayed = new JobBook(LocalExec.NEVER, 100);
    book.takeEvents().forEach(replayed::apply);
    assertEquals(expected, replayed.job(job.id).attempts());
    JobBook restored = BookSnapshots.restore(BookSnapshots.of(replayed), LocalExec.NEVER, 100);
    assertEquals(expected, restored.job(job.id).attempts());
    assertEquals(waits.attempts(), restored.job(waits.id).attempts());
  }

  @Test
  void aJobKeepsOnlyItsLastAttemptsAndARejectionSaysWhoRejectedIt() {
    book.slots().joined(worker("w1", 1, false));
    Job job = submit(List.of(), 1);
    for (int i = 0; i < Job.MAX_HISTORY + 3; i++) {
      book.assign(100 + i);
      book.requeue(job, "rejected by worker w1 (busy)", 200 + i);
    }
    List<Job.Attempt> history = job.attempts();
    assertEquals(Job.MAX_HISTORY, history.size());
    assertEquals(4, history.get(0).number(), "the oldest three went");
    assertEquals(Job.MAX_HISTORY + 3, history.get(history.size() - 1).number());
    assertEquals("requeued: rejected by worker w1 (busy)", history.get(0).outcome());
  }

  @Test
  void aSnapshotRestoresJobsQueueOrderAndKeys() {
    book.slots().joined(worker("w1", 1, false));
    Job first = book.submit(List.of(new JobEvent.NewJob("k-1", JobSpec.of(List.of("true")))),
        now).get(0);
    Job second = submit(List.of(), 1);
    Job third = submit(List.of(), 1);
    book.assign(now); // first runs on w1
    book.finish(first, result(JobState.SUCCEEDED), now);
    book.assign(now); // second runs
    book.requeue(second, "rejected", 0); // back in front of third

    JobBook restored = BookSnapshots.restore(BookSnapshots.of(book), LocalExec.NEVER, 100);

    assertEquals(JobState.SUCCEEDED, restored.job(first.id).state);
    assertEquals(List.of(first.id), restored.submit(List.of(new JobEvent.NewJob("k-1",
        JobSpec.of(List.of("true")))), now).stream().map(j -> j.id).toList());
    restored.slots().joined(worker("w2", 1, false));
    assertEquals(List.of(second.id), restored.assign(now).stream().map(a -> a.job().id).toList());
    assertEquals(JobState.QUEUED, restored.job(third.id).state);
    assertEquals("j" + (third.seq + 1), restored.submit(List.of(new JobEvent.NewJob(null,
        JobSpec.of(List.of("true")))), now).get(0).id); // numbering goes on
  }

  @Test
  void aKeyGivenAgainYieldsTheSameJobAndNoEvent() {
    JobEvent.NewJob keyed = new JobEvent.NewJob("run-42", JobSpec.of(List.of("true")));
    Job once = book.submit(List.of(keyed), now).get(0);
    book.takeEvents();

    List<Job> again = book.submit(List.of(keyed, keyed), now);

    assertEquals(List.of(once, once), again);
    assertEquals(List.of(), book.takeEvents());
    assertEquals(1, book.count(JobState.QUEUED));
  }

  @Test
  void finishedJobsOlderThanTheRetentionPeriodAreForgotten() {
    book.slots().joined(worker("w", 2, false));
    Job old = submit(List.of(), 1);
    Job recent = submit(List.of(), 1);
    book.assign(now);
    book.finish(old, result(JobState.SUCCEEDED), 1_000);
    book.finish(recent, result(JobState.SUCCEEDED), 5_000);

    assertEquals(1, book.forget(2_000));

    assertNull(book.job(old.id));
    assertEquals(recent, book.job(recent.id));
    assertEquals(1, book.count(JobState.SUCCEEDED));
  }

  @Test
  void recentListsTheLastJobsOldestFirst() {
    Job a = submit(List.of(), 1);
    Job b = submit(List.of(), 1);
    Job c = submit(List.of(), 1);
    book.end(b, JobState.CANCELLED, "cancelled before it ran", now);

    assertEquals(List.of(b, c), book.recent(null, null, 2));
    assertEquals(List.of(a, c), book.recent(java.util.Set.of(JobState.QUEUED), null, 10));
  }

  @Test
  void recentListsTheJobsOfOneWorker() {
    join("w1", 1, false);
    Job onW1 = submit(List.of(), 1);
    book.assign(now);
    join("w2", 1, false);
    Job onW2 = submit(List.of(), 1);
    book.assign(now);
    Job queued = submit(List.of(), 1);

    assertEquals(List.of(onW1), book.recent(null, "w1", 10));
    assertEquals(List.of(onW2), book.recent(java.util.Set.of(JobState.RUNNING), "w2", 10));
    assertEquals(List.of(onW1, onW2, queued), book.recent(null, null, 10));
  }

  @Test
  void localExecIsReadFromItsSettingName() {
    assertEquals(LocalExec.WHEN_NO_WORKERS, LocalExec.parse("when-no-workers"));
    assertEquals("always", LocalExec.parse("always").toString());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> LocalExec.parse("sometimes"));
    assertTrue(e.getMessage().contains("'sometimes'"));
  }

  // ---- runs ----

  static final List<JobEvent.RunCommand> SCRIPT = List.of(
      new JobEvent.RunCommand(0, 3, "ncks in.nc > a.txt", List.of("ncks", "in.nc"), List.of()),
      new JobEvent.RunCommand(1, 4, "ncks a.nc", List.of("ncks", "a.nc"), List.of(0)),
      new JobEvent.RunCommand(2, 7, "wc -l a.txt", List.of("wc", "-l", "a.txt"), List.of(0)));

  @Test
  void aStepThatRunsNothingIsADecisionNotAWaitingCommand() {
    List<JobEvent.RunCommand> script = List.of(SCRIPT.get(0),
        new JobEvent.RunCommand(1, 4, "exit 1", List.of(), List.of(0)), // 'ncks ... || exit 1'
        new JobEvent.RunCommand(2, 5, "status: #0's if #0 fails, else 0", List.of(), List.of(0)));
    Runs.Run run = book.createRun("check.sh", "/data", script, now);
    assertEquals(List.of("WAITING", "DECISION", "DECISION"),
        Views.RunView.of(run).commands().stream().map(Views.StepView::state).toList());
    Views.RunSummaryView summary = Views.RunSummaryView.of(run);
    assertEquals(List.of(1, 1), List.of(summary.commands(), summary.waiting()));
  }

  /**
   * Steps a run's client decided not to run show as {@code NOT_RUN}, not as waiting, through a
   * snapshot too; one that ran cannot be marked, and a job submitted for one later shows again.
   */
  @Test
  void stepsItsClientDidNotRunShowAsNotRun() {
    Runs.Run run = book.createRun("check.sh", "/data", SCRIPT, now);
    Job first = submitStep("r1", 0);
    assertEquals(DispatcherProtocol.RunRefused.Kind.HAS_JOB,
        book.runs().notRunProblem("r1", List.of(2, 0)).kind());
    assertEquals("step 0 of run r1 was submitted as job " + first.id
        + ": only a step without a job can be marked as not run",
        book.runs().notRunProblem("r1", List.of(0)).why());
    assertEquals(DispatcherProtocol.RunRefused.Kind.NO_STEP,
        book.runs().notRunProblem("r1", List.of(3)).kind());
    assertEquals("no run r9", book.runs().notRunProblem("r9", List.of(0)).why());
    assertNull(book.runs().notRunProblem("r1", List.of(1, 2)));

    book.notRun("r1", List.of(1, 2));
    assertEquals(List.of("QUEUED", "NOT_RUN", "NOT_RUN"),
        Views.RunView.of(run).commands().stream().map(Views.StepView::state).toList());
    Views.RunSummaryView summary = Views.RunSummaryView.of(run);
    assertEquals(List.of(3, 1, 0, 2), List.of(summary.commands(), summary.queued(),
        summary.waiting(), summary.notRun()));

    JobBook restored = BookSnapshots.restore(BookSnapshots.of(book), LocalExec.NEVER, 100);
    assertEquals(List.of("QUEUED", "NOT_RUN", "NOT_RUN"), Views.RunView.of(restored.runs().get("r1"))
        .commands().stream().map(Views.StepView::state).toList());

    submitStep("r1", 2); // a client that ran it after all
    assertEquals("QUEUED", Views.RunView.of(run).commands().get(2).state());
    assertEquals(1, Views.RunSummaryView.of(run).notRun());
  }

  /**
   * A script planned as it runs adds the commands it plans later to its run: they take jobs and
   * show like the others, through a snapshot too; sent again, they are taken again, and one that
   * does not follow on, or says another command for a step the run has, is refused.
   */
  @Test
  void aRunTakesTheCommandsItsClientPlansAsItRuns() {
    Runs.Run run = book.createRun("check.sh", "/data", SCRIPT, now);
    JobEvent.RunCommand anomaly = new JobEvent.RunCommand(3, 9, "ncap2 -s 'T=T-291.5' in.nc anom.nc",
        List.of("ncap2", "-s", "T=T-291.5", "in.nc", "anom.nc"), List.of(1));
    JobEvent.RunCommand echo = new JobEvent.RunCommand(4, 10, "echo done", List.of("echo", "done"), List.of());
    assertEquals("run r1 has 3 commands: the commands added start at step 3, not 4",
        book.runs().addProblem("r1", List.of(echo)).why());
    assertEquals("no run r9", book.runs().addProblem("r9", List.of(anomaly)).why());
    assertNull(book.runs().addProblem("r1", List.of(anomaly, echo)));

    book.addSteps("r1", List.of(anomaly, echo));
    assertEquals(5, run.commands.size());
    submitStep("r1", 4);
    assertEquals(List.of("WAITING", "WAITING", "WAITING", "WAITING", "QUEUED"),
        Views.RunView.of(run).commands().stream().map(Views.StepView::state).toList());
    assertNull(book.runs().problem(List.of(JobSpec.of(List.of("ncap2")).inRun("r1", 3))), "step 3 takes a job");

    assertNull(book.runs().addProblem("r1", List.of(echo)), "sent again after a lost answer: the same");
    book.addSteps("r1", List.of(echo));
    assertEquals(5, run.commands.size(), "and not added twice");
    JobEvent.RunCommand other = new JobEvent.RunCommand(4, 10, "echo other", List.of("echo", "other"), List.of());
    assertEquals(DispatcherProtocol.RunRefused.Kind.HAS_JOB, book.runs().addProblem("r1", List.of(other)).kind());

    JobBook restored = BookSnapshots.restore(BookSnapshots.of(book), LocalExec.NEVER, 100);
    assertEquals(List.of("WAITING", "WAITING", "WAITING", "WAITING", "QUEUED"), Views.RunView.of(restored.runs().get("r1"))
        .commands().stream().map(Views.StepView::state).toList());
    assertEquals(anomaly, restored.runs().get("r1").commands.get(3));
  }

  private Job submitStep(String run, int step) {
    return book.submit(List.of(new JobEvent.NewJob(null,
        JobSpec.of(List.of("ncks")).inRun(run, step))), now++).get(0);
  }

  @Test
  void aRunsStepsFollowTheirNewestJob() {
    book.slots().joined(worker("w1", 4, false));
    Runs.Run run = book.createRun("climatology.sh", "/data", SCRIPT, now);
    assertEquals("r1", run.id);
    assertEquals("r2", book.createRun("other.sh", "/data", SCRIPT, now).id);
    Job first = submitStep("r1", 0);
    Job second = submitStep("r1", 1);
    book.assign(now);
    book.finish(first, result(JobState.FAILED), now);
    Job again = submitStep("r1", 0); // the script ran the step again

    Views.RunView view = Views.RunView.of(book.runs().get("r1"));
    assertEquals(List.of("QUEUED", "RUNNING", "WAITING"),
        view.commands().stream().map(Views.StepView::state).toList());
    assertEquals(again.id, view.commands().get(0).job());
    assertEquals("w1", view.commands().get(1).worker());
    assertEquals(List.of(0), view.commands().get(1).dependsOn());
    Views.RunSummaryView summary = Views.RunSummaryView.of(book.runs().get("r1"));
    assertEquals(List.of(3, 1, 1, 1), List.of(summary.commands(), summary.queued(),
        summary.running(), summary.waiting()));

    assertEquals("no run r9: create it first with POST /api/runs",
        book.runs().problem(List.of(JobSpec.of(List.of("true")).inRun("r9", 0))));
    assertEquals("run r1 has 3 commands (steps 0 to 2), not step 3",
        book.runs().problem(List.of(JobSpec.of(List.of("true")).inRun("r1", 3))));
    assertNull(book.runs().problem(List.of(JobSpec.of(List.of("true")), second.spec)));
  }

  @Test
  void aRunKeepsItsJobsInTheOrderTheyEndedAndANewBookKeepsThemUnderANewName() {
    book.slots().joined(worker("w1", 4, false));
    Runs.Run run = book.createRun("s.sh", "/data", SCRIPT, now);
    Job s0 = submitStep("r1", 0);
    Job s1 = submitStep("r1", 1);
    submitStep("r1", 2);
    book.assign(now);
    book.finish(s1, result(JobState.SUCCEEDED), now++);
    book.finish(s0, result(JobState.FAILED), now++);

    assertEquals(List.of(s1.id, s0.id), endedIds(run, RunCursor.START));
    RunCursor afterOne = Runs.next(run, RunCursor.START, 1);
    assertEquals(List.of(s0.id), endedIds(run, afterOne));
    assertEquals(List.of(), endedIds(run, Runs.next(run, afterOne, 1)));
    assertEquals(afterOne, RunCursor.parse(afterOne.toString()));

    JobBook restored = BookSnapshots.restore(BookSnapshots.of(book), LocalExec.NEVER, 100);
    Runs.Run again = restored.runs().get("r1");
    assertFalse(again.log.equals(run.log), "a rebuilt log has a new name");
    // a cursor of the old log reads the new one from the start (here in step order)
    assertEquals(List.of(s0.id, s1.id), endedIds(again, afterOne));
  }

  @Test
  void aRunsEndedJobThatTheBookDroppedIsShownAsItsRunKeptIt() {
    book.slots().joined(worker("w1", 4, false));
    Runs.Run run = book.createRun("s.sh", "/data", SCRIPT, now);
    Job step0 = submitStep("r1", 0);
    book.assign(now);
    book.finish(step0, new JobResult(JobState.FAILED, 2, "", "", false, "w1", 1L, 1, 2, null),
        1_000);
    assertEquals(1, book.forget(2_000));

    Views.RunEndedView ended = Views.RunEndedView.of(run, RunCursor.START, book);
    Views.JobView gone = ended.ended().get(0);
    assertEquals(List.of(step0.id, JobState.FAILED, 2, "w1", 0, "ncks in.nc > a.txt"),
        List.of(gone.id(), gone.state(), gone.exitCode(), gone.worker(), gone.step(), gone.command()));
    assertEquals(Runs.next(run, RunCursor.START, 1).toString(), ended.next());
  }

  @Test
  void aCursorThatNoMasterGaveIsAnErrorThatSaysWhatACursorIs() {
    assertEquals(RunCursor.START, RunCursor.parse(null));
    for (String bad : List.of("12", ".3", "ab.", "ab.-1", "ab.x")) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> RunCursor.parse(bad));
      assertTrue(e.getMessage().contains("'" + bad + "' is not a cursor this master gave"),
          e.getMessage());
    }
  }

  private static List<String> endedIds(Runs.Run run, RunCursor after) {
    return Runs.endedSince(run, after, 100).stream().map(Runs.Ending::jobId).toList();
  }

  @Test
  void aStepRemembersHowItsJobEndedAfterTheBookDropsIt() {
    book.slots().joined(worker("w1", 4, false));
    book.createRun("s.sh", "/data", SCRIPT, now);
    Job step0 = submitStep("r1", 0);
    book.assign(now);
    book.finish(step0, new JobResult(JobState.SUCCEEDED, 0, "", "", false, "w1", 1L, 1, 2, null),
        1_000);
    assertEquals(1, book.forget(2_000));
    assertNull(book.job(step0.id));

    Views.StepView gone = Views.RunView.of(book.runs().get("r1")).commands().get(0);
    assertEquals(List.of("SUCCEEDED", step0.id, "w1"), List.of(gone.state(), gone.job(), gone.worker()));
    assertEquals(0, gone.exitCode());
  }

  @Test
  void runsSurviveASnapshotAndAReplayAndTheirIdsGoOn() {
    book.slots().joined(worker("w1", 4, false));
    book.createRun("s.sh", "/data", SCRIPT, now);
    Job step0 = submitStep("r1", 0);
    Job step1 = submitStep("r1", 1);
    book.assign(now);
    book.finish(step0, result(JobState.SUCCEEDED), 1_000);
    book.forget(2_000); // step 0's job is gone, step 1's runs
    List<JobEvent> events = book.takeEvents();

    JobBook restored = BookSnapshots.restore(BookSnapshots.of(book), LocalExec.NEVER, 100);
    JobBook replayed = new JobBook(LocalExec.NEVER, 100);
    events.forEach(replayed::apply);

    for (JobBook other : List.of(restored, replayed)) {
      assertEquals(Views.RunView.of(book.runs().get("r1")), Views.RunView.of(other.runs().get("r1")));
      assertEquals(step1.id, other.runs().get("r1").latest[1].id);
      assertEquals("r2", other.createRun("next.sh", "/data", SCRIPT, now).id);
    }
  }

  // ---- helpers ----

  private Worker join(String id, int slots, boolean embedded, String... labels) {
    Worker w = worker(id, slots, embedded, labels);
    book.slots().joined(w);
    return w;
  }

  private Worker worker(String id, int slots, boolean embedded, String... labels) {
    return new Worker(id, null, new WorkerOffer("host", "url", slots, List.of(labels),
        List.of("*"), 0, "0.1.0", embedded), now);
  }

  private Worker joinAllowing(String id, int slots, String... programs) {
    Worker w = new Worker(id, null, new WorkerOffer("host", "url", slots, List.of(),
        List.of(programs), 0, "0.1.0", false), now);
    book.slots().joined(w);
    return w;
  }

  private Job submitRunning(String... argv) {
    return book.submit(List.of(new JobEvent.NewJob(null,
        new JobSpec(List.of(argv), Map.of(), null, List.of(), 1, 0, 3))), now++).get(0);
  }

  private Job submit(List<String> requires, int slots) {
    return book.submit(List.of(new JobEvent.NewJob(null,
        new JobSpec(List.of("ncks"), Map.of(), null, requires, slots, 0, 3))), now++).get(0);
  }

  private static List<Job> jobs(List<Assignment> assignments) {
    return assignments.stream().map(Assignment::job).toList();
  }

  private static JobResult result(JobState state) {
    return JobResult.notStarted(state, "w", null);
  }
}
