package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * JobRunner with jobs that misbehave as scientists' jobs do: they print far more than is kept,
 * or remove the directory they run in, which is their worker's own when they name none; they
 * crash.
 */
class JobRunnerMisbehavingTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path tmp;

  @AfterAll
  static void cleanup() {
    testKit.shutdownTestKit();
  }

  ActorRef<JobRunner.Command> start(String jobId, JobSpec spec, Path own, int maxOutput,
      TestProbe<JobRunner.Event> probe) {
    return testKit.spawn(JobRunner.create(jobId, 1, spec,
        TestSettings.worker("w1", own).withMaxOutput(maxOutput),
        Executables.of(List.of("bash", "echo")), new JobTable(), probe.ref()));
  }

  /** Waits for {@code holds} with a deadline of 10 s. */
  static void await(String what, java.util.function.BooleanSupplier holds) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!holds.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10s: " + what);
      }
      Thread.onSpinWait();
    }
  }

  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  @Test
  void aJobPrintingFarMoreThanIsKeptTakesNoMoreDiskThanThat() {
    TestProbe<JobRunner.Event> probe = testKit.createTestProbe();
    ActorRef<JobRunner.Command> runner = start("big", JobSpec.of(List.of("bash", "-c",
        "echo first; head -c 20000000 /dev/zero; exec sleep 30")), tmp, 1024, probe);
    Path capture = tmp.resolve("big.1.out");
    await("the 20 MB it printed start to show", () -> size(capture) > 0);
    await("its capture is cut back to 1,025 bytes while it runs, not 20 MB",
        () -> size(capture) == 1025);
    runner.tell(new JobRunner.Cancel("cancelled by request"));
    JobRunner.Ended ended = JobRunnerTest.ended(probe);
    assertEquals(JobState.CANCELLED, ended.result().state());
    assertTrue(ended.result().stdout().startsWith("first\n"), ended.result().stdout());
    assertEquals(1024, ended.result().stdout().length());
    assertTrue(ended.result().truncated());
  }

  @Test
  void aJobThatRemovesItsWorkersDirectoryLeavesTheNextJobsRunning() throws IOException {
    Path own = tmp.resolve("swamp-worker-w1");
    WorkDirs.makePrivate(own);
    TestProbe<JobRunner.Event> probe = testKit.createTestProbe();
    start("rm", JobSpec.of(List.of("bash", "-c", "rm -rf \"$PWD\"")), own, 1024, probe);
    assertEquals(JobState.SUCCEEDED, JobRunnerTest.ended(probe).result().state());
    assertTrue(Files.notExists(own));

    start("next", JobSpec.of(List.of("echo", "next")), own, 1024, probe);
    JobRunner.Ended next = JobRunnerTest.ended(probe);
    assertEquals(JobState.SUCCEEDED, next.result().state(), next.result().reason());
    assertEquals("next\n", next.result().stdout());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(own)));
  }

  @Test
  void aJobThatASignalEndedSaysWhichSignal() {
    TestProbe<JobRunner.Event> probe = testKit.createTestProbe();
    start("segv", JobSpec.of(List.of("bash", "-c", "kill -SEGV $$")), tmp, 1024, probe);
    JobRunner.Ended crashed = JobRunnerTest.ended(probe);
    assertEquals(JobState.FAILED, crashed.result().state());
    assertEquals(139, crashed.result().exitCode());
    assertEquals("exited with code 139 (SIGSEGV: segmentation fault; signal 11)",
        crashed.result().reason());

    start("three", JobSpec.of(List.of("bash", "-c", "exit 3")), tmp, 1024, probe);
    assertEquals("exited with code 3", JobRunnerTest.ended(probe).result().reason());
  }
}
