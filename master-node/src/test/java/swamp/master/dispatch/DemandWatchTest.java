package swamp.master.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import swamp.master.FailingJournal;
import swamp.master.dispatch.DispatcherProtocol.Demand;
import swamp.master.dispatch.DispatcherProtocol.Queued;
import swamp.master.membership.MembershipEvent;
import swamp.protocol.JobSpec;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * The dispatcher tells the pool scaler what waits and what is free when it changed, at most once
 * per interval, on the scheduler's manual time; and again after it started anew from its journal.
 */
class DemandWatchTest {

  static final ActorTestKit testKit = ActorTestKit.create(ManualTime.config()
      .withFallback(FailingJournal.config())
      .withFallback(ConfigFactory.load("application-test")));
  static final ManualTime time = ManualTime.get(testKit.system());
  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final Duration WAIT = Duration.ofSeconds(30); // the first journal of the JVM starts slowly

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  final TestProbe<Demand> scaler = testKit.createTestProbe();

  ActorRef<JobDispatcher.Command> dispatcher() {
    return dispatcher(0);
  }

  ActorRef<JobDispatcher.Command> dispatcher(int prefetch) {
    FailingJournal.clear();
    ActorRef<JobDispatcher.Command> d = testKit.spawn(JobDispatcher.create("demand-watch", 7,
        LocalExec.NEVER, 1000, new JobDispatcher.Settings(1000, Duration.ofHours(1),
            Duration.ZERO).withPrefetch(prefetch), testKit.spawn(Inbox.create()), null));
    d.tell(new JobDispatcher.WatchDemand(scaler.ref(), INTERVAL));
    return d;
  }

  void submit(ActorRef<JobDispatcher.Command> dispatcher, int jobs) {
    List<JobSpec> specs = java.util.Collections.nCopies(jobs, JobSpec.of(List.of("true")));
    AskPattern.<JobDispatcher.Command, JobDispatcher.Submitted>ask(dispatcher,
        r -> new JobDispatcher.Submit(specs, r), WAIT, testKit.scheduler())
        .toCompletableFuture().join();
  }

  static int queued(Demand d) {
    return d.queued().stream().mapToInt(Queued::count).sum();
  }

  @Test
  void theWatcherHearsTheDemandAtOnceThenItsChangesAtMostOncePerInterval() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher();
    Demand first = scaler.expectMessageClass(Demand.class, WAIT);
    assertEquals(List.of(), first.queued());
    assertEquals(List.of(), first.workers());

    // within the interval the first answer opened, three submits wait and go out as one
    submit(dispatcher, 1);
    submit(dispatcher, 2);
    submit(dispatcher, 1);
    scaler.expectNoMessage(Duration.ofMillis(200));
    time.timePasses(INTERVAL);
    assertEquals(4, queued(scaler.expectMessageClass(Demand.class)));
    time.timePasses(INTERVAL); // a quiet interval: nothing to say
    scaler.expectNoMessage(Duration.ofMillis(200));

    // after a quiet interval the first change goes out at once: a worker joins and takes a job
    TestProbe<ToWorker> worker = testKit.createTestProbe();
    dispatcher.tell(new JobDispatcher.FromMembership(new MembershipEvent.WorkerJoined("w1",
        new WorkerOffer("h", "u", 1, List.of(), List.of("*"), 0, "v", false), List.of(),
        worker.ref())));
    Demand joined = scaler.expectMessageClass(Demand.class);
    assertEquals(3, queued(joined));
    assertEquals(List.of("w1"), joined.workers().stream().map(JobDispatcher.Load::id).toList());
    assertEquals(1, joined.workers().get(0).busy());
    assertEquals(Set.of(), joined.workers().get(0).labels());
  }

  @Test
  void jobsPrefetchedToABusyWorkerStillCountAsWaiting() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher(2);
    scaler.expectMessageClass(Demand.class, WAIT);
    TestProbe<ToWorker> worker = testKit.createTestProbe();
    dispatcher.tell(new JobDispatcher.FromMembership(new MembershipEvent.WorkerJoined("w1",
        new WorkerOffer("h", "u", 1, List.of(), List.of("*"), 0, "v", false), List.of(),
        worker.ref())));
    time.timePasses(INTERVAL);
    scaler.expectMessageClass(Demand.class);
    time.timePasses(INTERVAL);

    // the one-slot worker runs one job and is given two more to start next: the scaler, which
    // grows the pool for jobs no free slot can take, hears of three jobs and two waiting
    submit(dispatcher, 3);
    int given = 0;
    while (given < 3) {
      ToWorker m = worker.receiveMessage(WAIT);
      given += m instanceof ToWorker.Jobs js ? js.jobs().size() : m instanceof ToWorker.Job ? 1 : 0;
    }
    time.timePasses(INTERVAL);
    Demand full = scaler.expectMessageClass(Demand.class);
    assertEquals(2, queued(full));
    assertEquals(1, full.workers().get(0).busy(), "its one slot, not the jobs beyond it");
  }

  @Test
  void aDispatcherStartedAgainFromItsJournalStillTellsTheWatcher() {
    ActorRef<JobDispatcher.Command> dispatcher = dispatcher();
    scaler.expectMessageClass(Demand.class, WAIT);
    submit(dispatcher, 2);
    time.timePasses(INTERVAL);
    assertEquals(2, queued(scaler.expectMessageClass(Demand.class)));
    time.timePasses(INTERVAL);

    int recoveries = FailingJournal.recoveries();
    FailingJournal.failNextWrite();
    dispatcher.tell(new JobDispatcher.Submit(List.of(JobSpec.of(List.of("true"))),
        testKit.<JobDispatcher.Submitted>createTestProbe().ref()));
    // the new dispatcher starts after the restart backoff; it has the two journaled jobs
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(WAIT, () -> {
      time.timePasses(Duration.ofMillis(200));
      assertEquals(true, FailingJournal.recoveries() > recoveries);
      return null;
    });
    assertEquals(2, queued(scaler.expectMessageClass(Demand.class, WAIT)));
    submit(dispatcher, 1);
    time.timePasses(INTERVAL);
    assertEquals(3, queued(scaler.expectMessageClass(Demand.class)));
  }
}
