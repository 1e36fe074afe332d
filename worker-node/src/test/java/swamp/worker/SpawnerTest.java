package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A job is its own process in a session of its own (no wrapper: the runner holds the job's pid
 * and argv), and a JVM killed with -9 takes its jobs with it, started either way, and what they started, even what left the
 * job's group; and that the JVM's lease stops its jobs while it is frozen.
 */
class SpawnerTest {

  @Test
  void aJobStartedToDieWithTheJvmIsItsOwnProcess() throws Exception {
    assertTrue(Spawner.diesWithJvm(), "the reaper runs here (bash and setsid, util-linux is"
        + " essential on Debian); where it does not, jobs outlive a worker killed with -9");
    Process p = Spawner.start(asAJob(new ProcessBuilder(List.of("/bin/sleep", "37"))));
    try {
      // setsid runs for a moment before it execs the job, and /proc shows the new executable a
      // moment before the new command line: wait for both
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!isSleep(p.info(), "37") && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      ProcessHandle.Info info = p.info();
      assertTrue(info.command().orElse("").endsWith("/sleep"), info.toString());
      assertArrayEquals(new String[] {"37"}, info.arguments().orElse(null), info.toString());
      assertEquals(0, p.descendants().count(), "no wrapper process between the runner and the job");
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      assertEquals(String.valueOf(p.pid()), stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3],
          "the job leads a session of its own: " + stat);
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A daemon a job started in a session of its own ({@code setsid sleep 1000 &}) goes within a
   * second or two of the job's end, as the rest of the job's group does at once, not only when
   * the JVM dies.
   */
  @Test
  void aDaemonThatLeftItsJobsGroupGoesSoonAfterTheJobEnds() throws Exception {
    String daemon = String.valueOf(8100 + ProcessHandle.current().pid() % 1000);
    Process job = Spawner.start(asAJob(new ProcessBuilder("/bin/sh", "-c",
        "/usr/bin/setsid -f /bin/sleep " + daemon + "; exec /bin/sleep 1")));
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sleeping(daemon).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "the daemon runs within 10 s");
        Thread.onSpinWait();
      }
      ProcessHandle started = sleeping(daemon).get();
      assertTrue(job.waitFor(10, TimeUnit.SECONDS), "the job ends after its second");
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (alive(started)) {
        assertTrue(System.nanoTime() < deadline, "the daemon is gone within 10 s of its job");
        Thread.sleep(20);
      }
    } finally {
      sleeping(daemon).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** Starts jobs through the Spawner, as a worker does, then waits to be killed. */
  public static final class JobsJvm {
    public static void main(String[] args) throws Exception {
      // a job with its streams redirected, as a worker starts one (posix_spawn), and a job with
      // pipes for streams (setsid, as a pipeline's stages) whose child leaves its group for a
      // session of its own while the job goes on (a job that ended at once would take its
      // group, and a child not out of it yet, with it: that is what a job's end does)
      Spawner.start(asAJob(new ProcessBuilder("/bin/sleep", args[0])));
      Spawner.start(new ProcessBuilder("/bin/sh", "-c",
          "/usr/bin/setsid -f /bin/sleep " + args[1] + "; exec /bin/sleep " + args[2]));
      System.out.println("started");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  /** The streams as a worker's job has them: none of them a pipe to the JVM. */
  static ProcessBuilder asAJob(ProcessBuilder b) {
    return b.redirectInput(new java.io.File("/dev/null"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
  }

  /** A {@link JobsJvm} with its two jobs: sleeps of seconds no other test uses. */
  private static final class Jobs implements AutoCloseable {
    final String own;
    final String escaped;
    /** What the second job does once its child has left. */
    final String staying;
    final Path out;
    final Process jvm;

    Jobs(int base) throws Exception {
      own = String.valueOf(base + ProcessHandle.current().pid() % 1000);
      escaped = String.valueOf(base + 1000 + ProcessHandle.current().pid() % 1000);
      staying = String.valueOf(base + 2500 + ProcessHandle.current().pid() % 1000);
      out = Files.createTempFile("spawner-jvm", ".out");
      jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), JobsJvm.class.getName(), own, escaped,
          staying)
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    /** The job and the child that left its group, once both run. */
    List<ProcessHandle> await() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (sleeping(own).isEmpty() || sleeping(escaped).isEmpty()) {
        assertTrue(jvm.isAlive() && System.nanoTime() < deadline,
            "both jobs run within 60 s: " + Files.readString(out));
        Thread.sleep(20);
      }
      return List.of(sleeping(own).get(), sleeping(escaped).get());
    }

    @Override
    public void close() throws Exception {
      jvm.destroyForcibly();
      jvm.waitFor(30, TimeUnit.SECONDS);
      sleeping(own).ifPresent(ProcessHandle::destroyForcibly);
      sleeping(escaped).ifPresent(ProcessHandle::destroyForcibly);
      sleeping(staying).ifPresent(ProcessHandle::destroyForcibly);
      Files.deleteIfExists(out);
    }
  }

  @Test
  void aJvmKilledWithMinus9TakesItsJobsAndTheirChildren() throws Exception {
    try (Jobs run = new Jobs(4100)) {
      List<ProcessHandle> jobs = run.await();
      assertTrue(jobs.get(1).parent().map(ProcessHandle::pid).orElse(0L) != run.jvm.pid(),
          "the second sleep is a child of a job, not of the JVM");

      run.jvm.destroyForcibly(); // SIGKILL: no shutdown hook, nothing of the JVM's own runs
      assertTrue(run.jvm.waitFor(30, TimeUnit.SECONDS));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (jobs.stream().anyMatch(SpawnerTest::alive) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(jobs.stream().noneMatch(SpawnerTest::alive), "the jobs died with their JVM: "
          + jobs.stream().filter(SpawnerTest::alive).map(h -> h.pid() + " " + h.info()).toList());
    }
  }

  /**
   * The lease: a JVM frozen with SIGSTOP has its jobs stopped by the reaper within the lease, so
   * that they do not run on while the master gives them to another worker; when the JVM goes on
   * (with no worker to ask the master first, as a master running jobs itself) so do they.
   */
  @Test
  void aFrozenJvmsJobsStopWithItAndGoOnWhenItDoes() throws Exception {
    try (Jobs run = new Jobs(6100)) {
      List<ProcessHandle> jobs = run.await();
      assertTrue(jobs.stream().noneMatch(SpawnerTest::stopped), "running at first");

      signal(run.jvm, "STOP");
      awaitState(jobs, true, "stopped by the lease within " + Reaper.LEASE.plusSeconds(26));
      signal(run.jvm, "CONT");
      awaitState(jobs, false, "going on once their JVM does");
      assertTrue(jobs.stream().allMatch(SpawnerTest::alive), "stopped, never killed");
    }
  }

  private static void awaitState(List<ProcessHandle> jobs, boolean stopped, String what)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!jobs.stream().allMatch(j -> stopped(j) == stopped)) {
      assertTrue(System.nanoTime() < deadline, "the jobs " + what + ": "
          + jobs.stream().map(j -> j.pid() + " " + state(j)).toList());
      Thread.sleep(20);
    }
  }

  private static void signal(Process p, String signal) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor());
  }

  private static boolean stopped(ProcessHandle h) {
    return state(h).equals("T");
  }

  /** The state letter of /proc/PID/stat: R, S, T (stopped), Z, ...; "" when gone. */
  private static String state(ProcessHandle h) {
    try {
      String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static Optional<ProcessHandle> sleeping(String seconds) {
    return ProcessHandle.allProcesses().filter(h -> isSleep(h.info(), seconds)).findFirst();
  }

  /** Alive and not a zombie waiting for its parent. */
  private static boolean alive(ProcessHandle h) {
    String state = state(h);
    return !state.isEmpty() && !state.equals("Z");
  }

  private static boolean isSleep(ProcessHandle.Info info, String seconds) {
    return info.command().orElse("").endsWith("/sleep")
        && List.of(seconds).equals(info.arguments().map(List::of).orElse(List.of()));
  }
}
