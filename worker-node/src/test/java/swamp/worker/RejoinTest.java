package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import swamp.node.ExitCodes;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToMaster;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker.FinishAck;
import swamp.protocol.ToWorker.Job;
import swamp.protocol.ToWorker.RegOk;

/**
 * A worker that loses its master joins again as a new incarnation (a new actor system) with the
 * same {@link JobTable}: its jobs keep running and are claimed, and finishes it could not send
 * are sent. Each incarnation here is an ActorTestKit of its own, its master played by probes.
 */
class RejoinTest {

  static final Duration LONG = Duration.ofSeconds(20);

  final Finishes finishes = new Finishes();

  /** Removed by {@link #shutDown} once the jobs' processes are gone, not by JUnit: see there. */
  @TempDir(cleanup = CleanupMode.NEVER) Path workDir;

  final JobTable table = new JobTable();
  final List<Incarnation> incarnations = new ArrayList<>();

  /**
   * A job handed over outlives its incarnation's actor system, and when its process ends its
   * runner, still holding a thread, reads its output and deletes the files in {@code workDir}:
   * JUnit's own removal of the directory could meet a file that this reader just deleted and fail
   * the test. So the processes end first, and the directory goes without minding such a file.
   */
  @AfterEach
  void shutDown() throws Exception {
    incarnations.forEach(i -> i.kit.shutdownTestKit());
    for (JobTable.Live j : table.live()) { // a job handed over, or a test that failed half-way
      j.process().destroyForcibly();
      j.process().onExit().get(LONG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    }
    try (var paths = Files.walk(workDir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.io.UncheckedIOException | java.nio.file.DirectoryNotEmptyException e) {
      // a reader deleted or is deleting a file as we walk: what is left is in /tmp
    }
  }

  /** One life of the worker: its own actor system, the master's registry and dispatcher probes. */
  final class Incarnation {
    final ActorTestKit kit;
    final TestProbe<ToRegistry> registry;
    final TestProbe<ToMaster> master;
    final TestProbe<WorkerActor.Exit> exits;
    final ActorRef<WorkerActor.Command> worker;

    Incarnation(boolean listRegistry) {
      this(listRegistry, TestSettings.worker("w1", workDir));
    }

    Incarnation(boolean listRegistry, WorkerSettings settings) {
      this(listRegistry, settings, ConfigFactory.load("application-test"));
    }

    /** On a node of {@code config}: a cluster's (not joined) for a worker that watches its master. */
    Incarnation(boolean listRegistry, WorkerSettings settings, com.typesafe.config.Config config) {
      kit = ActorTestKit.create(config);
      registry = kit.createTestProbe();
      master = kit.createTestProbe();
      exits = kit.createTestProbe();
      incarnations.add(this);
      if (listRegistry) {
        listRegistry();
      }
      worker = kit.spawn(WorkerActor.create(settings, Executables.of(List.of("*")), false,
          exits.ref(), table));
    }

    void listRegistry() {
      kit.system().receptionist().tell(Receptionist.register(ToRegistry.KEY, registry.ref()));
    }

    Register register() {
      return registry.expectMessageClass(Register.class, LONG);
    }

    Register registered() {
      Register register = register();
      register.replyTo().tell(new RegOk(1, master.ref()));
      return register;
    }

    /** The master goes away: the worker ends with REJOIN and its system terminates. */
    void loseTheMaster() {
      master.stop();
      assertEquals(WorkerActor.REJOIN, exits.expectMessageClass(WorkerActor.Exit.class, LONG).code());
      kit.shutdownTestKit();
    }

    JobTable.Live awaitLive(String jobId) {
      return master.awaitAssert(LONG, () -> table.live().stream()
          .filter(j -> j.jobId().equals(jobId)).findFirst()
          .orElseThrow(() -> new AssertionError(jobId + " has not started yet")));
    }
  }

  /**
   * A first incarnation starts attempt {@code attempt} of job j1, which waits for the file {@code
   * gate}, then appends a line to the file {@code ran} and prints "done"; then it loses its master.
   */
  Process startedThenRejoined(int attempt) {
    Path gate = workDir.resolve("gate");
    Path ran = workDir.resolve("ran");
    JobSpec job = JobSpec.of(List.of("sh", "-c",
        "while [ ! -e '" + gate + "' ]; do sleep 0.02; done; echo once >> '" + ran + "'; echo done"));
    Incarnation first = new Incarnation(true);
    first.registered().replyTo().tell(new Job("j1", attempt, job));
    Process process = first.awaitLive("j1").process();
    first.loseTheMaster();
    return process;
  }

  /** A job given beyond the slots (the master's prefetch) is this worker's across a rejoin too. */
  @Test
  void aJobWaitingForASlotIsHandedOverClaimedAndRunByTheNextIncarnation() throws IOException {
    Path gate = workDir.resolve("gate");
    Incarnation first = new Incarnation(true, TestSettings.worker("w1", workDir).withSlots(1));
    Register register = first.registered();
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sh", "-c",
        "while [ ! -e '" + gate + "' ]; do sleep 0.02; done"))));
    register.replyTo().tell(new Job("j2", 1, JobSpec.of(List.of("echo", "second"))));
    first.awaitLive("j1");
    first.loseTheMaster();

    Incarnation second = new Incarnation(true, TestSettings.worker("w1", workDir).withSlots(1));
    Register again = second.register();
    assertEquals(List.of(new RunningJob("j1", 1), new RunningJob("j2", 1)), again.running());
    again.replyTo().tell(new RegOk(2, second.master.ref()));
    Files.createFile(gate);
    // j2 starts the moment j1's process ends, before j1's output is read: either finish may
    // come first
    java.util.Map<String, JobFinished> done = new java.util.HashMap<>();
    for (int i = 0; i < 2; i++) {
      JobFinished f = finishes.next(second.master, LONG);
      done.put(f.jobId(), f);
    }
    assertEquals(java.util.Set.of("j1", "j2"), done.keySet());
    assertEquals("second\n", done.get("j2").result().stdout());
  }

  /**
   * The master answers the worker's watch that it does not list it (it dropped the worker while
   * the worker lives): the worker registers again, in the same incarnation, claiming the job it
   * runs, which goes on and is reported once.
   */
  @Test
  void aWorkerItsMasterNoLongerListsRegistersAgainClaimingTheJobItRuns() throws IOException {
    Path gate = workDir.resolve("gate");
    Incarnation life = new Incarnation(true, TestSettings.worker("w1", workDir),
        ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.transport = tcp
            pekko.remote.artery.canonical.hostname = "127.0.0.1"
            pekko.remote.artery.canonical.port = 0
            """).withFallback(ConfigFactory.load("application-test")));
    Register first = life.registered();
    assertTrue(first.nodeUid() != 0, "a cluster node's worker says which incarnation it is");
    first.replyTo().tell(new Job("j1", 2, JobSpec.of(List.of("sh", "-c",
        "while [ ! -e '" + gate + "' ]; do sleep 0.02; done; echo done"))));
    Process process = life.awaitLive("j1").process();

    ToRegistry.WhichMaster asked = life.registry.expectMessageClass(ToRegistry.WhichMaster.class, LONG);
    assertEquals("w1", asked.workerId());
    asked.replyTo().tell(new ToRegistry.MasterIs(1, false));

    Register again = life.register();
    assertEquals(List.of(new RunningJob("j1", 2)), again.running());
    assertEquals(first.replyTo(), again.replyTo(), "the same worker, not a new incarnation");
    again.replyTo().tell(new RegOk(1, life.master.ref()));
    Files.createFile(gate);
    JobFinished finished = finishes.next(life.master, LONG);
    assertEquals("j1", finished.jobId());
    assertEquals(process.pid(), finished.result().pid(), "the job it ran all along");
  }

  @Test
  void aRunningJobSurvivesTheRejoinIsClaimedAndReportedOnce() throws IOException {
    Process process = startedThenRejoined(3);
    assertTrue(process.isAlive(), "the job outlives the incarnation that started it");

    Incarnation second = new Incarnation(true);
    Register register = second.register();
    assertEquals(List.of(new RunningJob("j1", 3)), register.running());
    register.replyTo().tell(new RegOk(2, second.master.ref()));
    Files.createFile(workDir.resolve("gate"));

    JobFinished finished = finishes.next(second.master, LONG);
    assertEquals("j1", finished.jobId());
    assertEquals(3, finished.attempt());
    assertEquals(JobState.SUCCEEDED, finished.result().state());
    assertEquals(0, finished.result().exitCode());
    assertEquals("done\n", finished.result().stdout());
    assertEquals(process.pid(), finished.result().pid());
    assertEquals(List.of("once"), Files.readAllLines(workDir.resolve("ran")), "it ran once and was never killed");
    second.master.expectNoMessage(Duration.ofMillis(200));
    assertTrue(table.live().isEmpty());
    assertEquals(1, table.undelivered().size(), "kept until the master acknowledges it");
    register.replyTo().tell(Finishes.ack("j1", 3));
    second.master.awaitAssert(LONG, () -> {
      assertTrue(table.undelivered().isEmpty());
      return null;
    });
  }

  @Test
  void aJobThatFinishedWithNoMasterIsClaimedAndDeliveredOnceAfterRegOk() throws IOException {
    Process process = startedThenRejoined(1);
    Files.createFile(workDir.resolve("gate"));
    process.onExit().orTimeout(LONG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();

    Incarnation second = new Incarnation(false); // no master to be found yet
    second.master.awaitAssert(LONG, () -> {
      assertEquals(List.of("j1"), table.undelivered().stream().map(JobFinished::jobId).toList());
      return null;
    });
    assertTrue(table.live().isEmpty());
    second.listRegistry();
    Register register = second.register();
    assertEquals(List.of(new RunningJob("j1", 1)), register.running(),
        "a finish the master has not heard of is still a running attempt to it");
    register.replyTo().tell(new RegOk(2, second.master.ref()));

    JobFinished finished = finishes.next(second.master, LONG);
    assertEquals(1, finished.attempt());
    assertEquals(0, finished.result().exitCode());
    assertEquals("done\n", finished.result().stdout());
    second.master.expectNoMessage(Duration.ofMillis(200));
    register.replyTo().tell(Finishes.ack("j1", 1));
    second.master.awaitAssert(LONG, () -> {
      assertTrue(table.undelivered().isEmpty());
      return null;
    });
    assertEquals(List.of("once"), Files.readAllLines(workDir.resolve("ran")));
  }

  /**
   * Finishes kept while there was no master go to the next in one report, in the order the jobs
   * ended, and one acknowledgement clears them all.
   */
  @Test
  void finishesKeptForTheNextMasterGoInOneReportAndOneAckClearsThem() throws IOException {
    Path gate = workDir.resolve("gate");
    Incarnation first = new Incarnation(true);
    Register register = first.registered();
    for (String id : List.of("j1", "j2")) {
      register.replyTo().tell(new Job(id, 1, JobSpec.of(List.of("sh", "-c",
          "while [ ! -e '" + gate + "' ]; do sleep 0.02; done; echo " + id))));
    }
    first.awaitLive("j1");
    first.awaitLive("j2");
    first.loseTheMaster();

    Incarnation second = new Incarnation(false); // no master to be found yet
    Files.createFile(gate);
    second.master.awaitAssert(LONG, () -> {
      assertEquals(2, table.undelivered().size());
      return null;
    });
    second.listRegistry();
    second.register().replyTo().tell(new RegOk(2, second.master.ref()));

    JobsFinished report = second.master.expectMessageClass(JobsFinished.class, LONG);
    assertEquals(Set.of("j1", "j2"),
        report.finishes().stream().map(JobFinished::jobId).collect(Collectors.toSet()));
    second.master.expectNoMessage(Duration.ofMillis(200));
    report.worker().tell(new FinishAck(List.of(new RunningJob("j1", 1), new RunningJob("j2", 1))));
    second.master.awaitAssert(LONG, () -> {
      assertTrue(table.undelivered().isEmpty());
      return null;
    });
  }

  @Test
  void aFinishSentToAMasterThatDiedIsSentAgainToTheNext() throws IOException {
    Path ran = workDir.resolve("ran");
    Incarnation first = new Incarnation(true);
    first.registered().replyTo().tell(new Job("j1", 1,
        JobSpec.of(List.of("sh", "-c", "echo once >> '" + ran + "'"))));
    finishes.next(first.master, LONG); // sent, never acknowledged
    first.loseTheMaster();

    Incarnation second = new Incarnation(true);
    Register register = second.register();
    assertEquals(List.of(new RunningJob("j1", 1)), register.running());
    register.replyTo().tell(new RegOk(2, second.master.ref()));
    assertEquals("j1", finishes.next(second.master, LONG).jobId());
    assertEquals(List.of("once"), Files.readAllLines(ran));
  }

  @Test
  void aStopStillKillsTheRunningJob() {
    Incarnation only = new Incarnation(true);
    only.registered().replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "60"))));
    Process process = only.awaitLive("j1").process();
    only.worker.tell(new WorkerActor.Stop("stopped by SIGTERM", WorkerActor.Stop.SIGTERM)); // drains
    only.worker.tell(new WorkerActor.Stop("stopped by SIGTERM", WorkerActor.Stop.SIGTERM)); // a second one: now
    assertEquals(ExitCodes.OK, only.exits.expectMessageClass(WorkerActor.Exit.class).code());
    only.master.awaitAssert(LONG, () -> {
      assertFalse(process.isAlive());
      return null;
    });
    assertFalse(table.handingOver());
    assertTrue(table.live().isEmpty());
  }

  /** Downed, its actor system shut down under it: the running job and the one waiting go over. */
  @Test
  void aNodeRemovedFromTheClusterHandsItsJobsOver() {
    Incarnation only = new Incarnation(true, TestSettings.worker("w1", workDir).withSlots(1));
    WorkerLife.handOverWhenRemoved(only.kit.system(), table);
    Register register = only.registered();
    register.replyTo().tell(new Job("j1", 1, JobSpec.of(List.of("sleep", "60"))));
    register.replyTo().tell(new Job("j2", 1, JobSpec.of(List.of("echo", "second"))));
    Process process = only.awaitLive("j1").process();
    CoordinatedShutdown.get(only.kit.system()).runAll(CoordinatedShutdown.clusterDowningReason());
    only.kit.system().getWhenTerminated().toCompletableFuture().join();
    assertTrue(table.handingOver());
    assertTrue(process.isAlive(), "a downed node's jobs wait for its next incarnation");
    assertEquals(List.of("j1"), table.adopt().stream().map(JobTable.Live::jobId).toList());
    assertEquals(List.of("j2"), table.adoptWaiting().stream().map(Job::jobId).toList(),
        "the job waiting for a slot goes to the next incarnation too");
  }
}
