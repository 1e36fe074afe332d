package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Items 4 and 5 of issue 14: the journal is checked, bounded and recoverable. A damaged journal
 * stops the master with exit 2 and says how to start from the last good snapshot; doing so
 * starts it with what that snapshot holds. A clean stop compacts the journal; its files are
 * private. A disk that runs out of room makes the master refuse new jobs, and take them again by
 * itself once there is room; a read-only journal stops it at start.
 */
@ExtendWith(PoolExtension.class)
class JournalIT {

  /** A snapshot every 20 writes: the 100 writes of the test leave several. */
  static final List<String> SNAPSHOT_OFTEN = List.of("-Dswamp.master.journal.snapshot-every=20");
  static final int BATCHES = 100;
  static final int PER_BATCH = 10;

  /** The ways the issue damaged a journal. */
  enum Damage { TRUNCATED_TO_HALF, GARBAGE_IN_LAST_8_KIB, GARBAGE_IN_THE_MIDDLE }

  @Test
  void aDamagedJournalStopsTheMasterWithExit2AndItsMessageLeadsBackToTheLastGoodSnapshot(Pool pool)
      throws IOException {
    Path written = pool.logDir().resolve("written");
    Files.createDirectories(written);
    Path journal = written.resolve("journal");
    Master master = pool.startMaster(Map.of(), SNAPSHOT_OFTEN, "--local-exec", "never",
        "--journal", journal.toString());
    master.awaitHealthy(Pool.STARTUP);
    for (int b = 0; b < BATCHES; b++) { // one journal write each
      List<Object> batch = new ArrayList<>();
      for (int i = 0; i < PER_BATCH; i++) {
        batch.add(Map.of("argv", List.of("echo", b + "-" + i)));
      }
      master.submitBatch(batch);
    }
    assertEquals(BATCHES * PER_BATCH, master.health().path("queued").asInt());
    Path file = Path.of(journal + ".mv.db");
    long running = Files.size(file);
    master.terminate();
    assertEquals(0, master.awaitExit(Duration.ofSeconds(60)), master.tail(30));
    long stopped = Files.size(file);
    System.out.printf("journal of %d jobs: %d bytes while running, %d after a clean stop%n",
        BATCHES * PER_BATCH, running, stopped);
    assertTrue(stopped < running, "a clean stop compacts the journal: " + running + " bytes"
        + " while running, " + stopped + " after");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    for (Damage damage : Damage.values()) {
      Path dir = pool.logDir().resolve(damage.name().toLowerCase());
      Files.createDirectories(dir);
      for (String suffix : List.of(".mv.db", ".high-water")) {
        Files.copy(Path.of(journal + suffix), Path.of(dir.resolve("journal") + suffix));
      }
      damage(Path.of(dir.resolve("journal") + ".mv.db"), damage);
      String[] args = {"--local-exec", "never", "--journal", dir.resolve("journal").toString()};

      Master damaged = pool.startMaster(args);
      int code = damaged.awaitExit(Pool.STARTUP);
      String said = damaged.log();
      assertEquals(2, code, damage + ": the master must stop with exit 2; it said:\n" + damaged.tail(30));
      assertTrue(said.contains("is damaged") && said.contains("--journal-recover-from-snapshot"),
          damage + ": the message names the damage and the way back:\n" + damaged.tail(30));

      Master recovered = pool.restartMaster(damaged, withFlag(args));
      recovered.awaitHealthy(Pool.STARTUP);
      String log = recovered.log();
      Matcher m = Pattern.compile("from the snapshot of write (\\d+), holding (\\d+) jobs").matcher(log);
      boolean fromSnapshot = m.find();
      int jobs = fromSnapshot ? Integer.parseInt(m.group(2)) : 0;
      assertTrue(fromSnapshot || log.contains("no snapshot could be read"),
          damage + ": the master says what it started from:\n" + recovered.tail(30));
      // every write before the snapshot is a batch of 10 jobs, j1 onwards: exactly those are back
      assertEquals(jobs, recovered.health().path("queued").asInt(), damage + ": " + log);
      if (jobs > 0) {
        assertEquals(200, recovered.get("/api/jobs/j1").status());
        assertEquals(200, recovered.get("/api/jobs/j" + jobs).status());
      }
      assertEquals(404, recovered.get("/api/jobs/j" + (jobs + 1)).status());
      System.out.printf("%s: the master stopped with exit 2; recovered from the last good"
          + " snapshot with %d of %d jobs%n", damage, jobs, BATCHES * PER_BATCH);
      // the flag left on the command line: a journal that reads back whole is left as it is
      recovered.killHard();
      recovered.awaitExit(Duration.ofSeconds(10));
      Master again = pool.restartMaster(recovered, withFlag(args));
      again.awaitHealthy(Pool.STARTUP);
      assertTrue(again.log().contains("was not found damaged when the master last started"), again.tail(30));
      assertEquals(jobs, again.health().path("queued").asInt(), damage + ": " + again.log());
      again.killHard();
      again.awaitExit(Duration.ofSeconds(10));
    }
  }

