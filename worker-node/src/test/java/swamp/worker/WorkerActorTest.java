package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.node.ExitCodes;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToMaster.JobRejected;
import swamp.protocol.ToMaster;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToRegistry.Unregister;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker.CancelJob;
import swamp.protocol.ToWorker.Declined;
import swamp.protocol.ToWorker.Dismiss;
import swamp.protocol.ToWorker.FinishAck;
import swamp.protocol.ToWorker.HandBack;
import swamp.protocol.ToWorker.Job;
import swamp.protocol.ToWorker.Refused;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker.RegisterAgain;
import swamp.protocol.ToWorker;

/**
 * The worker's registration state machine, its peers played by probes and its timers (retry,
 * give-up) driven by manual time: no test here waits for a timer in real time.
 */
class WorkerActorTest {

  final Finishes finishes = new Finishes();

  static final ActorTestKit testKit = ActorTestKit.create(
      ManualTime.config().withFallback(ConfigFactory.load("application-test")));
  static final ManualTime time = ManualTime.get(testKit.system());

  @TempDir Path workDir;

  TestProbe<ToRegistry> registry = testKit.createTestProbe();
  TestProbe<ToMaster> dispatcher = testKit.createTestProbe();
  TestProbe<WorkerActor.Exit> exits = testKit.createTestProbe();

  @AfterAll
  static void cleanup() {
    testKit.shutdownTestKit();
  }

  final List<ActorRef<WorkerActor.Command>> workers = new java.util.ArrayList<>();

  @AfterEach
  void stopWorkersAndUnlist() {
    for (ActorRef<WorkerActor.Command> w : workers) {
      testKit.stop(w, Duration.ofSeconds(10)); // the next test's registry must not hear from it
    }
    testKit.system().receptionist().tell(Receptionist.deregister(ToRegistry.KEY, registry.ref()));
  }

  ActorRef<WorkerActor.Command> worker(WorkerSettings settings, boolean listRegistry) {
    if (listRegistry) {
      testKit.system().receptionist().tell(Receptionist.register(ToRegistry.KEY, registry.ref()));
    }
    ActorRef<WorkerActor.Command> w =
        testKit.spawn(WorkerActor.create(settings, Executables.of(List.of("*")), false, exits.ref()));
    workers.add(w);
    return w;
  }

  Register registered(WorkerSettings settings) {
    worker(settings, true);
    Register register = registry.expectMessageClass(Register.class);
    register.replyTo().tell(new RegOk(7, dispatcher.ref()));
    return register;
  }

  @Test
  void aWorkerPhonesHomeWithItsOfferAndTheSecret() {
    WorkerSettings settings = TestSettings.worker("w1", workDir);
    worker(settings, true);
    Register register = registry.expectMessageClass(Register.class);
    assertEquals("w1", register.workerId());
    assertEquals("s3cret", register.secret());
    assertEquals(ToRegistry.VERSION, register.protocolVersion());
    assertEquals(2, register.offer().slots());
    assertTrue(register.offer().executables().contains("*"));
    assertFalse(register.toString().contains("s3cret"), "the secret must never be printed");
  }

  @Test
  void anUnansweredRegistrationIsRetriedWithinTheJitteredInterval() {
    worker(TestSettings.worker("w2", workDir), true);
    registry.expectMessageClass(Register.class);
    time.timePasses(Duration.ofMillis(3_900)); // 5 s - 20 % jitter is the earliest retry
    registry.expectNoMessage(Duration.ofMillis(50));
    time.timePasses(Duration.ofMillis(2_200)); // 5 s + 20 % is the latest
    registry.expectMessageClass(Register.class);
  }

  @Test
  void aRetryableRefusalKeepsTheWorkerTrying() {
    worker(TestSettings.worker("w3", workDir), true);
    registry.expectMessageClass(Register.class).replyTo()
        .tell(new Declined("worker id w3 is registered by another live worker"));
    time.timePasses(Duration.ofSeconds(7));
    registry.expectMessageClass(Register.class);
    exits.expectNoMessage(Duration.ofMillis(50));
    // and when it gives up, it says what the master answered last
    time.timePasses(Duration.ofMinutes(30));
    WorkerActor.Exit exit = exits.expectMessageClass(WorkerActor.Exit.class);
    assertEquals(ExitCodes.GAVE_UP, exit.code());
    assertTrue(exit.reason().contains("(its last answer: worker id w3 is registered by another"
        + " live worker)"), exit.reason());
  }

