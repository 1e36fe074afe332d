package swamp.master.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import swamp.master.FailingJournal;
import swamp.master.ManualClock;
import swamp.master.dispatch.Views.JobView;
import swamp.master.membership.MembershipEvent;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToMaster;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * The dispatcher's timers on the scheduler's manual time, its decisions reading a clock that
 * moves with it: the recovery grace after a restart, the retention of finished jobs, and the
 * end of a long poll's wait. Each is checked just before its time and just after.
 */
class DispatcherTimersTest {

  static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config()
      .withFallback(FailingJournal.config())
      .withFallback(ConfigFactory.load("application-test")));
  static final ManualTime time = ManualTime.get(testKit.system());
  static final Duration WAIT = Duration.ofSeconds(30); // the first journal of the JVM starts slowly
  static final AtomicInteger IDS = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T09:00:00Z"));

  /** Time passes: for the scheduler's timers and for the clock the decisions read. */
  void pass(Duration d) {
    clock.advance(d);
    time.timePasses(d);
  }

  ActorRef<JobDispatcher.Command> dispatcher(String id, Duration grace, Duration retainFor) {
    return testKit.spawn(JobDispatcher.create(id, 7, LocalExec.NEVER, 1000,
        new JobDispatcher.Settings(1000, grace, retainFor).withClock(clock),
        testKit.spawn(Inbox.create()), null));
  }

  /** Admits a worker played by {@code probe}; returns the ref it reports to. */
  static ActorRef<ToMaster> admit(ActorRef<JobDispatcher.Command> dispatcher, String id,
      TestProbe<ToWorker> probe) {
    dispatcher.tell(new JobDispatcher.FromMembership(new MembershipEvent.WorkerJoined(id,
        new WorkerOffer("h", "u", 1, List.of(), List.of("*"), 0, "v", false), List.of(),
        probe.ref())));
    return probe.expectMessageClass(RegOk.class, WAIT).master();
  }

  /** Asks, and waits for the answer on the wall clock: the ask's own timeout is manual time. */
  static <T> T ask(ActorRef<JobDispatcher.Command> dispatcher,
      Function<ActorRef<T>, JobDispatcher.Command> question) {
    try {
      return AskPattern.ask(dispatcher, question, WAIT, testKit.scheduler())
          .toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer from the dispatcher within " + WAIT, e);
    }
  }

  static String submit(ActorRef<JobDispatcher.Command> dispatcher) {
    return ask(dispatcher, (ActorRef<JobDispatcher.Submitted> r) -> new JobDispatcher.Submit(
        List.of(JobSpec.of(List.of("true"))), r)).ids().get(0);
  }

  static Optional<JobView> job(ActorRef<JobDispatcher.Command> dispatcher, String id) {
    return ask(dispatcher, (ActorRef<Optional<JobView>> r) -> new JobDispatcher.GetJob(id, r));
  }

  static Views.Health health(ActorRef<JobDispatcher.Command> dispatcher) {
    return ask(dispatcher, JobDispatcher.GetHealth::new);
  }

  @Test
  void anOrphanedJobRunsElsewhereOnceTheRecoveryGraceIsOverNotBefore() {
    String journal = "timers-" + IDS.incrementAndGet();
    Duration grace = Duration.ofSeconds(60);
    ActorRef<JobDispatcher.Command> first = dispatcher(journal, grace, Duration.ZERO);
    TestProbe<ToWorker> gone = testKit.createTestProbe();
    admit(first, "gone", gone);
    String id = submit(first);
    gone.expectMessageClass(ToWorker.Job.class, WAIT);
    testKit.stop(first, WAIT);

    ActorRef<JobDispatcher.Command> second = dispatcher(journal, grace, Duration.ZERO);
    TestProbe<ToWorker> other = testKit.createTestProbe();
    admit(second, "other", other);
    pass(grace.minusSeconds(1));
    assertEquals(JobState.RUNNING, job(second, id).orElseThrow().state(),
        "within the grace its worker may still come back with it");
    other.expectNoMessage(Duration.ofMillis(100));

    pass(Duration.ofSeconds(2));
    ToWorker.Job again = other.expectMessageClass(ToWorker.Job.class, WAIT);
    assertEquals(id, again.jobId());
    assertEquals(2, again.attempt());
    JobView view = job(second, id).orElseThrow();
    assertEquals("other", view.worker());
    assertTrue(view.history().get(0).outcome().contains("did not register again within"),
        view.history().toString());
  }

  @Test
  void aFinishedJobIsAnsweredUntilItsRetentionIsOverThenForgotten() {
    Duration retainFor = Duration.ofHours(1);
    ActorRef<JobDispatcher.Command> dispatcher =
        dispatcher("timers-" + IDS.incrementAndGet(), Duration.ofMinutes(1), retainFor);
    TestProbe<ToWorker> worker = testKit.createTestProbe();
    ActorRef<ToMaster> master = admit(dispatcher, "w1", worker);
    String id = submit(dispatcher);
    ToWorker.Job job = worker.expectMessageClass(ToWorker.Job.class, WAIT);
    long now = clock.millis();
    master.tell(new JobsFinished(List.of(new JobFinished(id, job.attempt(), "w1",
        new JobResult(JobState.SUCCEEDED, 0, "", "", false, "w1", 1L, now, now, null))),
        worker.ref()));
    worker.expectMessageClass(ToWorker.FinishAck.class, WAIT);

    pass(retainFor.minusMinutes(2)); // the retention's sweep runs every minute
    assertEquals(JobState.SUCCEEDED, job(dispatcher, id).orElseThrow().state());
    assertEquals(1, health(dispatcher).succeeded());

    pass(Duration.ofMinutes(3));
    assertFalse(job(dispatcher, id).isPresent(), "an hour after it finished it is forgotten");
    assertEquals(0, health(dispatcher).succeeded());
  }

  @Test
  void aLongPollIsDroppedWhenItsWaitIsOverAndNotBefore() {
    ActorRef<JobDispatcher.Command> dispatcher =
        dispatcher("timers-" + IDS.incrementAndGet(), Duration.ofMinutes(1), Duration.ZERO);
    String id = submit(dispatcher); // no worker: it stays queued
    CompletableFuture<Optional<JobView>> poll = AskPattern.<JobDispatcher.Command,
        Optional<JobView>>ask(dispatcher, r -> new JobDispatcher.AwaitJob(id,
            Duration.ofSeconds(30), r), Duration.ofMinutes(5), testKit.scheduler())
        .toCompletableFuture();
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(WAIT, () -> {
      assertEquals(1, health(dispatcher).waiting());
      return null;
    });

    pass(Duration.ofSeconds(29));
    assertEquals(1, health(dispatcher).waiting(), "it waits its 30 s");
    pass(Duration.ofSeconds(2));
    assertEquals(0, health(dispatcher).waiting(), "its wait is over: nothing is left of it");
    assertFalse(poll.isDone(), "nobody answered it: its caller gave up");
  }
}