  private static String[] withFlag(String[] args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--journal-recover-from-snapshot");
    return all.toArray(String[]::new);
  }

  private static void damage(Path file, Damage damage) throws IOException {
    long size = Files.size(file);
    byte[] garbage = new byte[8 * 1024];
    new Random(damage.ordinal()).nextBytes(garbage);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      switch (damage) {
        case TRUNCATED_TO_HALF -> f.setLength(size / 2);
        case GARBAGE_IN_LAST_8_KIB -> {
          f.seek(Math.max(0, size - garbage.length));
          f.write(garbage);
        }
        case GARBAGE_IN_THE_MIDDLE -> {
          f.seek(size / 2);
          f.write(garbage);
        }
      }
    }
  }

  /**
   * A small file system of its own: the master refuses new jobs (503, naming why) while the
   * journal's disk is nearly full, and takes them again by itself once there is room; the same
   * file system read-only stops a master at start with exit 2.
   */
  @Test
  void aFullDiskRefusesNewJobsUntilThereIsRoomAndAReadOnlyJournalStopsTheMaster(Pool pool)
      throws Exception {
    Path mount = pool.logDir().resolve("small-disk");
    Files.createDirectories(mount);
    mountTmpfs(mount, "24m");
    try {
      String[] args = {"--local-exec", "never", "--journal", mount.resolve("journal").toString()};
      Master master = pool.startMaster(Map.of(),
          List.of("-Dswamp.master.journal.min-free-space=12M"), args);
      master.awaitHealthy(Pool.STARTUP);
      String first = master.submit(Map.of("argv", List.of("echo", "before")));
      Path filler = mount.resolve("filler");
      try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
        f.write(new byte[16 * 1024 * 1024]);
      }
      Master.Response refused = Await.value("a new job to be refused for lack of room",
          Duration.ofSeconds(20), () -> {
            Master.Response r = master.post("/api/jobs", Map.of("argv", List.of("echo", "full")));
            return r.status() == 201 ? null : r;
          });
      assertEquals(503, refused.status(), refused.toString());
      assertTrue(refused.error().contains("free") && refused.error().contains("journal"),
          refused.toString());
      assertEquals(200, master.get("/api/jobs/" + first).status(), "accepted jobs still answer");
      master.post("/api/jobs", Map.of("argv", List.of("echo", "full again")));
      assertEquals(1, master.log().split("new jobs are refused until there is room", -1).length - 1,
          "the master's log says it refuses, once: " + master.tail(30));
      Files.delete(filler);
      String after = Await.value("a new job to be accepted once there is room again",
          Duration.ofSeconds(20), () -> {
            Master.Response r = master.post("/api/jobs", Map.of("argv", List.of("echo", "room")));
            return r.status() == 201 ? r.json().path("id").asText() : null;
          });
      assertTrue(master.isAlive(), "no restart");
      Await.until("the master's log to say there is room again", Duration.ofSeconds(10),
          () -> master.log().contains("has room again"));
      assertEquals(200, master.get("/api/jobs/" + after).status());
      for (String suffix : List.of(".mv.db", ".high-water")) {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
            mount.resolve("journal" + suffix))), "journal" + suffix);
      }
      master.terminate();
      assertEquals(0, master.awaitExit(Duration.ofSeconds(60)), master.tail(30));

      run("mount", "-o", "remount,ro", mount.toString());
      Master readOnly = pool.restartMaster(master, args);
      assertEquals(2, readOnly.awaitExit(Pool.STARTUP), readOnly.tail(30));
      assertTrue(readOnly.log().contains("read-only"), readOnly.tail(30));
    } finally {
      run("umount", "-l", mount.toString());
    }
  }

  /**
   * A disk that something else fills to the last byte while jobs run: the master's next write
   * fails, H2 closes the journal, and the master stops with exit 2 saying that the disk is full,
   * once, not that the journal is damaged (it advised dropping every job written after the last
   * snapshot). Started again once there is room, it has every job and runs each.
   */
  @Test
  void aDiskFilledToTheLastByteStopsTheMasterSayingSoAndLosesNothing(Pool pool) throws Exception {
    Path mount = pool.logDir().resolve("full-disk");
    Files.createDirectories(mount);
    mountTmpfs(mount, "24m");
    try {
      String[] args = {"--local-exec", "when-no-workers", "--local-slots", "1", "--journal",
          mount.resolve("journal").toString()};
      Master master = pool.startMaster(Map.of(),
          List.of("-Dswamp.master.journal.min-free-space=1M"), args);
      master.awaitHealthy(Pool.STARTUP);
      String sleeping = master.submit(Map.of("argv", List.of("sleep", "3")));
      // its finish holds 256 KiB of output: a write no hole inside the file can take
      String printing = master.submit(Map.of("argv", List.of("seq", "1", "300000")));
      Path filler = mount.resolve("filler");
      try (java.io.FileOutputStream f = new java.io.FileOutputStream(filler.toFile())) {
        byte[] block = new byte[1024 * 1024];
        while (true) {
          f.write(block);
        }
      } catch (IOException full) {
        assertTrue(full.getMessage().contains("No space left"), full.toString());
      }
      assertEquals(2, master.awaitExit(Duration.ofSeconds(60)), master.tail(30));
      String said = master.log();
      assertTrue(said.contains("disk is full") && said.contains("No space left on device"),
          master.tail(30));
      assertTrue(!said.contains("is damaged") && !said.contains("corrupt"), master.tail(30));
      assertEquals(1, said.split("stopping the master", -1).length - 1, "said once: " + said);
      assertTrue(!Files.exists(mount.resolve("journal.damaged")), "no note of damage");

      Files.delete(filler);
      Master again = pool.restartMaster(master, args);
      again.awaitHealthy(Pool.STARTUP);
      for (String id : List.of(sleeping, printing)) {
        assertEquals("SUCCEEDED", again.awaitFinished(id, Duration.ofSeconds(60)).path("state")
            .asText(), id + ": " + again.tail(30));
      }
      again.terminate();
      assertEquals(0, again.awaitExit(Duration.ofSeconds(60)), again.tail(30));
    } finally {
      run("umount", "-l", mount.toString());
    }
  }

  /** Mounts a tmpfs; skips the test where that is impossible, unless it runs in CI. */
  private static void mountTmpfs(Path at, String size) throws Exception {
    int code = run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs",
        at.toString());
    if (code != 0) {
      String why = "cannot mount a tmpfs at " + at + " (mount exited " + code + "; the test"
          + " needs root)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why + ", and CI must run this test");
      }
      Assumptions.abort(why);
    }
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
