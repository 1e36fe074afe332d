package swamp.master.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static swamp.master.dispatch.JobDispatcherTest.echo;
import static swamp.master.dispatch.JobDispatcherTest.joined;
import static swamp.master.dispatch.JobDispatcherTest.offer;
import static swamp.master.dispatch.JobDispatcherTest.result;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.master.dispatch.Views.JobView;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToMaster;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToWorker.Job;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker;

/**
 * The dispatcher journaled to an H2 file, stopped and started again from it: what a master that
 * was killed finds when it comes back.
 */
class RecoveryTest {

  static final Duration LONG = Duration.ofSeconds(60);
  static final int SNAPSHOT_EVERY = 2_000;

  @TempDir Path dir;
  com.typesafe.config.Config config;
  ActorTestKit testKit;
  int incarnation;

  @BeforeEach
  void journal() throws Exception {
    // one node on its own: plain tcp, no pool key
    config = Journal.configure(ConfigFactory.parseString("pekko.remote.artery.transport = tcp")
        .withFallback(ConfigFactory.load()), "jdbc:h2:file:" + dir.resolve("journal"));
    Journal.prepare(config);
    testKit = ActorTestKit.create("recovery", config);
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  ActorRef<JobDispatcher.Command> start(Duration recoveryGrace) {
    return testKit.spawn(JobDispatcher.create("dispatcher", ++incarnation, LocalExec.NEVER,
        200_000, new JobDispatcher.Settings(SNAPSHOT_EVERY, recoveryGrace, Duration.ZERO),
        testKit.spawn(Inbox.create(), "inbox-" + incarnation), null), "dispatcher-" + incarnation);
  }

  void crash(ActorRef<JobDispatcher.Command> dispatcher) {
    testKit.stop(dispatcher, LONG);
  }

  @Test
  void queuedAndFinishedJobsAndTheirKeysOutliveTheDispatcher() {
    ActorRef<JobDispatcher.Command> first = start(Duration.ofMinutes(1));
    TestProbe<ToWorker> worker = testKit.createTestProbe();
    ActorRef<ToMaster> inbox = admit(first, "w1", 1, List.of(), worker);
    List<String> ids = submit(first, List.of(echo(), echo()), List.of("k-1", "k-2"));
    Job running = worker.expectMessageClass(Job.class);
    inbox.tell(new JobsFinished(List.of(new JobFinished(running.jobId(), 1, "w1",
        result(JobState.SUCCEEDED, 0, "w1", null))), worker.ref()));
    // the second job now runs on w1: it takes the slot, and acknowledges the finish
    ToWorker.Jobs next = worker.expectMessageClass(ToWorker.Jobs.class);
    assertEquals(List.of(new RunningJob(running.jobId(), 1)), next.recorded());
    assertEquals(List.of(ids.get(1)), next.jobs().stream().map(Job::jobId).toList());
    crash(first);

    ActorRef<JobDispatcher.Command> second = start(Duration.ofMinutes(1));

    JobView done = view(second, ids.get(0));
    assertEquals(JobState.SUCCEEDED, done.state());
    assertEquals("out", done.stdout());
    assertEquals(JobState.RUNNING, view(second, ids.get(1)).state());
    assertEquals(ids, submit(second, List.of(echo(), echo()), List.of("k-1", "k-2")),
        "a key submitted again after the restart is the same job");
    assertEquals("j3", submit(second, List.of(echo()), null).get(0), "numbering goes on");
  }

  @Test
  void aWorkerThatComesBackWithItsAttemptKeepsItAndTheOthersRunAgain() {
    ActorRef<JobDispatcher.Command> first = start(Duration.ofMinutes(1));
    TestProbe<ToWorker> w1 = testKit.createTestProbe();
    admit(first, "w1", 2, List.of(), w1);
    List<String> ids = submit(first, List.of(echo(), echo()), null);
    List<Job> both = JobDispatcherTest.expectJobs(w1, 2, LONG);
    Job kept = both.get(0);
    Job lost = both.get(1);
    crash(first);

    ActorRef<JobDispatcher.Command> second = start(Duration.ofMinutes(1));
    TestProbe<ToWorker> again = testKit.createTestProbe();
    ActorRef<ToMaster> inbox = admit(second, "w1", 2,
        List.of(new RunningJob(kept.jobId(), kept.attempt())), again);

    Job rerun = again.expectMessageClass(Job.class); // it no longer runs the other: it runs again
    assertEquals(lost.jobId(), rerun.jobId());
    assertEquals(2, rerun.attempt());
    inbox.tell(new JobsFinished(List.of(new JobFinished(kept.jobId(), 1, "w1",
        result(JobState.SUCCEEDED, 0, "w1", null))), again.ref()));
    JobView view = await(second, kept.jobId());
    assertEquals(JobState.SUCCEEDED, view.state());
    assertEquals(1, view.attempts(), "the claimed attempt was adopted, not run again");
    assertTrue(ids.contains(rerun.jobId()));
  }

  @Test
  void aCancelOfARunningJobIsSentAgainWhenItsWorkerComesBack() {
    ActorRef<JobDispatcher.Command> first = start(Duration.ofMinutes(1));
    TestProbe<ToWorker> w1 = testKit.createTestProbe();
    admit(first, "w1", 1, List.of(), w1);
    String id = submit(first, List.of(echo()), null).get(0);
    Job running = w1.expectMessageClass(Job.class);
    JobDispatcher.CancelReply reply = ask(first, r -> new JobDispatcher.CancelJob(id, r));
    assertEquals(null, reply.error());
    crash(first); // before the worker could act on the cancel, say

    ActorRef<JobDispatcher.Command> second = start(Duration.ofMinutes(1));
    TestProbe<ToWorker> again = testKit.createTestProbe();
    second.tell(joined("w1", offer(1), List.of(new RunningJob(id, running.attempt())),
        again.ref()));

    ToWorker.CancelJob cancel = again.expectMessageClass(ToWorker.CancelJob.class, LONG);
    assertEquals(id, cancel.jobId());
    assertEquals(running.attempt(), cancel.attempt());
    again.expectMessageClass(RegOk.class); // after the cancel
  }

  @Test
  void jobsOfAWorkerThatNeverComesBackRunElsewhereAfterTheGrace() {
    ActorRef<JobDispatcher.Command> first = start(Duration.ofMinutes(1));
    admit(first, "gone", 1, List.of(), testKit.createTestProbe());
    String id = submit(first, List.of(echo()), null).get(0);
    crash(first);

    ActorRef<JobDispatcher.Command> second = start(Duration.ofMillis(300));
    TestProbe<ToWorker> other = testKit.createTestProbe();
    admit(second, "other", 1, List.of(), other);

    Job job = other.expectMessageClass(Job.class, Duration.ofSeconds(10));
    assertEquals(id, job.jobId());
    assertEquals(2, job.attempt());
  }

  /**
   * 100,000 jobs run and finish; the dispatcher then starts again from the journal. A snapshot
   * every 2,000 journal writes means it reads one snapshot and fewer than 2,000 writes, whatever
   * the history. Prints the time, and how many writes the journal keeps.
   */
  @Test
  void recoveryAfterAHundredThousandFinishedJobsReadsASnapshot() {
    int jobs = 100_000;
    ActorRef<JobDispatcher.Command> first = start(Duration.ofMinutes(1));
    testKit.spawn(autoWorker(first, 64), "auto-worker");
    List<String> ids = new ArrayList<>();
    JobSpec spec = JobSpec.of(List.of("ncks", "-O", "in.nc", "out.nc"));
    long t0 = System.nanoTime();
    for (int i = 0; i < jobs; i += 10_000) {
      ids.addAll(submit(first, Collections.nCopies(10_000, spec), null));
    }
    JobView last = await(first, ids.get(jobs - 1));
    long runMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(JobState.SUCCEEDED, last.state());
    crash(first);

    long t1 = System.nanoTime();
    ActorRef<JobDispatcher.Command> second = start(Duration.ofMinutes(1));
    Views.Health health = ask(second, JobDispatcher.GetHealth::new);
    long recoveryMs = (System.nanoTime() - t1) / 1_000_000;

    System.out.printf("recovery: %,d finished jobs (%,d ms to run them journaled), dispatcher"
        + " recovered in %,d ms%n", jobs, runMs, recoveryMs);
    assertEquals(jobs, health.succeeded());
    assertEquals(0, health.queued() + health.running());
    JobView first1 = view(second, ids.get(0));
    assertEquals(JobState.SUCCEEDED, first1.state());
    assertEquals("out", first1.stdout());
    // two snapshots are kept and the events before the older one deleted: at most three
    // snapshot intervals of events stay, however long the history
    TestProbe<Void> probe = testKit.createTestProbe();
    long rows = probe.awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(200), () -> {
      long n = journalRows();
      assertTrue(n <= 3 * SNAPSHOT_EVERY, n + " writes still in the journal");
      return n;
    });
    System.out.printf("recovery: the journal holds %,d writes after %,d jobs%n", rows, jobs);
  }

