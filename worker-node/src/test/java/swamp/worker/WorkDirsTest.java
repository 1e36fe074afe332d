package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's own work directory, claimed by one live node at a time. */
class WorkDirsTest {

  @TempDir Path tmp;

  /**
   * A worker killed with -9 leaves its directory with its jobs' captured output and files in it;
   * the next worker of that id empties it as it claims it. One that a live node holds is left
   * alone: the claimant takes a directory of its own.
   */
  @Test
  void aDirectoryAKilledNodeLeftIsEmptiedByTheNextAndALiveOnesIsNotTouched() throws Exception {
    Path dir = tmp.resolve("swamp-worker-w1");
    WorkDirs.makePrivate(dir);
    Files.writeString(dir.resolve("j7.1.out"), "output of a job that ran again elsewhere");
    Files.writeString(dir.resolve(".lock"), "");
    Files.createDirectories(dir.resolve("made-by-a-job/deeper"));
    Files.writeString(dir.resolve("made-by-a-job/deeper/t.nc"), "x");

    assertEquals(dir, WorkDirs.claim(dir));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(java.util.List.of(".lock"),
          left.map(p -> p.getFileName().toString()).toList());
    }

    Files.writeString(dir.resolve("j8.1.out"), "a running job's");
    Path other = WorkDirs.claim(dir); // held by this process now: as by another live worker
    assertNotEquals(dir, other);
    assertTrue(Files.exists(dir.resolve("j8.1.out")), "a live node's files stay");
    WorkDirs.remove(other);
    assertFalse(Files.exists(other));
  }
}
