package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A job is its own process (setsid execs it in place: the runner holds the job's pid and argv),
 * and a JVM killed with -9 takes its jobs with it, and what they started, even what left the
 * job's group; and that the JVM's lease stops its jobs while it is frozen.
 */
class SpawnerTest {

  @Test
  void aJobStartedToDieWithTheJvmIsItsOwnProcess() throws Exception {
    assertTrue(Spawner.diesWithJvm(), "the reaper runs here (bash and setsid, util-linux is"
        + " essential on Debian); where it does not, jobs outlive a worker killed with -9");
    Process p = Spawner.start(new ProcessBuilder(List.of("/bin/sleep", "37")));
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
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Starts jobs through the Spawner, as a worker does, then waits to be killed. */
  public static final class JobsJvm {
    public static void main(String[] args) throws Exception {
      // a job, and a job whose child leaves its group for a session of its own
      Spawner.start(new ProcessBuilder("/bin/sleep", args[0]));
      Spawner.start(new ProcessBuilder("/usr/bin/setsid", "-f", "/bin/sleep", args[1]));
      System.out.println("started");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }

  @Test
  void aJvmKilledWithMinus9TakesItsJobsAndTheirChildren() throws Exception {
    String own = String.valueOf(4100 + ProcessHandle.current().pid() % 1000);
    String escaped = String.valueOf(5100 + ProcessHandle.current().pid() % 1000);
    Path out = Files.createTempFile("spawner-jvm", ".out");
    Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), JobsJvm.class.getName(), own, escaped)
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    List<ProcessHandle> jobs = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (sleeping(own).isEmpty() || sleeping(escaped).isEmpty()) {
        assertTrue(jvm.isAlive() && System.nanoTime() < deadline,
            "both jobs run within 60 s: " + Files.readString(out));
        Thread.sleep(20);
      }
      jobs.add(sleeping(own).get());
      jobs.add(sleeping(escaped).get());
      assertTrue(jobs.get(1).parent().map(ProcessHandle::pid).orElse(0L) != jvm.pid(),
          "the second sleep is a child of a job, not of the JVM");

      jvm.destroyForcibly(); // SIGKILL: no shutdown hook, nothing of the JVM's own runs
      assertTrue(jvm.waitFor(30, TimeUnit.SECONDS));
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (jobs.stream().anyMatch(SpawnerTest::alive) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(jobs.stream().noneMatch(SpawnerTest::alive), "the jobs died with their JVM: "
          + jobs.stream().filter(SpawnerTest::alive).map(h -> h.pid() + " " + h.info()).toList());
    } finally {
      jvm.destroyForcibly();
      jobs.forEach(ProcessHandle::destroyForcibly);
      sleeping(own).ifPresent(ProcessHandle::destroyForcibly);
      sleeping(escaped).ifPresent(ProcessHandle::destroyForcibly);
      Files.deleteIfExists(out);
    }
  }

  /**
   * The lease: a JVM frozen with SIGSTOP has its jobs stopped by the reaper within the lease, so
   * that they do not run on while the master gives them to another worker; when the JVM goes on
   * (with no worker to ask the master first, as a master running jobs itself) so do they.
   */
  @Test
  void aFrozenJvmsJobsStopWithItAndGoOnWhenItDoes() throws Exception {
    String own = String.valueOf(6100 + ProcessHandle.current().pid() % 1000);
    String escaped = String.valueOf(7100 + ProcessHandle.current().pid() % 1000);
    Path out = Files.createTempFile("spawner-jvm", ".out");
    Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), JobsJvm.class.getName(), own, escaped)
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (sleeping(own).isEmpty() || sleeping(escaped).isEmpty()) {
        assertTrue(jvm.isAlive() && System.nanoTime() < deadline,
            "both jobs run within 60 s: " + Files.readString(out));
        Thread.sleep(20);
      }
      List<ProcessHandle> jobs = List.of(sleeping(own).get(), sleeping(escaped).get());
      assertTrue(jobs.stream().noneMatch(SpawnerTest::stopped), "running at first");

      signal(jvm, "STOP");
      awaitState(jobs, true, "stopped by the lease within " + Reaper.LEASE.plusSeconds(26));
      signal(jvm, "CONT");
      awaitState(jobs, false, "going on once their JVM does");
      assertTrue(jobs.stream().allMatch(SpawnerTest::alive), "stopped, never killed");
    } finally {
      jvm.destroyForcibly();
      jvm.waitFor(30, TimeUnit.SECONDS);
      sleeping(own).ifPresent(ProcessHandle::destroyForcibly);
      sleeping(escaped).ifPresent(ProcessHandle::destroyForcibly);
      Files.deleteIfExists(out);
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
