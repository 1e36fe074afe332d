package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/** What comes back of a job's streams when the disk of the worker's directory is full. */
class JobStreamsTest {

  @TempDir Path workDir;

  JobResult runWith(JobSpec spec, JobStreams.FreeSpace freeSpace) throws Exception {
    WorkerSettings settings = TestSettings.worker("w1", workDir);
    JobStreams streams = new JobStreams("j1", 1, spec, settings, freeSpace);
    ProgramCheck.Program program =
        ProgramCheck.program(spec, settings, Executables.of(List.of("*")));
    List<Process> processes = new ArrayList<>();
    for (Spawner.Program b : streams.builders(program.executables(), program.dir())) {
      processes.add(b.builder().start());
    }
    for (Process p : processes) {
      p.waitFor();
    }
    return streams.collect(processes, System.currentTimeMillis());
  }

  @Test
  void aJobOnAFullDiskSaysSoWhereItsOutputWentMissing() throws Exception {
    // on a full disk 'echo hello' fails with 1 and, its error unwritable too, says nothing:
    // the user saw "exited with code 1" and no output, nothing about the disk
    JobResult failed = runWith(JobSpec.of(List.of("false")), dir -> 0);
    assertEquals(JobState.FAILED, failed.state());
    assertTrue(failed.reason().startsWith("exited with code 1; the disk of worker w1's directory "
        + workDir + " is full (0 bytes free)"), failed.reason());
    assertTrue(failed.stderr().contains("what the job printed may be lost"), failed.stderr());

    JobResult succeeded = runWith(JobSpec.of(List.of("true")), dir -> 4096);
    assertEquals(JobState.SUCCEEDED, succeeded.state());
    assertNull(succeeded.reason());
    assertTrue(succeeded.stderr().startsWith("swamp: the disk of worker w1's directory"),
        succeeded.stderr());
  }

  @Test
  void aJobWithRoomSaysNothingMore() throws Exception {
    JobResult failed = runWith(JobSpec.of(List.of("false")), dir -> JobStreams.FULL_BELOW);
    assertEquals("exited with code 1", failed.reason());
    assertEquals("", failed.stderr());
  }
}