  @Test
  void aWorkerThatIsRefusedForGoodStopsWithExitCode3AndTheReason() {
    ActorRef<WorkerActor.Command> w = worker(TestSettings.worker("w4", workDir), true);
    registry.expectMessageClass(Register.class).replyTo()
        .tell(new Refused("wrong registration secret"));
    WorkerActor.Exit exit = exits.expectMessageClass(WorkerActor.Exit.class);
    assertEquals(ExitCodes.REFUSED, exit.code());
    assertTrue(exit.reason().contains("wrong registration secret"));
    exits.expectTerminated(w);
  }

  @Test
  void aWorkerWithNoMasterGivesUpWithExitCode4() {
    ActorRef<WorkerActor.Command> w = worker(TestSettings.worker("w5", workDir), false);
    time.timePasses(Duration.ofMinutes(29));
    exits.expectNoMessage(Duration.ofMillis(50));
    time.timePasses(Duration.ofMinutes(1));
    WorkerActor.Exit exit = exits.expectMessageClass(WorkerActor.Exit.class);
    assertEquals(ExitCodes.GAVE_UP, exit.code());
    assertTrue(exit.reason().contains("giving up"), exit.reason());
    exits.expectTerminated(w);
  }

  /** A {@link KeyCheck} that answers {@code answers} in turn, the last one after them. */
  static final class FakeKeyCheck implements KeyCheck {
    final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    final List<java.util.Optional<String>> answers;

    FakeKeyCheck(List<java.util.Optional<String>> answers) {
      this.answers = answers;
    }

    @Override
    public java.util.Optional<String> rejected() {
      int n = calls.getAndIncrement();
      return answers.get(Math.min(n, answers.size() - 1));
    }
  }

  ActorRef<WorkerActor.Command> checkingWorker(WorkerSettings settings, boolean listRegistry,
      KeyCheck check) {
    if (listRegistry) {
      testKit.system().receptionist().tell(Receptionist.register(ToRegistry.KEY, registry.ref()));
    }
    ActorRef<WorkerActor.Command> w = testKit.spawn(WorkerActor.create(settings,
        Executables.of(List.of("*")), exits.ref(), new JobTable(), check));
    workers.add(w);
    return w;
  }

  /** Lets retries come until the check has been asked {@code n} times in all. */
  void retryUntilChecked(FakeKeyCheck check, int n) {
    TestProbe<Object> pause = testKit.createTestProbe();
    for (int i = 0; i < 20 && check.calls.get() < n; i++) {
      time.timePasses(Duration.ofSeconds(6)); // a retry, jittered, and the check's spacing of 5 s
      pause.expectNoMessage(Duration.ofMillis(100)); // the check runs on a thread of its own
    }
    assertEquals(n, check.calls.get(), "checks of the key");
  }

  @Test
  void aWorkerWhoseMasterRejectsItsPoolKeyStopsWithExitCode3AndTheReason() {
    // the master is not up at the first check (no verdict), and rejects the key at the second
    FakeKeyCheck check = new FakeKeyCheck(List.of(java.util.Optional.empty(),
        java.util.Optional.of("the pool key does not match the master's")));
    ActorRef<WorkerActor.Command> w = checkingWorker(TestSettings.worker("wk1", workDir), false, check);
    exits.expectNoMessage(Duration.ofMillis(100));
    assertEquals(0, check.calls.get(), "no check before a registration went unanswered");
    retryUntilChecked(check, 1);
    exits.expectNoMessage(Duration.ofMillis(50)); // no verdict: it goes on
    retryUntilChecked(check, 2);
    WorkerActor.Exit exit = exits.expectMessageClass(WorkerActor.Exit.class);
    assertEquals(ExitCodes.REFUSED, exit.code());
    assertEquals("the pool key does not match the master's", exit.reason());
    assertEquals(2, check.calls.get());
    exits.expectTerminated(w);
  }