  /**
   * 60,000 jobs in batches of 5,000 go through a dispatcher that keeps 1,000 finished ones, with
   * the guard a master has: the journal keeps two snapshots and the writes after the older one,
   * and a clean stop leaves a file the size of that, not of the 60,000 jobs' history (their
   * events alone are about 25 MB; before snapshots came by volume nothing was deleted at all).
   */
  @Test
  void theJournalFollowsWhatTheBookKeepsNotHowManyJobsWentThrough() throws Exception {
    int jobs = 60_000;
    int batch = 5_000;
    JournalGuard guard = JournalGuard.open(config, true);
    ActorRef<JobDispatcher.Command> dispatcher = testKit.spawn(JobDispatcher.create("dispatcher",
        ++incarnation, LocalExec.NEVER, 1_000, new JobDispatcher.Settings(SNAPSHOT_EVERY,
            LONG, Duration.ZERO, guard, Long.MAX_VALUE),
        testKit.spawn(Inbox.create(), "inbox-" + incarnation), null), "bounded");
    testKit.spawn(autoWorker(dispatcher, 64), "auto-worker");
    JobSpec spec = JobSpec.of(List.of("ncks", "-O", "in.nc", "out.nc"));
    String last = null;
    for (int i = 0; i < jobs; i += batch) {
      // each answer waits for its fsync: on a loaded machine longer than JobDispatcherTest's ask
      List<String> ids = this.<JobDispatcher.Submitted>ask(dispatcher,
          r -> new JobDispatcher.Submit(Collections.nCopies(batch, spec), null, r)).ids();
      last = ids.get(ids.size() - 1);
      assertEquals(JobState.SUCCEEDED, await(dispatcher, last).state());
    }
    TestProbe<Void> probe = testKit.createTestProbe();
    long[] kept = probe.awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200), () -> {
      long[] k = journalHolds();
      assertTrue(k[1] <= 2, k[1] + " snapshots kept");
      // what a snapshot covers is deleted: the writes since the older of the two snapshots,
      // about two books' worth and the last batch, not the 60,000 jobs
      assertTrue(k[2] < 4 * (1_000 + batch), k[2] + " jobs submitted in the writes kept");
      return k;
    });
    crash(dispatcher);
    JournalRepair.compact(config);
    long size = java.nio.file.Files.size(Journal.file(config).orElseThrow());
    System.out.printf("bounded journal: %,d writes, %,d snapshots kept after %,d jobs; %,d bytes"
        + " after a clean stop%n", kept[0], kept[1], jobs, size);
    assertTrue(size < 8_000_000, "the journal holds " + size + " bytes after a clean stop");
  }

  /** Writes, snapshots and jobs submitted in those writes that the journal holds. */
  long[] journalHolds() throws Exception {
    String db = "pekko-persistence-jdbc.shared-databases.swamp.db.";
    try (var c = java.sql.DriverManager.getConnection(config.getString(db + "url"),
            config.getString(db + "user"), config.getString(db + "password"));
        var s = c.createStatement()) {
      long[] held = new long[3];
      try (var r = s.executeQuery("SELECT COUNT(*) FROM \"snapshot\"")) {
        r.next();
        held[1] = r.getLong(1);
      }
      var serialization = org.apache.pekko.serialization.SerializationExtension.get(
          org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(testKit.system()));
      try (var r = s.executeQuery("SELECT \"event_payload\", \"event_ser_id\","
          + " \"event_ser_manifest\" FROM \"event_journal\"")) {
        while (r.next()) {
          held[0]++;
          Object event = serialization.deserialize(r.getBytes(1), r.getInt(2), r.getString(3))
              .get();
          held[2] += submitted(event);
        }
      }
      return held;
    }
  }

  private static int submitted(Object event) {
    if (event instanceof JobEvent.Batch b) {
      return b.events().stream().mapToInt(RecoveryTest::submitted).sum();
    }
    return event instanceof JobEvent.Submitted s ? s.jobs().size() : 0;
  }

  long journalRows() throws java.sql.SQLException {
    String db = "pekko-persistence-jdbc.shared-databases.swamp.db.";
    try (var c = java.sql.DriverManager.getConnection(config.getString(db + "url"),
            config.getString(db + "user"), config.getString(db + "password"));
        var r = c.createStatement().executeQuery("SELECT COUNT(*) FROM \"event_journal\"")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** A worker of {@code slots} slots that finishes every job at once. */
  Behavior<Object> autoWorker(ActorRef<JobDispatcher.Command> dispatcher, int slots) {
    return Behaviors.setup(ctx -> {
      ActorRef<ToWorker> self = ctx.messageAdapter(ToWorker.class, m -> m);
      dispatcher.tell(joined("auto", offer(slots), List.of(), self));
      ActorRef<ToMaster>[] master = new ActorRef[1];
      return Behaviors.receive(Object.class)
          .onMessage(RegOk.class, ok -> {
            master[0] = ok.master();
            return Behaviors.same();
          })
          .onMessage(Job.class, job -> {
            master[0].tell(new JobsFinished(List.of(succeeded(job)), self));
            return Behaviors.same();
          })
          .onMessage(ToWorker.Jobs.class, jobs -> {
            master[0].tell(new JobsFinished(jobs.jobs().stream()
                .map(RecoveryTest::succeeded).toList(), self));
            return Behaviors.same();
          })
          .onMessage(Object.class, other -> Behaviors.same())
          .build();
    });
  }

  static JobFinished succeeded(Job job) {
    return new JobFinished(job.jobId(), job.attempt(), "auto",
        result(JobState.SUCCEEDED, 0, "auto", null));
  }

  ActorRef<ToMaster> admit(ActorRef<JobDispatcher.Command> dispatcher, String id, int slots,
      List<RunningJob> running, TestProbe<ToWorker> probe) {
    dispatcher.tell(joined(id, offer(slots), running, probe.ref()));
    return probe.expectMessageClass(RegOk.class, LONG).master();
  }

  List<String> submit(ActorRef<JobDispatcher.Command> dispatcher, List<JobSpec> specs,
      List<String> keys) {
    return JobDispatcherTest.<JobDispatcher.Submitted>ask(dispatcher,
        r -> new JobDispatcher.Submit(specs, keys, r)).ids();
  }

  JobView view(ActorRef<JobDispatcher.Command> dispatcher, String id) {
    Optional<JobView> v = ask(dispatcher, r -> new JobDispatcher.GetJob(id, r));
    return v.orElseThrow(() -> new AssertionError("no job " + id));
  }

  JobView await(ActorRef<JobDispatcher.Command> dispatcher, String id) {
    Optional<JobView> v = ask(dispatcher, r -> new JobDispatcher.AwaitJob(id, r));
    return v.orElseThrow(() -> new AssertionError("no job " + id));
  }

  <T> T ask(ActorRef<JobDispatcher.Command> dispatcher,
      Function<ActorRef<T>, JobDispatcher.Command> question) {
    CompletableFuture<T> f = AskPattern.ask(dispatcher, question, LONG, testKit.scheduler())
        .toCompletableFuture();
    return f.join();
  }
}
