package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process {@link PosixSpawn} starts is the one {@link ProcessBuilder#start} starts from the same
 * builder (argv, environment, directory, redirected streams, exit code, errors), except that it
 * leads a session of its own; each case runs both ways and compares what a job would leave.
 */
class PosixSpawnTest {

  @TempDir
  Path dir;

  /** The JDK's start, and PosixSpawn's, which must apply here (glibc 2.36 on Debian 12). */
  private static final List<Start> BOTH = List.of(
      new Start("ProcessBuilder.start", ProcessBuilder::start),
      new Start("PosixSpawn.start", b -> {
        Process p = PosixSpawn.start(b);
        assertNotNull(p, "posix_spawn with a session of its own applies here");
        return p;
      }));

  private interface Starter {
    Process start(ProcessBuilder b) throws IOException;
  }

  private record Start(String name, Starter starter) {}

  /** Runs the builder {@code make} gives for each way in a directory of its own; what it left. */
  private List<String> bothWays(Function<Path, ProcessBuilder> make) throws Exception {
    List<String> left = new java.util.ArrayList<>();
    for (Start s : BOTH) {
      Path d = Files.createDirectory(dir.resolve(s.name()));
      Files.writeString(d.resolve("in.txt"), "from stdin\n");
      Files.writeString(d.resolve("log.txt"), "before\n");
      Process p = s.starter().start(make.apply(d));
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), s.name() + ": the process ended");
      StringBuilder what = new StringBuilder("exit " + p.exitValue());
      try (var files = Files.list(d)) {
        for (Path f : files.sorted().toList()) {
          what.append("\n").append(f.getFileName()).append(": ").append(Files.readString(f));
        }
      }
      left.add(what.toString().replace(d.toString(), "DIR"));
    }
    return left;
  }

  @Test
  void argvEnvironmentDirectoryAndRedirectedStreamsAreTheJdksAndSoIsTheExitCode() throws Exception {
    List<String> left = bothWays(d -> {
      ProcessBuilder b = new ProcessBuilder("sh", "-c",
          "echo \"$0 $1 X=$X $(pwd)\"; read line; echo \"read: $line\"; echo oops >&2; exit 3",
          "argv0-as-written", "one arg")
          .directory(d.toFile())
          .redirectInput(d.resolve("in.txt").toFile())
          .redirectOutput(d.resolve("out.txt").toFile())
          .redirectError(ProcessBuilder.Redirect.appendTo(d.resolve("log.txt").toFile()));
      b.environment().put("X", "a value");
      return b;
    });
    assertEquals(left.get(0), left.get(1));
    assertTrue(left.get(1).contains("exit 3"), left.get(1));
    assertTrue(left.get(1).contains("out.txt: argv0-as-written one arg X=a value DIR\nread: from stdin"),
        left.get(1));
    assertTrue(left.get(1).contains("log.txt: before\noops"), "stderr appended: " + left.get(1));
  }

  @Test
  void stderrIntoStdoutAndNothingButTheThreeStreamsInherited() throws Exception {
    List<String> left = bothWays(d -> new ProcessBuilder("sh", "-c", "ls /proc/$$/fd; echo err >&2")
        .directory(d.toFile())
        .redirectInput(new File("/dev/null"))
        .redirectOutput(d.resolve("out.txt").toFile())
        .redirectErrorStream(true));
    assertEquals(left.get(0), left.get(1));
    assertTrue(left.get(1).contains("out.txt: 0\n1\n2\nerr\n"), "fds 0-2 only, then stderr: "
        + left.get(1));
  }

  @Test
  void aProcessKilledByASignalEndsWith128PlusTheSignal() throws Exception {
    List<String> left = bothWays(d -> new ProcessBuilder("sh", "-c", "kill -9 $$")
        .redirectInput(new File("/dev/null"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD));
    assertEquals(left.get(0), left.get(1));
    assertTrue(left.get(1).startsWith("exit 137"), left.get(1));
  }

  @Test
  void theProcessLeadsASessionOfItsOwnAndCanBeWatchedAndEnded() throws Exception {
    Process p = PosixSpawn.start(new ProcessBuilder("sleep", "31")
        .redirectInput(new File("/dev/null"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD));
    assertNotNull(p);
    try {
      assertTrue(p.isAlive());
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      assertEquals(String.valueOf(p.pid()), f[2], "process group: " + stat);
      assertEquals(String.valueOf(p.pid()), f[3], "session: " + stat);
      assertThrows(IllegalThreadStateException.class, p::exitValue);
      assertFalse(p.waitFor(10, TimeUnit.MILLISECONDS));
      assertEquals(p.pid(), p.toHandle().pid());
      p.destroy();
      assertEquals(p, p.onExit().get(30, TimeUnit.SECONDS));
      assertEquals(128 + 15, p.exitValue(), "SIGTERM");
      assertFalse(p.isAlive());
      assertFalse(p.toHandle().isAlive());
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aProgramOrAFileThatIsNotThereFailsTheStartWithTheJdksMessage() throws Exception {
    Path d = Files.createDirectory(dir.resolve("errors"));
    for (Start s : BOTH) {
      IOException noProgram = assertThrows(IOException.class, () -> s.starter().start(
          new ProcessBuilder("no-such-program-swamp").directory(d.toFile())
              .redirectInput(new File("/dev/null"))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)), s.name());
      assertTrue(noProgram.getMessage().startsWith("Cannot run program \"no-such-program-swamp\""
          + " (in directory \"" + d + "\"): error=2, No such file or directory"),
          s.name() + ": " + noProgram.getMessage());
      IOException noDir = assertThrows(IOException.class, () -> s.starter().start(
          new ProcessBuilder("true").redirectInput(new File("/dev/null"))
              .redirectOutput(d.resolve("missing/out.txt").toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD)), s.name());
      assertEquals("Cannot run program \"true\": " + d.resolve("missing/out.txt")
          + " (No such file or directory)", noDir.getMessage(), s.name());
    }
  }

  /** Starts a job as a worker does and waits for it: run with JNA unable to load. */
  public static final class WithoutJna {
    public static void main(String[] args) throws Exception {
      ProcessBuilder job = new ProcessBuilder("sh", "-c", "echo $$; cat /proc/self/stat")
          .redirectInput(new File("/dev/null"))
          .redirectOutput(new File(args[0]))
          .redirectError(ProcessBuilder.Redirect.DISCARD);
      System.out.println("exit " + Spawner.start(job).waitFor());
    }
  }

  @Test
  void withoutJnasNativePartJobsStartThroughSetsidAndTheLogSaysSo() throws Exception {
    Path jobOut = dir.resolve("job.out");
    Path log = dir.resolve("jvm.log");
    Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Djna.nounpack=true", "-Djna.nosys=true", "-Djna.boot.library.path=" + dir,
        "-cp", System.getProperty("java.class.path"), WithoutJna.class.getName(),
        jobOut.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), "the JVM ended");
    String said = Files.readString(log);
    assertTrue(said.contains("exit 0"), said);
    assertTrue(said.contains("jobs start through setsid, one exec more each: posix_spawn with a"
        + " session of its own is not available here"), said);
    List<String> lines = Files.readAllLines(jobOut);
    String stat = lines.get(1);
    assertEquals(lines.get(0), stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3],
        "the job (sh) still leads the session its child (cat) is in: " + lines);
  }

  @Test
  void theCheckedFileRunsWithTheArgv0TheJobWroteAndNoLookUpOfIt() throws Exception {
    // a name no directory of the PATH has: found, it would be looked up; here the file runs
    ProcessBuilder b = new ProcessBuilder("no-such-program-on-any-path", "-c",
        "tr '\\0' ' ' < /proc/$$/cmdline")
        .redirectInput(new File("/dev/null"))
        .redirectOutput(dir.resolve("out.txt").toFile())
        .redirectError(dir.resolve("err.txt").toFile());
    Process p = PosixSpawn.start(b, Path.of("/bin/sh"));
    assertNotNull(p, "posix_spawn applies here");
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err.txt")));
    assertTrue(Files.readString(dir.resolve("out.txt")).startsWith("no-such-program-on-any-path -c "),
        Files.readString(dir.resolve("out.txt")));
  }

  @Test
  void aStreamWantedAsAPipeIsLeftToTheJdk() throws Exception {
    assertNull(PosixSpawn.start(new ProcessBuilder("true")), "all three streams pipes");
    assertNull(PosixSpawn.start(new ProcessBuilder("true")
        .redirectInput(new File("/dev/null")).redirectError(ProcessBuilder.Redirect.DISCARD)),
        "stdout a pipe");
  }
}