  @Test
  void aKeyCheckWithoutAVerdictKeepsTheWorkerTryingUntilItGivesUp() {
    FakeKeyCheck check = new FakeKeyCheck(List.of(java.util.Optional.empty()));
    ActorRef<WorkerActor.Command> w = checkingWorker(TestSettings.worker("wk2", workDir), false, check);
    retryUntilChecked(check, 3);
    time.timePasses(Duration.ofMinutes(30));
    WorkerActor.Exit exit = exits.expectMessageClass(WorkerActor.Exit.class);
    assertEquals(ExitCodes.GAVE_UP, exit.code(), exit.reason());
    exits.expectTerminated(w);
  }

  @Test
  void aWorkerThatFoundTheRegistryChecksNoKey() {
    FakeKeyCheck check = new FakeKeyCheck(List.of(java.util.Optional.of("rejected")));
    checkingWorker(TestSettings.worker("wk3", workDir), true, check);
    registry.expectMessageClass(Register.class); // unanswered: a master slow to answer
    for (int i = 0; i < 4; i++) {
      time.timePasses(Duration.ofSeconds(6));
      registry.expectMessageClass(Register.class);
    }
    exits.expectNoMessage(Duration.ofMillis(100));
    assertEquals(0, check.calls.get(), "the node is in the cluster: its key is good");
  }

