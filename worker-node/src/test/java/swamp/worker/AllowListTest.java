package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The allow-list means what it says: a launcher runs only what the list allows. */
class AllowListTest {

  @TempDir Path dir;

  final Executables launchers = Executables.of(List.of("env", "nice", "timeout", "nohup",
      "setsid", "stdbuf", "xargs", "find", "sort", "touch", "echo"));

  String refused(Executables e, List<String> argv, Map<String, String> env) {
    Executables.Resolution r = e.check(argv, env, dir);
    return assertInstanceOf(Executables.Refused.class, r, argv + " should be refused").reason();
  }

  void allowed(List<String> argv) {
    assertInstanceOf(Executables.Allowed.class, launchers.check(argv, Map.of(), dir),
        argv + " should be allowed");
  }

  @Test
  void theDefaultListHasNoLauncherThatRunsAnything() {
    List<String> defaults = com.typesafe.config.ConfigFactory.defaultReference()
        .getStringList("swamp.worker.allowed-executables");
    for (String p : List.of("timeout", "xargs", "setsid", "stdbuf", "sh", "bash", "python3", "perl",
        "ncremap", "ncclimo")) {
      assertTrue(!defaults.contains(p), p + " is on the default list");
    }
    Executables list = Executables.of(defaults);
    assertEquals(List.of(), list.runningAnything());
    // what scientists' scripts pipe text through, and nothing that starts a program
    for (String p : List.of("join", "readlink", "du", "md5sum")) { // coreutils: on every machine
      assertInstanceOf(Executables.Allowed.class, list.check(List.of(p, "a.txt"), Map.of(), dir), p);
    }
    // env, nice and nohup are, as launchers: what they run must be allowed too
    String why = refused(list, List.of("env", "bash", "-c", "id > f"), Map.of());
    assertTrue(why.contains("'env' would run 'bash'") && why.contains("not allowed"), why);
    why = refused(list, List.of("nice", "-n", "10", "nohup", "python3", "-c", "1"), Map.of());
    assertTrue(why.contains("'nice' would run 'nohup'") && why.contains("'python3'"), why);
    why = refused(list, List.of("env", "LD_PRELOAD=/tmp/x.so", "ncks", "in.nc"), Map.of());
    assertTrue(why.contains("LD_PRELOAD"), why);
    assertInstanceOf(Executables.Allowed.class,
        list.check(List.of("nice", "-n", "10", "env", "OMP_NUM_THREADS=1", "ncks", "-O", "a.nc", "b.nc"), Map.of(), dir));
    // find is, as a launcher: what its -exec would run must be allowed too
    assertInstanceOf(Executables.Allowed.class, list.check(List.of("find", "out", "-name", "*.nc"), Map.of(), dir));
    assertInstanceOf(Executables.Allowed.class,
        list.check(List.of("find", ".", "-name", "*.tmp", "-exec", "rm", "{}", "+"), Map.of(), dir));
    why = refused(list, List.of("find", ".", "-maxdepth", "0", "-exec", "bash", "-c", "id > f", ";"), Map.of());
    assertTrue(why.contains("'find' would run 'bash'"), why);
  }

  @Test
  void aLaunchersTargetIsCheckedAgainstTheList() {
    for (List<String> argv : List.of(
        List.of("env", "bash", "-c", "id > f"),
        List.of("env", "-i", "--", "A=1", "bash"),
        List.of("env", "--ignore-e", "-u", "HOME", "bash"),
        List.of("nice", "-n", "5", "bash"),
        List.of("nice", "-5", "bash"),
        List.of("timeout", "-s", "KILL", "10", "bash"),
        List.of("timeout", "--kill-after=1", "10", "nice", "bash"),
        List.of("nohup", "bash"),
        List.of("setsid", "-f", "bash"),
        List.of("stdbuf", "-oL", "bash"),
        List.of("xargs", "-n1", "bash"),
        List.of("xargs", "-I", "{}", "bash", "{}"),
        List.of("find", ".", "-name", "x", "-exec", "bash", "-c", "id", ";"),
        List.of("find", ".", "-execdir", "echo", "{}", "+", "-ok", "bash", ";"),
        List.of("sort", "--compress-program=bash", "f"),
        List.of("sort", "--compress", "bash", "f"))) {
      String why = refused(launchers, argv, Map.of());
      assertTrue(why.contains("'bash'"), argv + ": " + why);
    }
    allowed(List.of("env", "-i", "A=1", "touch", "f"));
    allowed(List.of("env"));
    allowed(List.of("nice", "-n", "5", "timeout", "10", "touch", "f"));
    allowed(List.of("xargs", "-0"));
    allowed(List.of("find", ".", "-exec", "echo", "{}", ";"));
    allowed(List.of("sort", "-n", "f"));
  }

  @Test
  void whatCannotBeReadIsRefusedNotGuessed() {
    for (List<String> argv : List.of(
        List.of("env", "-S", "bash -c id"),
        List.of("env", "--split-string=bash"),
        List.of("env", "-C", "/tmp", "./x"),
        List.of("env", "--frobnicate", "touch"),
        List.of("find", ".", "-exec", "echo"),
        List.of("find", ".", "-execdir", "./x", ";"))) {
      String why = refused(launchers, argv, Map.of());
      assertTrue(why.contains("refused"), argv + ": " + why);
    }
  }

