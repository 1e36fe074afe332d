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
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * JobRunner with real processes: output, exit codes, the allow-list, timeouts and cancel;
 * redirections and pipelines; the argv[0] a process sees.
 */
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
    TestProbe<JobRunner.Event> probe = testKit.createTestProbe();
    testKit.spawn(JobRunner.create("j1", 1, spec, settings(maxOutput), Executables.of(allowed), new JobTable(), probe.ref()));
    return ended(probe);
  }

  /**
   * The runner's {@code Ended}; a job whose processes ran says so first, once ({@code
   * ProcessesEnded}, which frees its slots while its output is read), and one that never
   * started does not.
   */
  static JobRunner.Ended ended(TestProbe<JobRunner.Event> probe) {
    List<JobRunner.Event> events = probe.fishForMessage(Duration.ofSeconds(20),
        e -> e instanceof JobRunner.Ended ? FishingOutcomes.complete()
            : FishingOutcomes.continueAndCollect());
    JobRunner.Ended ended = (JobRunner.Ended) events.get(events.size() - 1);
    List<JobRunner.Event> before = events.subList(0, events.size() - 1);
    if (ended.result().pid() != null) {
      assertEquals(List.of(new JobRunner.ProcessesEnded(ended.jobId(), ended.attempt(),
          StopInterruptions.stopSignalOf(ended.result().exitCode()) != 0)), before);
    } else {
      assertEquals(List.of(), before);
    }
    return ended;
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
  void aMissingProgramFailsWithAReasonThatNamesItAndTheShellsStatus() {
    JobRunner.Ended ended = run(JobSpec.of(List.of("no-such-program-xyz")), 1024, List.of("*"));
    assertEquals(JobState.FAILED, ended.result().state());
    assertTrue(ended.result().reason().contains("'no-such-program-xyz' was not found"), ended.result().reason());
    assertEquals(127, ended.result().exitCode(), "bash's status for 'command not found'");
  }

  @Test
  void aProgramPathThatIsNotThereOrCannotRunHasTheShellsStatus() throws IOException {
    JobRunner.Ended missing =
        run(JobSpec.of(List.of(workDir.resolve("nope").toString())), 1024, List.of("*"));
    assertEquals(127, missing.result().exitCode(), missing.result().reason());
    assertTrue(missing.result().reason().contains("does not exist"), missing.result().reason());
    Path text = Files.writeString(workDir.resolve("notes.txt"), "not a program\n");
    JobRunner.Ended notRunnable = run(JobSpec.of(List.of(text.toString())), 1024, List.of("*"));
    assertEquals(126, notRunnable.result().exitCode(), notRunnable.result().reason());
    assertTrue(notRunnable.result().reason().contains("is not an executable file"),
        notRunnable.result().reason());
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
    JobTable.Live job = JobTable.Live.started("j3", 1, spec, List.of(process), startedAt);
    table.started(job);
    TestProbe<JobRunner.Event> probe = testKit.createTestProbe();
    testKit.spawn(JobRunner.adopt(job, settings(1024), table, probe.ref()));
    JobRunner.Ended ended = ended(probe);
    assertEquals(JobState.FAILED, ended.result().state());
    assertEquals("timed out after 1s", ended.result().reason());
    assertFalse(process.isAlive());
    assertEquals(List.of("j3"), table.undelivered().stream().map(f -> f.jobId()).toList());
  }

  @Test
  void cancelKillsTheProcess() {
    TestProbe<JobRunner.Event> probe = testKit.createTestProbe();
    ActorRef<JobRunner.Command> runner = testKit.spawn(JobRunner.create("j2", 1,
        JobSpec.of(List.of("sleep", "30")), settings(1024), Executables.of(List.of("sleep")), new JobTable(), probe.ref()));
    runner.tell(new JobRunner.Cancel("cancelled by request"));
    JobRunner.Ended ended = ended(probe);
    assertEquals(JobState.CANCELLED, ended.result().state());
    assertEquals("cancelled by request", ended.result().reason());
  }

  // ---- redirections ----

  JobSpec inWorkDir(List<String> argv, Redirects redirects, Stage... pipeline) {
    return new JobSpec(argv, Map.of(), workDir.toString(), List.of(), 1, 0, 3)
        .withIo(redirects, List.of(pipeline));
  }

  static Redirects redirects(String stdin, String stdout, boolean append, String stderr,
      boolean stderrAppend, boolean stderrToStdout) {
    return new Redirects(stdin, stdout, append, stderr, stderrAppend, stderrToStdout);
  }

  @Test
  void standardOutputGoesToAFileTruncatedOrAppended() throws IOException {
    Files.writeString(workDir.resolve("out.txt"), "old contents that are longer\n");
    JobRunner.Ended ended = run(inWorkDir(List.of("echo", "one"), Redirects.stdoutTo("out.txt")),
        1024, List.of("echo"));
    assertEquals(JobState.SUCCEEDED, ended.result().state());
    assertEquals("", ended.result().stdout(), "what goes to the file is not captured");
    assertEquals("one\n", Files.readString(workDir.resolve("out.txt")));
    run(inWorkDir(List.of("echo", "two"), redirects(null, "out.txt", true, null, false, false)),
        1024, List.of("echo"));
    assertEquals("one\ntwo\n", Files.readString(workDir.resolve("out.txt")));
    // a new file gets the mode a shell gives it: 0666 less the umask, never executable
    run(inWorkDir(List.of("echo", "x"), Redirects.stdoutTo("new.txt")), 1024, List.of("echo"));
    assertFalse(Files.isExecutable(workDir.resolve("new.txt")));
    assertTrue(Files.isReadable(workDir.resolve("new.txt")));
  }

  @Test
  void standardErrorGoesToItsFileOrWithStandardOutput() throws IOException {
    JobRunner.Ended ended = run(inWorkDir(List.of("ls", "/no/such/path", "/"),
        redirects(null, null, false, "err.txt", false, false)), 1 << 16, List.of("ls"));
    assertEquals(2, ended.result().exitCode());
    assertEquals("", ended.result().stderr());
    assertTrue(ended.result().stdout().contains("tmp"), "stdout is still captured");
    assertTrue(Files.readString(workDir.resolve("err.txt")).contains("/no/such/path"));
    run(inWorkDir(List.of("ls", "/no/such/other"),
        redirects(null, null, false, "err.txt", true, false)), 1024, List.of("ls"));
    String both = Files.readString(workDir.resolve("err.txt"));
    assertTrue(both.contains("/no/such/path") && both.contains("/no/such/other"), both);

    run(inWorkDir(List.of("ls", "/no/such/path", "/"),
        redirects(null, "all.txt", false, null, false, true)), 1024, List.of("ls"));
    String all = Files.readString(workDir.resolve("all.txt"));
    assertTrue(all.contains("/no/such/path") && all.contains("tmp"), all);

    // 2>&1 without a file: both streams are captured as the job's standard output
    JobRunner.Ended captured = run(inWorkDir(List.of("ls", "/no/such/path"),
        redirects(null, null, false, null, false, true)), 1024, List.of("ls"));
    assertTrue(captured.result().stdout().contains("/no/such/path"), captured.result().stdout());
    assertEquals("", captured.result().stderr());
  }

  @Test
  void standardInputReadsAFileThatMustExist() throws IOException {
    Files.writeString(workDir.resolve("in.txt"), "a\nb\nc\n");
    JobRunner.Ended ended = run(inWorkDir(List.of("wc", "-l"),
        redirects("in.txt", null, false, null, false, false)), 1024, List.of("wc"));
    assertEquals("3\n", ended.result().stdout());

    JobRunner.Ended missing = run(inWorkDir(List.of("wc", "-l"),
        redirects("x.txt", "out.txt", false, null, false, false)), 1024, List.of("wc"));
    assertEquals(JobState.FAILED, missing.result().state());
    assertNull(missing.result().exitCode());
    assertEquals("stdin file x.txt does not exist", missing.result().reason());
    assertFalse(Files.exists(workDir.resolve("out.txt")), "nothing ran, nothing was written");
  }

  @Test
  void standardInputReadsAHereDocumentsText() throws IOException {
    String text = "T_anom = T - 273.15;\n// ключ $x\n";
    JobRunner.Ended ended = run(inWorkDir(List.of("cat"),
        new Redirects(null, "anom.nco", false, null, false, false, text)), 1024, List.of("cat"));
    assertEquals(JobState.SUCCEEDED, ended.result().state(), ended.result().reason());
    assertEquals(text, Files.readString(workDir.resolve("anom.nco")));
    // the first stage of a pipeline reads it too
    JobRunner.Ended counted = run(inWorkDir(List.of("cat"),
        new Redirects(null, null, false, null, false, false, "a\nb\n"), Stage.of("wc", "-l")),
        1024, List.of("cat", "wc"));
    assertEquals("2\n", counted.result().stdout());
    try (var left = Files.list(settings(1024).workDir())) {
      assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("j1."))
          .toList(), "the text's file is removed with the captures");
    }
  }

  // ---- pipelines ----

  @Test
  void aThreeStagePipelineCountsIntoAFile() throws IOException {
    Files.writeString(workDir.resolve("f.txt"), "x1\ny\nx2\nz\nx3\n");
    JobRunner.Ended ended = run(inWorkDir(List.of("cat", "f.txt"), null,
        Stage.of("grep", "x"), new Stage(List.of("wc", "-l"), Redirects.stdoutTo("count.txt"))),
        1024, List.of("cat", "grep", "wc"));
    assertEquals(JobState.SUCCEEDED, ended.result().state(), ended.result().reason());
    assertEquals("3\n", Files.readString(workDir.resolve("count.txt")));
    assertEquals("", ended.result().stdout());
  }

  @Test
  void aPipelineExitsWithItsLastStagesCodeAndCapturesEveryStagesErrors() throws IOException {
    JobRunner.Ended last = run(inWorkDir(List.of("ls", "/no/such/first"), null,
        Stage.of("cat"), Stage.of("ls", "/no/such/last")), 1024, List.of("ls", "cat"));
    assertEquals(JobState.FAILED, last.result().state());
    assertEquals(2, last.result().exitCode());
    assertTrue(last.result().stderr().contains("/no/such/first")
        && last.result().stderr().contains("/no/such/last"), last.result().stderr());

    JobRunner.Ended notFirst = run(inWorkDir(List.of("ls", "/no/such/first"),
        redirects(null, null, false, null, false, true), Stage.of("wc", "-l")), 1024,
        List.of("ls", "wc"));
    assertEquals(JobState.SUCCEEDED, notFirst.result().state(), "the first stage's 2 is not it");
    assertEquals("1\n", notFirst.result().stdout(), "2>&1 sends the error into the pipe");
  }

  /** sed runs, as a stage too, but its commands that would run a program or write a file are refused. */
  @Test
  void sedEditsButCannotRunOrWrite() throws IOException {
    Files.writeString(workDir.resolve("vars.txt"), "float T(time) ;\nfloat gw(lat) ;\n");
    JobRunner.Ended edited = run(inWorkDir(List.of("cat", "vars.txt"), null,
        new Stage(List.of("sed", "-E", "s/^float ([A-Za-z]+).*/\\1/"), Redirects.stdoutTo("names.txt"))),
        1024, List.of("cat", "sed"));
    assertEquals(JobState.SUCCEEDED, edited.result().state(), edited.result().stderr());
    assertEquals("T\ngw\n", Files.readString(workDir.resolve("names.txt")));
    JobRunner.Ended inPlace = run(inWorkDir(List.of("sed", "-i", "s/float/double/", "vars.txt"), null),
        1024, List.of("sed"));
    assertEquals(JobState.SUCCEEDED, inPlace.result().state(), inPlace.result().stderr());
    assertTrue(Files.readString(workDir.resolve("vars.txt")).startsWith("double T"));
    for (String script : List.of("1e touch ran.txt", "s/T/x/w wrote.txt", "r /etc/hostname")) {
      JobRunner.Ended refused = run(inWorkDir(List.of("sed", script, "vars.txt"), null), 1024, List.of("sed"));
      assertEquals(JobState.FAILED, refused.result().state(), script);
      assertTrue(refused.result().stderr().contains("disabled in sandbox mode"), refused.result().stderr());
    }
    assertFalse(Files.exists(workDir.resolve("ran.txt")) || Files.exists(workDir.resolve("wrote.txt")));
  }

  /**
   * gawk runs, as a pipeline's stage too, but system(), pipes and redirections to or from files
   * are refused; awk is gawk where it links to it (bin/setup installs gawk, CI must have it).
   */
  @Test
  void gawkComputesButCannotRunOrWrite() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CI") != null
        || !Executables.of(List.of("gawk")).offered().isEmpty(), "gawk is not on the PATH");
    Files.writeString(workDir.resolve("t.txt"), "T 290.5\nT 291.5\n");
    JobRunner.Ended mean = run(inWorkDir(List.of("cat", "t.txt"), null,
        new Stage(List.of("gawk", "{ s += $2 } END { printf \"%.1f\\n\", s / NR }"), Redirects.stdoutTo("mean.txt"))),
        1024, List.of("cat", "gawk"));
    assertEquals(JobState.SUCCEEDED, mean.result().state(), mean.result().stderr());
    assertEquals("291.0\n", Files.readString(workDir.resolve("mean.txt")));
    for (String program : List.of("BEGIN { system(\"touch ran.txt\") }", "{ print > \"wrote.txt\" }",
        "BEGIN { while ((getline l < \"/etc/hostname\") > 0) print l }", "{ print | \"cat\" }")) {
      JobRunner.Ended refused = run(inWorkDir(List.of("gawk", program, "t.txt"), null), 1024, List.of("gawk"));
      assertEquals(JobState.FAILED, refused.result().state(), program);
      assertTrue(refused.result().stderr().contains("not allowed in sandbox mode"), refused.result().stderr());
    }
    assertFalse(Files.exists(workDir.resolve("ran.txt")) || Files.exists(workDir.resolve("wrote.txt")));
  }

  @Test
  void aDisallowedStageFailsThePipelineNamingIt() {
    JobRunner.Ended ended = run(inWorkDir(List.of("echo", "x"), null, Stage.of("uname"),
        Stage.of("wc")), 1024, List.of("echo", "wc"));
    assertEquals(JobState.FAILED, ended.result().state());
    assertNull(ended.result().pid(), "no stage started");
    assertTrue(ended.result().reason().startsWith("pipeline stage 1 of 3: program 'uname'"),
        ended.result().reason());
    assertTrue(ended.result().reason().contains("not allowed"), ended.result().reason());
  }

  /** Starts {@code spec} and waits until its processes are in the table; returns their pids. */
  List<Long> startAndAwaitPids(String jobId, JobSpec spec, JobTable table,
      TestProbe<JobRunner.Event> probe, List<ActorRef<JobRunner.Command>> runner) {
    runner.add(testKit.spawn(JobRunner.create(jobId, 1, spec, settings(1024),
        Executables.of(List.of("sleep", "cat")), table, probe.ref())));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      for (JobTable.Live live : table.live()) {
        if (live.jobId().equals(jobId)) {
          return live.processes().stream().map(Process::pid).toList();
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("job " + jobId + " did not start within 20s");
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void aCancelledPipelineLeavesNoStageRunning() {
    JobTable table = new JobTable();
    TestProbe<JobRunner.Event> probe = testKit.createTestProbe();
    List<ActorRef<JobRunner.Command>> runner = new java.util.ArrayList<>();
    List<Long> pids = startAndAwaitPids("p1", inWorkDir(List.of("sleep", "60"), null,
        Stage.of("cat"), Stage.of("sleep", "60")), table, probe, runner);
    assertEquals(3, pids.size());
    assertTrue(pids.stream().allMatch(JobRunnerTest::alive), "every stage runs");
    runner.get(0).tell(new JobRunner.Cancel("cancelled by request"));
    JobRunner.Ended ended = ended(probe);
    assertEquals(JobState.CANCELLED, ended.result().state());
    assertEquals(List.of(), pids.stream().filter(JobRunnerTest::alive).toList(), "stages alive");
  }

  @Test
  void aPipelineOverItsTimeoutLeavesNoStageRunning() {
    JobTable table = new JobTable();
    TestProbe<JobRunner.Event> probe = testKit.createTestProbe();
    JobSpec spec = new JobSpec(List.of("sleep", "60"), Map.of(), null, List.of(), 1, 1_500, 3)
        .withIo(null, List.of(Stage.of("cat"), Stage.of("sleep", "60")));
    List<Long> pids = startAndAwaitPids("p2", spec, table, probe, new java.util.ArrayList<>());
    JobRunner.Ended ended = ended(probe);
    assertEquals(JobState.FAILED, ended.result().state());
    assertEquals("timed out after 1.5s", ended.result().reason());
    assertEquals(List.of(), pids.stream().filter(JobRunnerTest::alive).toList(), "stages alive");
  }

  @Test
  void aPipelineExitsWithItsLastStageOrUnderPipefailWithItsLastStageThatFailed() {
    List<String> allowed = List.of("ls", "false", "true");
    JobSpec lsFails = JobSpec.of(List.of("ls", "/no/such/dir")).withIo(null, List.of(Stage.of("true")));
    assertEquals(0, run(lsFails, 1024, allowed).result().exitCode(), "as bash: the last stage's");
    JobResult failed = run(lsFails.withPipefail(true), 1024, allowed).result();
    assertEquals(2, failed.exitCode(), "ls's own code, as bash's set -o pipefail gives it");
    assertEquals(JobState.FAILED, failed.state());
    JobSpec twoFail = JobSpec.of(List.of("ls", "/no/such/dir"))
        .withIo(null, List.of(Stage.of("false"), Stage.of("true"))).withPipefail(true);
    assertEquals(1, run(twoFail, 1024, allowed).result().exitCode(), "the last that failed: false's");
    JobSpec noneFail = JobSpec.of(List.of("true")).withIo(null, List.of(Stage.of("true")))
        .withPipefail(true);
    assertEquals(JobState.SUCCEEDED, run(noneFail, 1024, allowed).result().state());
  }

  // ---- argv[0] ----

  @Test
  void aProcessSeesItsProgramNamedAsTheJobWroteIt() {
    // /proc/self/cmdline is the argv the process was given, NUL-separated
    JobRunner.Ended ended = run(JobSpec.of(List.of("cat", "/proc/self/cmdline")), 1024,
        List.of("cat"));
    assertEquals("cat\0/proc/self/cmdline\0", ended.result().stdout());
    JobRunner.Ended piped = run(JobSpec.of(List.of("echo")).withIo(null,
        List.of(Stage.of("cat", "/proc/self/cmdline"))), 1024, List.of("cat", "echo"));
    assertEquals("cat\0/proc/self/cmdline\0", piped.result().stdout());
  }

  @Test
  void ncoWritesTheCommandLineAsTheJobWroteItIntoTheHistory() throws IOException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Executables.of(List.of("ncks", "ncgen")).offered().size() == 2,
        "NCO's ncks and netCDF's ncgen are not on the PATH");
    Files.writeString(workDir.resolve("t.cdl"),
        "netcdf t {\ndimensions:\n time = 2 ;\nvariables:\n float T(time) ;\ndata:\n T = 1, 2 ;\n}\n");
    List<String> nco = List.of("ncks", "ncgen");
    assertEquals(JobState.SUCCEEDED, run(inWorkDir(List.of("ncgen", "-o", "t.nc", "t.cdl"), null),
        1024, nco).result().state());
    assertEquals(JobState.SUCCEEDED, run(inWorkDir(List.of("ncks", "-O", "t.nc", "o.nc"), null),
        1024, nco).result().state());
    String header = run(inWorkDir(List.of("ncks", "-M", "o.nc"), null), 1 << 16, nco)
        .result().stdout();
    assertTrue(header.contains(": ncks -O t.nc o.nc\""), header);
  }

  @Test
  void aJobThatChangesThePathStillRunsTheCheckedProgram() throws IOException {
    // a worker that lets jobs set PATH (swamp.worker.allowed-job-variables)
    Path elsewhere = Files.createDirectory(workDir.resolve("bin"));
    Path fake = elsewhere.resolve("cat");
    Files.writeString(fake, "#!/bin/sh\necho fake\n");
    fake.toFile().setExecutable(true);
    JobSpec spec = new JobSpec(List.of("cat", "/proc/self/cmdline"),
        Map.of("PATH", elsewhere + ":" + System.getenv("PATH")), null, List.of(), 1, 0, 3);
    TestProbe<JobRunner.Event> probe = testKit.createTestProbe();
    testKit.spawn(JobRunner.create("j1", 1, spec, settings(1024),
        Executables.of(List.of("cat"), List.of("PATH")), new JobTable(), probe.ref()));
    JobRunner.Ended ended = ended(probe);
    // the checked cat, not the job's own, and its argv[0] as the job wrote it
    assertEquals("cat\0/proc/self/cmdline\0", ended.result().stdout());
  }
}