  @Test
  void aRegisteredWorkerRunsJobsAndReportsThemToTheMaster() {
    Register register = registered(TestSettings.worker("w6", workDir));
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("echo", "hi"))));
    JobsFinished report = dispatcher.expectMessageClass(JobsFinished.class, Duration.ofSeconds(20));
    assertEquals(1, report.finishes().size(), report.toString());
    JobFinished finished = report.finishes().get(0);
    assertEquals("j1", finished.jobId());
    assertEquals(1, finished.attempt());
    assertEquals("w6", finished.workerId());
    assertEquals(register.replyTo(), report.worker(), "a finish names the ref that registered");
    assertEquals(JobState.SUCCEEDED, finished.result().state());
    assertEquals("hi\n", finished.result().stdout());
    // registered: the give-up deadline no longer applies
    time.timePasses(Duration.ofHours(1));
    exits.expectNoMessage(Duration.ofMillis(50));
  }

  /**
   * Jobs given beyond the free slots (the master's prefetch) wait, in the order they came, and
   * each starts the moment a slot frees, before the master has heard of the finish: never more
   * at once than the worker has slots.
   */
  @Test
  void jobsBeyondTheSlotsWaitAndEachStartsTheMomentASlotFrees() {
    Register register = registered(TestSettings.worker("w7", workDir).withSlots(1));
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "0.3"))));
    // what one dispatch gives a worker comes in one message
    register.replyTo().tell(new ToWorker.Jobs(List.of(
        new Job("j2", 1, JobSpec.of(List.of("sleep", "0.2"))),
        new Job("j3", 1, JobSpec.of(List.of("echo", "x"))))));

    List<JobFinished> ended = List.of(
        finishes.next(dispatcher, Duration.ofSeconds(20)),
        finishes.next(dispatcher, Duration.ofSeconds(20)),
        finishes.next(dispatcher, Duration.ofSeconds(20)));
    assertEquals(List.of("j1", "j2", "j3"), ended.stream().map(JobFinished::jobId).toList());
    for (int i = 1; i < ended.size(); i++) {
      JobResult before = ended.get(i - 1).result();
      JobResult after = ended.get(i).result();
      assertEquals(JobState.SUCCEEDED, after.state());
      assertTrue(after.startedAt() >= before.finishedAt(), "one slot, one job at a time: "
          + ended.get(i).jobId() + " started at " + after.startedAt() + ", before "
          + ended.get(i - 1).jobId() + " finished at " + before.finishedAt());
    }
  }

  @Test
  void aWaitingJobIsHandedBackWhenAskedAndACancelledOneEndsWithoutRunning() {
    Register register = registered(TestSettings.worker("w7b", workDir).withSlots(1));
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "1"))));
    register.replyTo().tell(new Job("j2", 1, JobSpec.of(List.of("echo", "x"))));
    register.replyTo().tell(new Job("j3", 1, JobSpec.of(List.of("echo", "y"))));

    register.replyTo().tell(new HandBack("j2", 1));
    JobRejected back = dispatcher.expectMessageClass(JobRejected.class);
    assertEquals("j2", back.jobId());
    assertTrue(back.reason().startsWith("handed back"), back.reason());

    register.replyTo().tell(new CancelJob("j3", 1, "cancelled by request"));
    JobFinished cancelled = finishes.next(dispatcher);
    assertEquals("j3", cancelled.jobId());
    assertEquals(JobState.CANCELLED, cancelled.result().state());
    assertEquals(null, cancelled.result().pid(), "it never started");

    register.replyTo().tell(Finishes.ack("j3", 1));
    register.replyTo().tell(new HandBack("j1", 1)); // it runs: it runs on
    dispatcher.expectNoMessage(Duration.ofMillis(200));
    register.replyTo().tell(new RegisterAgain("the dispatcher started again"));
    assertEquals(List.of(new RunningJob("j1", 1)),
        registry.expectMessageClass(Register.class).running());
    assertEquals("j1", finishes.next(dispatcher, Duration.ofSeconds(20))
        .jobId(), "the job that had started ran to its end");
  }

  @Test
  void aWaitingJobIsClaimedWhenTheWorkerRegistersAgainAndHandedBackWhenItIsDismissed() {
    Register register = registered(TestSettings.worker("w7c", workDir).withSlots(1));
    // it runs while the worker drains: what comes meanwhile is handed back
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "2"))));
    register.replyTo().tell(new Job("j2", 2, JobSpec.of(List.of("echo", "x"))));
    register.replyTo().tell(new RegisterAgain("the dispatcher started again"));
    assertEquals(List.of(new RunningJob("j1", 1), new RunningJob("j2", 2)),
        registry.expectMessageClass(Register.class).running());

    register.replyTo().tell(new Dismiss("pool shrinks"));
    JobRejected back = dispatcher.expectMessageClass(JobRejected.class);
    assertEquals("j2", back.jobId());
    assertEquals("worker is draining", back.reason());
    register.replyTo().tell(new ToWorker.Jobs(List.of(
        new Job("j3", 1, JobSpec.of(List.of("echo", "x"))),
        new Job("j4", 1, JobSpec.of(List.of("echo", "y"))))));
    assertEquals(List.of("j3", "j4"), List.of(
        dispatcher.expectMessageClass(JobRejected.class).jobId(),
        dispatcher.expectMessageClass(JobRejected.class).jobId()),
        "a draining worker hands back what it is given");
    assertEquals("j1", finishes.next(dispatcher, Duration.ofSeconds(20))
        .jobId());
  }

  @Test
  void aJobThatNeedsMoreSlotsThanTheWorkerHasIsRejected() {
    Register register = registered(TestSettings.worker("w7d", workDir).withSlots(1));
    register.replyTo().tell(new Job("j1", 1, new JobSpec(List.of("true"), java.util.Map.of(), null, List.of(), 2,
        0, JobSpec.DEFAULT_MAX_ATTEMPTS, 0)));
    JobRejected rejected = dispatcher.expectMessageClass(JobRejected.class);
    assertEquals("it needs 2 slots; this worker has 1", rejected.reason());
  }

  /**
   * A finish acknowledged within the jobs that follow it is forgotten as a FinishAck's would be:
   * the worker leaves once the last job's finish is acknowledged, and sends neither again.
   */
  @Test
  void aFinishAcknowledgedWithinTheNextJobsIsForgotten() {
    Register register = registered(TestSettings.worker("w12", workDir));
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("echo", "one"))));
    JobFinished first = finishes.next(dispatcher, Duration.ofSeconds(20));
    assertEquals("j1", first.jobId());
    register.replyTo().tell(new ToWorker.Jobs(
        List.of(new Job("j2", 1, JobSpec.of(List.of("sleep", "0.3")))),
        List.of(new RunningJob("j1", 1))));
    register.replyTo().tell(new Dismiss("pool shrinks"));
    JobFinished second = finishes.next(dispatcher, Duration.ofSeconds(20));
    assertEquals("j2", second.jobId(), "j1 is not sent again");
    register.replyTo().tell(Finishes.ack("j2", 1));
    assertEquals("w12", registry.expectMessageClass(Unregister.class).workerId(),
        "nothing left unacknowledged");
    assertEquals(ExitCodes.OK, exits.expectMessageClass(WorkerActor.Exit.class).code());
  }

  /**
   * A worker whose own directory cannot take a job's files (here it cannot be made again: a file
   * stands where its parent should be; a full disk or a read-only file system the same) fails no
   * job for it: the job goes back to the master as "draining", so that it runs elsewhere and the
   * master sends no more, and the worker leaves.
   */
  @Test
  void aWorkerWhoseDirectoryCannotTakeJobsHandsThemBackAndLeaves() throws Exception {
    Path notADirectory = java.nio.file.Files.writeString(workDir.resolve("file"), "x");
    Register register = registered(TestSettings.worker("w8u", notADirectory.resolve("own")));
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("echo", "hi"))));
    JobRejected back = dispatcher.expectMessageClass(JobRejected.class, Duration.ofSeconds(10));
    assertEquals("j1", back.jobId());
    assertTrue(back.reason().startsWith("worker is draining: its directory ")
        && back.reason().contains("cannot be made again"), back.reason());
    assertEquals("w8u", registry.expectMessageClass(Unregister.class).workerId());
    assertEquals(ExitCodes.OK, exits.expectMessageClass(WorkerActor.Exit.class).code());
    dispatcher.expectNoMessage(Duration.ofMillis(100)); // no finish: the job did not fail here
  }

  @Test
  void dismissDrainsRunningJobsThenUnregistersAndExitsZero() {
    Register register = registered(TestSettings.worker("w8", workDir));
    ActorRef<WorkerActor.Command> w = null;
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "0.5"))));
    register.replyTo().tell(new Dismiss("pool shrinks"));
    register.replyTo().tell(new Job("j2", 1, JobSpec.of(List.of("echo", "late"))));
    assertEquals("j2", dispatcher.expectMessageClass(JobRejected.class).jobId());
    exits.expectNoMessage(Duration.ofMillis(50));
    JobFinished finished = finishes.next(dispatcher, Duration.ofSeconds(20));
    assertEquals(JobState.SUCCEEDED, finished.result().state());
    // its goodbye waits for the master to record the finish: it must not overtake it
    registry.expectNoMessage(Duration.ofMillis(300));
    register.replyTo().tell(Finishes.ack(finished.jobId(), finished.attempt()));
    Unregister bye = registry.expectMessageClass(Unregister.class);
    assertEquals("w8", bye.workerId());
    assertEquals(register.replyTo(), bye.worker(), "a goodbye names the ref that registered");
    WorkerActor.Exit exit = exits.expectMessageClass(WorkerActor.Exit.class);
    assertEquals(ExitCodes.OK, exit.code());
    assertTrue(exit.reason().contains("pool shrinks"));
  }

  @Test
  void jobsStillRunningAfterTheDrainGraceAreKilled() {
    Register register = registered(TestSettings.worker("w9", workDir));
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "60"))));
    register.replyTo().tell(new Dismiss("master shutting down"));
    time.timePasses(Duration.ofSeconds(31));
    JobFinished finished = finishes.next(dispatcher, Duration.ofSeconds(20));
    assertEquals(JobState.CANCELLED, finished.result().state());
    // a master that never acknowledges does not keep it: it leaves after the ack wait
    time.timePasses(WorkerLeaving.ACK_WAIT);
    assertEquals(ExitCodes.OK, exits.expectMessageClass(WorkerActor.Exit.class).code());
  }

  /**
   * A draining worker whose master is lost registers with the next one (a standby that took
   * over): the finish of the job it drains goes there, and its goodbye waits for its record.
   * The draining worker dropped that master's RegOk: the finish was never sent, and the job ran
   * again elsewhere.
   */
  @Test
  void aDrainingWorkerReportsToTheMasterThatTookOver() {
    Register register = registered(TestSettings.worker("w8b", workDir));
    // long enough to be running still when the standby is listed, a moment later
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "4"))));
    register.replyTo().tell(new Dismiss("pool shrinks"));
    dispatcher.stop(); // the master is lost while the job drains
    testKit.system().receptionist().tell(Receptionist.deregister(ToRegistry.KEY, registry.ref()));
    TestProbe<ToRegistry> standby = testKit.createTestProbe();
    TestProbe<ToMaster> standbyDispatcher = testKit.createTestProbe();
    testKit.system().receptionist().tell(Receptionist.register(ToRegistry.KEY, standby.ref()));
    try {
      Register again = standby.expectMessageClass(Register.class, Duration.ofSeconds(10));
      assertEquals(List.of(new swamp.protocol.ToRegistry.RunningJob("j1", 1)), again.running());
      again.replyTo().tell(new RegOk(8, standbyDispatcher.ref()));
      JobFinished finished = finishes.next(standbyDispatcher, Duration.ofSeconds(20));
      assertEquals("j1", finished.jobId());
      assertEquals(JobState.SUCCEEDED, finished.result().state());
      standby.expectNoMessage(Duration.ofMillis(300)); // its goodbye waits for the record
      again.replyTo().tell(Finishes.ack(finished.jobId(), finished.attempt()));
      assertEquals("w8b", standby.expectMessageClass(Unregister.class).workerId());
      assertEquals(ExitCodes.OK, exits.expectMessageClass(WorkerActor.Exit.class).code());
    } finally {
      testKit.system().receptionist().tell(Receptionist.deregister(ToRegistry.KEY, standby.ref()));
    }
  }

  @Test
  void losingTheMasterAfterRegistrationAsksToRejoin() {
    registered(TestSettings.worker("w10", workDir));
    dispatcher.stop();
    WorkerActor.Exit exit = exits.expectMessageClass(WorkerActor.Exit.class);
    assertEquals(WorkerActor.REJOIN, exit.code());
  }

  @Test
  void aDryRunWorkerChecksTheProgramButStartsNothing() {
    WorkerSettings s = TestSettings.worker("w11", workDir);
    WorkerSettings dry = new WorkerSettings(s.workerId(), s.host(), s.url(), s.slots(), s.labels(),
        s.allowedExecutables(), s.allowedJobVariables(), s.memoryMb(), s.retryInterval(),
        s.retryJitter(), s.giveUpAfter(), s.workDir(), s.drainGrace(), s.termGrace(),
        s.killGrace(), s.maxOutputBytes(), s.secret(), true);
    Register register = registered(dry);
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "600"))));
    JobFinished finished = finishes.next(dispatcher);
    assertEquals(JobState.SUCCEEDED, finished.result().state());
    assertTrue(finished.result().stdout().startsWith("dry-run: would run /"), finished.result().stdout());
    assertEquals(null, finished.result().pid());
    register.replyTo().tell(new Job("j2", 1, JobSpec.of(List.of("no-such-program-xyz"))));
    assertTrue(finishes.next(dispatcher).result().reason().contains("not found"));
  }

  @Test
  void aTerminatedWorkerFinishesItsJobTakesNoNewOneAndExitsZero() {
    Register register = registered(TestSettings.worker("w12", workDir));
    ActorRef<WorkerActor.Command> w = workers.get(workers.size() - 1);
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "1"))));
    w.tell(new WorkerActor.Stop("stopped by SIGTERM", WorkerActor.Stop.SIGTERM));
    register.replyTo().tell(new Job("j2", 1, JobSpec.of(List.of("true"))));
    JobRejected rejected = dispatcher.expectMessageClass(JobRejected.class);
    assertEquals("j2", rejected.jobId());
    assertTrue(rejected.reason().contains("draining"), rejected.reason());
    JobFinished finished = finishes.next(dispatcher, Duration.ofSeconds(20));
    assertEquals("j1", finished.jobId());
    assertEquals(JobState.SUCCEEDED, finished.result().state(), finished.result().toString());
    register.replyTo().tell(Finishes.ack(finished.jobId(), finished.attempt()));
    Unregister bye = registry.expectMessageClass(Unregister.class);
    assertEquals("w12", bye.workerId());
    assertEquals(ExitCodes.OK, exits.expectMessageClass(WorkerActor.Exit.class).code());
    exits.expectTerminated(w);
  }

  @Test
  void aJobStillRunningAtTheEndOfTheTermGraceIsKilledForTheMasterToRunAgain() {
    Register register = registered(TestSettings.worker("w13", workDir)); // term grace 30 s
    ActorRef<WorkerActor.Command> w = workers.get(workers.size() - 1);
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "600"))));
    w.tell(new WorkerActor.Stop("stopped by SIGTERM", WorkerActor.Stop.SIGTERM));
    time.timePasses(Duration.ofSeconds(29));
    registry.expectNoMessage(Duration.ofMillis(200));
    time.timePasses(Duration.ofSeconds(2));
    Unregister bye = registry.expectMessageClass(Unregister.class);
    assertTrue(bye.reason().contains("run again elsewhere"), bye.reason());
    assertEquals(ExitCodes.OK, exits.expectMessageClass(WorkerActor.Exit.class).code());
    exits.expectTerminated(w);
    // no finish: the master requeues the job when the worker leaves
    dispatcher.expectNoMessage(Duration.ofMillis(200));
  }

  /**
   * A batch system's cancel (scancel) signals the worker and its jobs at once. A job that the
   * same SIGTERM ended did not fail: its finish is never sent, and the worker leaves at once,
   * saying so, for the master to run it again elsewhere as it does a lost worker's job.
   */
  @Test
  void aJobEndedBySigtermAfterItsWorkerIsHandedBackNotFailed() {
    Register register = registered(TestSettings.worker("w14", workDir));
    ActorRef<WorkerActor.Command> w = workers.get(workers.size() - 1);
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "614"))));
    ProcessHandle job = awaitProcess("sleep", "614");
    w.tell(new WorkerActor.Stop("stopped by SIGTERM", WorkerActor.Stop.SIGTERM));
    job.destroy(); // SIGTERM: sleep exits 143
    Unregister bye = registry.expectMessageClass(Unregister.class, Duration.ofSeconds(20));
    assertTrue(bye.reason().contains("job j1 attempt 1, ended by the same signal, to run again"
        + " elsewhere"), bye.reason());
    assertEquals(ExitCodes.OK, exits.expectMessageClass(WorkerActor.Exit.class).code());
    exits.expectTerminated(w);
    dispatcher.expectNoMessage(Duration.ofMillis(200)); // no finish: FAILED or any other
  }

  /**
   * The job may end before the worker's JVM has handled its own SIGTERM: its finish waits for
   * that signal ({@link WorkerActor#INTERRUPT_WAIT}) rather than going out FAILED.
   */
  @Test
  void aJobEndedBySigtermJustBeforeItsWorkerIsHandedBackToo() {
    Register register = registered(TestSettings.worker("w15", workDir));
    ActorRef<WorkerActor.Command> w = workers.get(workers.size() - 1);
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "615"))));
    ProcessHandle job = awaitProcess("sleep", "615");
    job.destroy();
    registry.awaitAssert(Duration.ofSeconds(10), () -> {
      assertFalse(job.isAlive());
      return null;
    });
    dispatcher.expectNoMessage(Duration.ofMillis(300)); // held, not reported FAILED
    w.tell(new WorkerActor.Stop("stopped by SIGTERM", WorkerActor.Stop.SIGTERM));
    Unregister bye = registry.expectMessageClass(Unregister.class, Duration.ofSeconds(20));
    assertTrue(bye.reason().contains("job j1 attempt 1, ended by the same signal"), bye.reason());
    assertEquals(ExitCodes.OK, exits.expectMessageClass(WorkerActor.Exit.class).code());
    time.timePasses(WorkerActor.INTERRUPT_WAIT); // the wait's end changes nothing now
    dispatcher.expectNoMessage(Duration.ofMillis(200));
  }

  /**
   * The slot that such a job freed does not start the next job given beyond the free slots: the
   * grid's signal would not reach it, and the grid's SIGKILL a few seconds later would end it
   * unreported. It goes back to the master with the rest, and the worker leaves at once.
   */
  @Test
  void theNextJobDoesNotStartWhereASignalMayBeStoppingTheWorker() {
    Register register = registered(TestSettings.worker("w17", workDir).withSlots(1));
    ActorRef<WorkerActor.Command> w = workers.get(workers.size() - 1);
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "617"))));
    register.replyTo().tell(new Job("j2", 1, JobSpec.of(List.of("sleep", "618"))));
    ProcessHandle job = awaitProcess("sleep", "617");
    job.destroy();
    registry.awaitAssert(Duration.ofSeconds(10), () -> {
      assertFalse(job.isAlive());
      return null;
    });
    dispatcher.expectNoMessage(Duration.ofMillis(300));
    w.tell(new WorkerActor.Stop("stopped by SIGTERM", WorkerActor.Stop.SIGTERM));
    JobRejected back = dispatcher.expectMessageClass(JobRejected.class);
    assertEquals("j2", back.jobId());
    Unregister bye = registry.expectMessageClass(Unregister.class, Duration.ofSeconds(20));
    assertTrue(bye.reason().contains("job j1 attempt 1, ended by the same signal"), bye.reason());
    assertEquals(ExitCodes.OK, exits.expectMessageClass(WorkerActor.Exit.class).code());
    dispatcher.expectNoMessage(Duration.ofMillis(200));
  }

  /**
   * Without a signal to the worker, the next job starts once the wait is over, and the first is
   * reported FAILED.
   */
  @Test
  void theNextJobStartsOnceNoSignalCameForTheWorker() {
    Register register = registered(TestSettings.worker("w18", workDir).withSlots(1));
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "619"))));
    register.replyTo().tell(new Job("j2", 1, JobSpec.of(List.of("sh", "-c", "exit 0"))));
    ProcessHandle job = awaitProcess("sleep", "619");
    job.destroy();
    registry.awaitAssert(Duration.ofSeconds(10), () -> {
      assertFalse(job.isAlive());
      return null;
    });
    dispatcher.expectNoMessage(Duration.ofMillis(300));
    time.timePasses(WorkerActor.INTERRUPT_WAIT);
    JobFinished first = finishes.next(dispatcher, Duration.ofSeconds(10));
    assertEquals("j1", first.jobId());
    assertEquals(JobState.FAILED, first.result().state(), first.result().toString());
    JobFinished second = finishes.next(dispatcher, Duration.ofSeconds(10));
    assertEquals("j2", second.jobId());
    assertEquals(JobState.SUCCEEDED, second.result().state(), second.result().toString());
  }

  /**
   * A job that exits 143 of its own, no signal to its worker, failed: it is reported so once the
   * wait for a signal is over; and so is one that exits 143 while its worker drains after SIGINT.
   */
  @Test
  void aJobExiting143WithoutASignalToItsWorkerFailed() {
    Register register = registered(TestSettings.worker("w16", workDir));
    ActorRef<WorkerActor.Command> w = workers.get(workers.size() - 1);
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sh", "-c", "exit 143"))));
    dispatcher.expectNoMessage(Duration.ofMillis(500)); // waits for a signal that may come
    time.timePasses(WorkerActor.INTERRUPT_WAIT);
    JobFinished finished = finishes.next(dispatcher, Duration.ofSeconds(10));
    assertEquals("j1", finished.jobId());
    assertEquals(JobState.FAILED, finished.result().state(), finished.result().toString());
    assertEquals(143, finished.result().exitCode());
    register.replyTo().tell(Finishes.ack("j1", 1));

    register.replyTo().tell(new Job("j2", 1, JobSpec.of(List.of("sleep", "616"))));
    ProcessHandle job = awaitProcess("sleep", "616");
    w.tell(new WorkerActor.Stop("stopped by SIGINT", WorkerActor.Stop.SIGINT));
    job.destroy(); // SIGTERM, not the worker's signal
    finished = finishes.next(dispatcher, Duration.ofSeconds(10));
    assertEquals("j2", finished.jobId());
    assertEquals(JobState.FAILED, finished.result().state(), finished.result().toString());
    register.replyTo().tell(Finishes.ack("j2", 1));
    Unregister bye = registry.expectMessageClass(Unregister.class);
    assertFalse(bye.reason().contains("same signal"), bye.reason());
  }

  /** The process this JVM started (or one it started started) with this argv. */
  ProcessHandle awaitProcess(String program, String... args) {
    return registry.awaitAssert(Duration.ofSeconds(20), () ->
        ProcessHandle.current().descendants()
            .filter(p -> p.info().command().orElse("").endsWith("/" + program)
                && java.util.Arrays.equals(p.info().arguments().orElse(new String[0]), args))
            .findFirst().orElseThrow(() -> new AssertionError(program + " is not running")));
  }
}