  @Test
  void aJobMayNotSetLoaderOrInterpreterVariables() {
    for (String name : List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "PATH", "BASH_ENV", "ENV",
        "BASH_FUNC_echo%%", "PYTHONSTARTUP", "PERL5OPT", "GCONV_PATH")) {
      String why = refused(launchers, List.of("touch", "f"), Map.of(name, "x"));
      assertTrue(why.contains(name), why);
      String viaEnv = refused(launchers, List.of("env", name + "=x", "touch", "f"), Map.of());
      assertTrue(viaEnv.contains(name), viaEnv);
    }
    assertInstanceOf(Executables.Allowed.class,
        launchers.check(List.of("touch", "f"), Map.of("OMP_NUM_THREADS", "2"), dir));
    Executables permissive = Executables.of(List.of("touch"), List.of("LD_LIBRARY_PATH"));
    assertInstanceOf(Executables.Allowed.class,
        permissive.check(List.of("touch", "f"), Map.of("LD_LIBRARY_PATH", "/opt/lib"), dir));
    assertInstanceOf(Executables.Refused.class,
        permissive.check(List.of("touch", "f"), Map.of("LD_PRELOAD", "/x.so"), dir));
  }

  /**
   * sed, on the default list, runs in its sandbox: its e, r and w commands would run a program or
   * touch files its words do not name. Not through a launcher, where the sandbox cannot be given;
   * a worker that allows any program runs it as it is.
   */
  @Test
  void sedRunsInItsSandbox() {
    List<String> defaults = com.typesafe.config.ConfigFactory.defaultReference()
        .getStringList("swamp.worker.allowed-executables");
    Executables e = Executables.of(defaults);
    Executables.Allowed sed = assertInstanceOf(Executables.Allowed.class,
        e.check(List.of("sed", "s/a/b/", "f.txt"), Map.of(), dir));
    assertEquals(List.of("--sandbox"), sed.options());
    assertEquals(List.of(), e.runningAnything(), "sed in its sandbox is no shell");
    Executables withNice = Executables.of(List.of("nice", "sed"));
    String why = refused(withNice, List.of("nice", "sed", "s/a/b/"), Map.of());
    assertTrue(why.contains("runs only in its sandbox (--sandbox)"), why);
    Executables.Allowed any = assertInstanceOf(Executables.Allowed.class,
        Executables.of(List.of("*")).check(List.of("sed", "s/a/b/"), Map.of(), dir));
    assertEquals(List.of(), any.options());
  }

  /** gawk, and awk where it is gawk, is on the default list in its sandbox; mawk, which has none, is not. */
  @Test
  void gawkRunsInItsSandbox() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CI") != null
        || !Executables.of(List.of("gawk")).offered().isEmpty(), "gawk is not on the PATH");
    Executables e = Executables.of(com.typesafe.config.ConfigFactory.defaultReference()
        .getStringList("swamp.worker.allowed-executables"));
    Executables.Allowed gawk = assertInstanceOf(Executables.Allowed.class,
        e.check(List.of("gawk", "{ print $1 }", "f.txt"), Map.of(), dir));
    assertEquals(List.of("--sandbox"), gawk.options());
    assertEquals(List.of(), e.runningAnything(), "gawk in its sandbox is no interpreter");
    java.nio.file.Path awk = Executables.of(List.of("awk")).offered().isEmpty() ? null
        : java.nio.file.Path.of("/usr/bin/awk").toRealPath();
    if (awk != null && awk.getFileName().toString().equals("gawk")) {
      Executables.Allowed asAwk = assertInstanceOf(Executables.Allowed.class,
          e.check(List.of("awk", "{ print $1 }"), Map.of(), dir));
      assertEquals(List.of("--sandbox"), asAwk.options(), "awk is gawk here");
    }
    String why = refused(Executables.of(List.of("nice", "gawk")), List.of("nice", "gawk", "1"), Map.of());
    assertTrue(why.contains("runs only in its sandbox (--sandbox)"), why);
    // mawk has no sandbox: an awk that leads to it is not allowed by gawk's place on the list
    java.nio.file.Path bin = java.nio.file.Files.createDirectories(dir.resolve("bin"));
    java.nio.file.Path fake = java.nio.file.Files.writeString(bin.resolve("mawk"), "#!/bin/sh\n");
    fake.toFile().setExecutable(true);
    java.nio.file.Files.createSymbolicLink(bin.resolve("awk"), fake);
    Executables withMawk = Executables.of(List.of("gawk"), bin + ":/usr/bin:/bin", List.of());
    why = refused(withMawk, List.of("awk", "{ print }"), Map.of());
    assertTrue(why.contains("not allowed"), why);
  }

  @Test
  void aShellOnTheListIsNamedAsRunningAnything() {
    assertEquals(List.of("bash"), Executables.of(List.of("echo", "bash")).runningAnything());
    assertEquals(List.of(), launchers.runningAnything());
    // the languages scientists script in run programs too (system(), !cmd)
    for (String language : List.of("python3.11", "Rscript", "julia", "octave", "matlab", "ncl", "gnuplot")) {
      assertTrue(swamp.protocol.Launchers.runsAnything(language), language);
    }
    // NCO's bash scripts: ncremap --mpi_pfx='bash -c CMD' runs CMD, and both eval command lines
    // built from their arguments (ncremap: "mkdir -p ${drc_out}", its -O)
    for (String language : List.of("ncremap", "ncclimo")) {
      assertTrue(swamp.protocol.Launchers.runsAnything(language), language);
    }
  }
}
