package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/** JobRunner with real processes: output, exit codes, the allow-list, timeouts and cancel. */
class JobRunnerTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path workDir;

  @AfterAll
  static void cleanup() {
    testKit.shutdownTestKit();
  }

  WorkerSettings settings(int maxOutput) {
    return TestSettings.worker("w1", workDir).withMaxOutput(maxOutput);
  }

  JobRunner.Ended run(JobSpec spec, int maxOutput, List<String> allowed) {
    TestProbe<JobRunner.Ended> probe = testKit.createTestProbe();
    testKit.spawn(JobRunner.create("j1", 1, spec, settings(maxOutput), Executables.of(allowed), new JobTable(), probe.ref()));
    return probe.expectMessageClass(JobRunner.Ended.class, Duration.ofSeconds(20));
  }

  @Test
  void aJobsOutputAndExitCodeComeBack() {
    JobRunner.Ended ended = run(JobSpec.of(List.of("echo", "hello", "swamp")), 1024, List.of("echo"));
    assertEquals(JobState.SUCCEEDED, ended.result().state());
    assertEquals(0, ended.result().exitCode());
    assertEquals("hello swamp\n", ended.result().stdout());
    assertEquals("w1", ended.result().workerId());
    assertNotNull(ended.result().pid());
    assertNull(ended.result().reason());
  }

  @Test
  void aNonZeroExitIsAFailureWithItsCode() {
    JobRunner.Ended ended = run(JobSpec.of(List.of("ls", "/no/such/path")), 1024, List.of("ls"));
    assertEquals(JobState.FAILED, ended.result().state());
    assertEquals(2, ended.result().exitCode());
    assertTrue(ended.result().stderr().contains("/no/such/path"), ended.result().stderr());
    assertEquals("exited with code 2", ended.result().reason());
  }

  @Test
  void outputIsCutToTheLimitAndSaysSo() {
    JobRunner.Ended ended = run(JobSpec.of(List.of("cat", "/etc/services")), 100, List.of("cat"));
    assertEquals(100, ended.result().stdout().length());
    assertTrue(ended.result().truncated());
  }

  @Test
  void aProgramNotAllowedFailsWithAReasonThatNamesIt() {
    JobRunner.Ended ended = run(JobSpec.of(List.of("uname", "-a")), 1024, List.of("echo"));
    assertEquals(JobState.FAILED, ended.result().state());
    assertNull(ended.result().exitCode());
    assertTrue(ended.result().reason().contains("program 'uname'"), ended.result().reason());
    assertTrue(ended.result().reason().contains("not allowed"), ended.result().reason());
  }

  @Test
  void aMissingProgramFailsWithAReasonThatNamesIt() {
    JobRunner.Ended ended = run(JobSpec.of(List.of("no-such-program-xyz")), 1024, List.of("*"));
    assertEquals(JobState.FAILED, ended.result().state());
    assertTrue(ended.result().reason().contains("'no-such-program-xyz' was not found"), ended.result().reason());
  }

  @Test
  void aLookalikeOutsideThePathIsNotTheAllowedProgram() throws IOException {
    Path fake = workDir.resolve("echo");
    Files.writeString(fake, "#!/bin/sh\necho fake\n");
    fake.toFile().setExecutable(true);
    JobRunner.Ended ended = run(JobSpec.of(List.of(fake.toString(), "x")), 1024, List.of("echo"));
    assertEquals(JobState.FAILED, ended.result().state());
    assertTrue(ended.result().reason().contains("not allowed"), ended.result().reason());
  }

  @Test
  void aJobOverItsTimeoutIsKilled() {
    JobSpec spec = new JobSpec(List.of("sleep", "30"), Map.of(), null, List.of(), 1, 300, 3);
    long start = System.nanoTime();
    JobRunner.Ended ended = run(spec, 1024, List.of("sleep"));
    assertEquals(JobState.FAILED, ended.result().state());
    assertTrue(ended.result().reason().startsWith("timed out after"), ended.result().reason());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
    assertFalse(ProcessHandle.of(ended.result().pid()).map(ProcessHandle::isAlive).orElse(false));
  }

  @Test
  void aJobRunsInItsWorkingDirectoryWithItsEnvironment() throws IOException {
    Path dir = Files.createDirectory(workDir.resolve("data"));
    Files.writeString(dir.resolve("in.txt"), "a\nb\nc\n");
    JobSpec spec = new JobSpec(List.of("wc", "-l", "in.txt"), Map.of(), dir.toString(), List.of(), 1, 0, 3);
    assertEquals("3 in.txt\n", run(spec, 1024, List.of("wc")).result().stdout());
    JobSpec env = new JobSpec(List.of("env"), Map.of("SWAMP_TEST_VAR", "42"), null, List.of(), 1, 0, 3);
    assertTrue(run(env, 1 << 20, List.of("env")).result().stdout().contains("SWAMP_TEST_VAR=42"));
  }

  @Test
  void aMissingWorkingDirectoryFailsTheJob() {
    JobSpec spec = new JobSpec(List.of("true"), Map.of(), "/no/such/dir", List.of(), 1, 0, 3);
    JobRunner.Ended ended = run(spec, 1024, List.of("true"));
    assertEquals(JobState.FAILED, ended.result().state());
    assertTrue(ended.result().reason().contains("'/no/such/dir' does not exist"), ended.result().reason());
  }

  @Test
  void anAdoptedJobPastItsDeadlineIsKilledAtOnce() throws IOException {
    JobSpec spec = new JobSpec(List.of("sleep", "30"), Map.of(), null, List.of(), 1, 1_000, 3);
    Process process = new ProcessBuilder("sleep", "30").start();
    long startedAt = System.currentTimeMillis() - 5_000; // an earlier incarnation started it
    JobTable table = new JobTable();
    JobTable.Live job = JobTable.Live.started("j3", 1, spec, process, startedAt);
    assertTrue(table.started(job, () -> false));
    TestProbe<JobRunner.Ended> probe = testKit.createTestProbe();
    testKit.spawn(JobRunner.adopt(job, settings(1024), table, probe.ref()));
    JobRunner.Ended ended = probe.expectMessageClass(JobRunner.Ended.class, Duration.ofSeconds(20));
    assertEquals(JobState.FAILED, ended.result().state());
    assertEquals("timed out after 1s", ended.result().reason());
    assertFalse(process.isAlive());
    assertEquals(List.of("j3"), table.undelivered().stream().map(f -> f.jobId()).toList());
  }

  @Test
  void cancelKillsTheProcess() {
    TestProbe<JobRunner.Ended> probe = testKit.createTestProbe();
    ActorRef<JobRunner.Command> runner = testKit.spawn(JobRunner.create("j2", 1,
        JobSpec.of(List.of("sleep", "30")), settings(1024), Executables.of(List.of("sleep")), new JobTable(), probe.ref()));
    runner.tell(new JobRunner.Cancel("cancelled by request"));
    JobRunner.Ended ended = probe.expectMessageClass(JobRunner.Ended.class, Duration.ofSeconds(20));
    assertEquals(JobState.CANCELLED, ended.result().state());
    assertEquals("cancelled by request", ended.result().reason());
  }
}
