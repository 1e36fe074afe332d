package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Private work directories: a worker's default work directory is its own (0700, made by it),
 * one that somebody else prepared at its name (a symbolic link, another user's directory) stops
 * the worker with exit 2 before it takes a job, and it is removed when the worker leaves.
 */
@ExtendWith(PoolExtension.class)
class WorkDirIT {

  @Test
  void aWorkDirThatSomebodyElsePreparedIsRefused(Pool pool) throws Exception {
    Path tmp = pool.tmpDir(); // the workers' java.io.tmpdir
    Path victim = Files.createDirectories(pool.logDir().resolve("victims-files"));
    Files.createSymbolicLink(tmp.resolve("swamp-worker-linked"), victim);
    Path foreign = Files.createDirectory(tmp.resolve("swamp-worker-foreign"));
    UserPrincipal nobody = foreign.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName("nobody");
    boolean chowned = setOwner(foreign, nobody); // only root may give a file away

    Master master = pool.master("--local-exec", "never");
    Node linked = pool.worker(master, "linked");
    Node other = chowned ? pool.worker(master, "foreign") : null;

    assertEquals(2, linked.awaitExit(Pool.STARTUP), linked.tail(20));
    assertTrue(linked.log().contains("symbolic link") && linked.log().contains("--work-dir"),
        "it says what is wrong and what to do:\n" + linked.tail(20));
    if (other != null) {
      assertEquals(2, other.awaitExit(Pool.STARTUP), other.tail(20));
      assertTrue(other.log().contains("another user"), other.tail(20));
    }
    try (var left = Files.list(victim)) {
      assertEquals(0, left.count(), "nothing was written through the link");
    }
    assertTrue(Files.isSymbolicLink(tmp.resolve("swamp-worker-linked")), "the link is left alone");
    assertTrue(master.workerIds().isEmpty(), "neither joined the pool: " + master.workerIds());
  }

  /**
   * The worker directory's spawn-dir, where the master writes the job scripts a scheduler runs:
   * one that somebody else prepared stops the master, naming it, before any script is written
   * where that user could replace it; the master's own is made private.
   */
  @Test
  void aSpawnDirThatSomebodyElsePreparedStopsTheMaster(Pool pool) throws Exception {
    Path foreign = Files.createDirectory(pool.logDir().resolve("spawn-foreign"));
    UserPrincipal nobody = foreign.getFileSystem().getUserPrincipalLookupService()
        .lookupPrincipalByName("nobody");
    Path victims = Files.createDirectories(pool.logDir().resolve("victims-files"));
    Path linked = Files.createSymbolicLink(pool.logDir().resolve("spawn-linked"), victims);
    // only root may give a file away: elsewhere the master's own user's cases alone are run
    boolean chowned = setOwner(foreign, nobody) && setOwner(linked, nobody);
    for (Path dir : chowned ? List.of(linked, foreign) : List.<Path>of()) {
      Master master = pool.startMaster(Map.of(), List.of("-Dconfig.file=" + spawnSite(pool, dir)),
          "--local-exec", "never");
      assertEquals(2, master.awaitExit(Pool.STARTUP), master.tail(20));
      assertTrue(master.log().contains("spawn-dir cannot be used: " + dir + (dir.equals(linked)
              ? " is a symbolic link of another user's" : " belongs to another user"))
              && master.log().contains("swamp.master.scaling.spawn-dir"),
          "it says what is wrong and what to do:\n" + master.tail(20));
    }
    // the master's own directory, open to all, and reached through a link of its user's own
    Path own = Files.createDirectory(pool.logDir().resolve("spawn-own"));
    Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path ownLink = Files.createSymbolicLink(pool.logDir().resolve("spawn-own-link"), own);
    Master master = pool.startMaster(Map.of(), List.of("-Dconfig.file=" + spawnSite(pool, ownLink)),
        "--local-exec", "never");
    master.awaitHealthy(Pool.STARTUP);
    assertEquals("rwx------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(own, LinkOption.NOFOLLOW_LINKS)));
  }

  private static Path spawnSite(Pool pool, Path spawnDir) {
    return pool.siteFile("swamp.master.scaling.spawn-dir = \"" + spawnDir + "\"",
        "swamp.master.directory = [{ name = local, launcher = local, max-workers = 1 }]");
  }

  @Test
  void aWorkersOwnWorkDirIsPrivateAndGoesWithIt(Pool pool) throws Exception {
    Master master = pool.master("--local-exec", "never");
    Node worker = pool.worker(master, "own", "--slots", "1");
    master.awaitWorkers(Pool.STARTUP, List.of(worker), "own");
    Path dir = pool.tmpDir().resolve("swamp-worker-own");

    // a job that names no directory runs in the worker's own
    String id = master.submit(Map.of("argv", List.of("ls", "-ld", ".")));
    JsonNode job = master.awaitFinished(id, Duration.ofSeconds(30));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertTrue(job.path("stdout").asText().startsWith("drwx------"), job.toString());
    assertEquals("rwx------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)));

    worker.terminate();
    assertEquals(0, worker.awaitExit(Pool.STARTUP), worker.tail(20));
    assertFalse(Files.exists(dir, LinkOption.NOFOLLOW_LINKS), dir + " is removed when the worker leaves");
  }

  /**
   * A --work-dir that is not there is made 0700, as a worker's own: its jobs' captured output is
   * written there. One that is there keeps the mode its owner gave it, and stays when the worker
   * leaves.
   */
  @Test
  void aWorkDirTheWorkerMakesIsPrivateAndOneGivenKeepsItsMode(Pool pool) throws Exception {
    Master master = pool.master("--local-exec", "never");
    Path made = pool.tmpDir().resolve("given/scratch");
    Path there = Files.createDirectories(pool.tmpDir().resolve("shared-scratch"));
    Files.setPosixFilePermissions(there, PosixFilePermissions.fromString("rwxr-x---"));
    Node a = pool.worker(master, "made", "--slots", "1", "--work-dir", made.toString());
    Node b = pool.worker(master, "there", "--slots", "1", "--work-dir", there.toString());
    master.awaitWorkers(Pool.STARTUP, List.of(a, b), "made", "there");
    assertEquals("rwx------", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(made, LinkOption.NOFOLLOW_LINKS)));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(
        Files.getPosixFilePermissions(there, LinkOption.NOFOLLOW_LINKS)));
    a.terminate();
    b.terminate();
    assertEquals(0, a.awaitExit(Pool.STARTUP), a.tail(20));
    assertEquals(0, b.awaitExit(Pool.STARTUP), b.tail(20));
    assertTrue(Files.isDirectory(made) && Files.isDirectory(there), "a --work-dir stays");
  }

  /**
   * Two workers of the same id on one host (two pools, one default work directory name): the
   * second works in a directory of its own, and the first one's leaving takes none of its files.
   */
  @Test
  void twoWorkersOfOneIdOnAHostKeepTheirOwnWorkDirs(Pool pool) throws Exception {
    Master first = pool.master("--local-exec", "never");
    Master second = pool.master("--local-exec", "never");
    Node a = pool.worker(first, "twin", "--slots", "1");
    first.awaitWorkers(Pool.STARTUP, List.of(a), "twin");
    Node b = pool.worker(second, "twin", "--slots", "1");
    second.awaitWorkers(Pool.STARTUP, List.of(b), "twin");
    assertTrue(b.log().contains("is the work directory of another live worker"), b.tail(20));

    a.terminate();
    assertEquals(0, a.awaitExit(Pool.STARTUP), a.tail(20));
    assertFalse(Files.exists(pool.tmpDir().resolve("swamp-worker-twin"), LinkOption.NOFOLLOW_LINKS));
    String id = second.submit(Map.of("argv", List.of("readlink", "-f", ".")));
    JsonNode job = second.awaitFinished(id, Duration.ofSeconds(30));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertTrue(job.path("stdout").asText().startsWith(
        pool.tmpDir().toRealPath().resolve("swamp-worker-twin-").toString()), job.toString());
  }

  /** Gives {@code p} (a link itself, not what it leads to) to {@code owner}; false where not allowed. */
  private static boolean setOwner(Path p, UserPrincipal owner) {
    try {
      Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS).setOwner(owner);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
