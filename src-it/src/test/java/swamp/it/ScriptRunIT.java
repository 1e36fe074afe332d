package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bin/swamp run} decides what bash would decide from the jobs' statuses: {@code &&},
 * {@code ||}, {@code cmd || exit N}, {@code set -e}; it records the run with the master; and with
 * no master at all it runs the script on one of its own.
 */
@ExtendWith(PoolExtension.class)
class ScriptRunIT {

  @Test
  void andOrAndExitFollowTheJobsStatuses(Pool pool) throws IOException {
    Master master = pool.master("--local-slots", "2");
    Path dir = Files.createDirectories(pool.logDir().resolve("statuses"));
    Files.writeString(dir.resolve("script.sh"), String.join("\n",
        "cat nope.txt > a.txt || echo handled > handled.txt",
        "echo ok > ok.txt && echo ran > ran.txt",
        "cat nope.txt > b.txt && echo never > never.txt",
        ""));
    Node run = pool.swamp(master, dir, "run", "script.sh");
    assertEquals(1, run.awaitExit(CliIT.CLI), "bash's status: the last line's, whose cat failed\n" + run.tail(40));
    assertEquals("handled\n", Files.readString(dir.resolve("handled.txt")), run.tail(40));
    assertEquals("ran\n", Files.readString(dir.resolve("ran.txt")), run.tail(40));
    assertFalse(Files.exists(dir.resolve("never.txt")), "'&&' after a failed job does not run\n" + run.tail(40));
    assertTrue(run.errors().contains("6 command(s): 3 succeeded, 2 failed (1 handled by ||), 1 not run"), run.tail(40));

    // the run is recorded with its commands and their states
    JsonNode runs = master.get("/api/runs").json();
    assertEquals(1, runs.size(), runs.toString());
    JsonNode recorded = master.get("/api/runs/" + runs.get(0).path("id").asText()).json();
    assertEquals(6, recorded.path("commands").size(), recorded.toString());
    assertEquals("SUCCEEDED", recorded.path("commands").get(1).path("state").asText(), recorded.toString());
    assertEquals("FAILED", recorded.path("commands").get(0).path("state").asText(), recorded.toString());
    assertEquals("NOT_RUN", recorded.path("commands").get(5).path("state").asText(),
        "the echo after the failed cat && does not run, nor wait: " + recorded);
    assertEquals(List.of(1, 0), List.of(runs.get(0).path("notRun").asInt(), runs.get(0).path("waiting").asInt()),
        runs.toString());

    // chains of && and || mixed, against what bash leaves
    String chains = String.join("\n",
        "cat nope.txt > a1.txt && echo yes > a2.txt || echo no > a3.txt",
        "echo ok > b1.txt && cat nope.txt > b2.txt || echo no > b3.txt",
        "echo ok > c1.txt && echo yes > c2.txt || echo no > c3.txt",
        "cat nope.txt > d1.txt || echo fallback > d2.txt && echo then > d3.txt",
        "echo ok > e1.txt || echo fallback > e2.txt && echo then > e3.txt",
        "cat nope.txt > f1.txt || cat nope.txt > f2.txt && echo then > f3.txt",
        "cat nope.txt > g1.txt && echo yes > g2.txt || echo no > g3.txt && echo end > g4.txt",
        "");
    Path bash = Files.createDirectories(dir.resolve("chains-bash"));
    Path swamp = Files.createDirectories(dir.resolve("chains-swamp"));
    Files.writeString(bash.resolve("chains.sh"), chains);
    Files.writeString(swamp.resolve("chains.sh"), chains);
    Process b = new ProcessBuilder("bash", "chains.sh").directory(bash.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("chains-bash.log").toFile()).start();
    try {
      assertTrue(b.waitFor(1, java.util.concurrent.TimeUnit.MINUTES), "bash chains.sh");
    } catch (InterruptedException e) {
      throw new IOException(e);
    }
    Node mixed = pool.swamp(master, swamp, "run", "chains.sh");
    mixed.awaitExit(CliIT.CLI);
    assertEquals(tree(bash), tree(swamp), "bin/swamp run leaves what bash leaves\n" + mixed.tail(60));
    assertTrue(tree(bash).containsKey("a3.txt") && !tree(bash).containsKey("c3.txt"), tree(bash).toString());

    Files.writeString(dir.resolve("exit.sh"), String.join("\n",
        "cat nope.txt > status.txt || exit 4",
        "cat status.txt > after.txt",
        ""));
    Node exit = pool.swamp(master, dir, "run", "exit.sh");
    assertEquals(4, exit.awaitExit(CliIT.CLI), "'cmd || exit 4' exits 4 when cmd fails\n" + exit.tail(40));
    assertFalse(Files.exists(dir.resolve("after.txt")), "nothing starts after the exit\n" + exit.tail(40));

    // a later command that does not wait for the failing one may have run in parallel: the run
    // names what it wrote, which bash would not have
    Files.writeString(dir.resolve("overrun.sh"), String.join("\n",
        "sleep 3 | false || exit 3",
        "echo made > parallel.txt",
        ""));
    Node overrun = pool.swamp(master, dir, "run", "overrun.sh");
    assertEquals(3, overrun.awaitExit(CliIT.CLI), overrun.tail(40));
    assertTrue(Files.exists(dir.resolve("parallel.txt")), "it ran beside the 3 s pipeline\n" + overrun.tail(40));
    assertTrue(overrun.errors().contains("1 command(s) after line 1 had run in parallel before it stopped the run,"
        + " where bash would not have run them; they wrote what bash would not have: parallel.txt"), overrun.tail(40));

    Files.writeString(dir.resolve("errexit.sh"), String.join("\n",
        "set -e",
        "ls nope.txt > listing.txt",
        "cat listing.txt > after.txt",
        ""));
    Node errexit = pool.swamp(master, dir, "run", "errexit.sh");
    assertEquals(2, errexit.awaitExit(CliIT.CLI), "set -e: the run exits with the failed command's status\n"
        + errexit.tail(40));
    assertFalse(Files.exists(dir.resolve("after.txt")), errexit.tail(40));

    // --slots sizes the master a run starts in its own process; on a pool it is a usage error
    Node slots = pool.swamp(master, dir, "run", "--slots", "0", "errexit.sh");
    assertEquals(2, slots.awaitExit(CliIT.CLI), slots.tail(20));
    assertTrue(slots.errors().contains("--slots is for the master run in this process"), slots.tail(20));

    // a pool whose only worker is the master's own: a program it does not allow stops the run
    // before anything has run, as on a pool of workers or on a master in this process
    Files.writeString(dir.resolve("perl.sh"), "echo first > first.txt\nperl -e 'print 1'\n");
    Node perl = pool.swamp(master, dir, "run", "perl.sh");
    assertEquals(2, perl.awaitExit(CliIT.CLI), perl.tail(20));
    assertTrue(perl.errors().contains("Nothing has run"), perl.tail(20));
    assertFalse(Files.exists(dir.resolve("first.txt")), perl.tail(20));
  }

  /** The environment of a run with no SWAMP_URL: with no master at the default URL it runs on one of its own. */
  private static Map<String, String> withoutAPool() {
    Map<String, String> env = new HashMap<>();
    env.put("SWAMP_URL", null);
    return env;
  }

  /** The files of {@code dir} but its script, by name, with their contents. */
  private static java.util.Map<String, String> tree(Path dir) throws IOException {
    java.util.Map<String, String> files = new java.util.TreeMap<>();
    try (var list = Files.list(dir)) {
      for (Path f : list.filter(f -> !f.getFileName().toString().endsWith(".sh")).toList()) {
        files.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    return files;
  }

  @Test
  void withoutAMasterTheScriptRunsOnOneInTheProcess(Pool pool) throws IOException {
    Path dir = Files.createDirectories(pool.logDir().resolve("alone"));
    Files.writeString(dir.resolve("script.sh"), String.join("\n",
        "for x in a b c; do echo \"line $x\" > $x.txt; done",
        "cat *.txt | sort -r > all.txt",
        ""));
    Map<String, String> env = withoutAPool();
    Node run = pool.swamp(null, dir, env, "run", "--url", "http://127.0.0.1:" + Pool.freePort(), "--plan",
        "script.sh");
    assertEquals(0, run.awaitExit(CliIT.CLI), run.tail(20));
    assertTrue(run.output().contains("cat a.txt b.txt c.txt | sort -r > all.txt"), "the glob sees the planned files\n"
        + run.output());

    Map<String, String> inTmp = new java.util.HashMap<>(env); // its master's work directory goes there
    Files.createDirectories(pool.tmpDir());
    inTmp.put("JAVA_OPTS", "-Xmx128m -Djava.io.tmpdir=" + pool.tmpDir());
    Node alone = pool.swamp(null, dir, inTmp, "run", "--slots", "2", "script.sh");
    assertEquals(0, alone.awaitExit(CliIT.CLI), alone.tail(40));
    assertTrue(alone.errors().contains("running script.sh on a master in this process with 2 slot(s)"),
        alone.tail(40));
    assertEquals("line c\nline b\nline a\n", Files.readString(dir.resolve("all.txt")), alone.tail(40));
    try (var left = Files.list(pool.tmpDir())) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("swamp-master-")).toList(), "the master's work directory goes with it");
    }
  }

  /**
   * {@code exec > >(tee -a run.log) 2>&1}: the log holds what bash's holds (each line as bash
   * wrote it, the errors too, in the script's order), and the run shows what the commands
   * print; a failing command's status still decides its {@code ||}.
   */
  @Test
  void aScriptThatKeepsALogThroughTeeLeavesBashsLog(Pool pool) throws IOException {
    Path dir = Files.createDirectories(pool.logDir().resolve("tee-log"));
    Files.writeString(dir.resolve("run.log"), "an earlier run\n");
    Files.writeString(dir.resolve("script.sh"), String.join("\n",
        "exec > >(tee -a run.log) 2>&1",
        "echo start",
        "for x in a b; do echo \"line $x\" > $x.txt; echo \"wrote $x\"; done",
        "cat missing.txt || echo \"no missing.txt\" >&2",
        "sort -r a.txt b.txt | head -1",
        "echo end",
        ""));
    Node run = pool.swamp(null, dir, withoutAPool(), "run", "--slots", "2", "script.sh");
    assertEquals(0, run.awaitExit(CliIT.CLI), run.tail(40));
    // what 'bash script.sh' leaves in run.log on this machine
    assertEquals("an earlier run\nstart\nwrote a\nwrote b\n"
        + "cat: missing.txt: No such file or directory\nno missing.txt\nline b\nend\n",
        Files.readString(dir.resolve("run.log")), run.tail(40));
    assertTrue(run.output().startsWith("start\nwrote a\nwrote b\n"), run.output());
    assertTrue(run.output().contains("no missing.txt\n") && run.output().endsWith("end\n"), run.output());
  }

  /**
   * On a pool, a program none of its registered workers allows stops the run before anything has
   * run, naming its line, where it failed its job half-way through the run.
   */
  @Test
  void onAPoolAProgramNoWorkerAllowsIsNamedBeforeAnythingRuns(Pool pool) throws IOException {
    Master master = pool.master("--local-exec", "never");
    Node worker = pool.worker(master, "w1");
    master.awaitWorkers(Pool.STARTUP, List.of(worker), "w1");
    Path dir = Files.createDirectories(pool.logDir().resolve("pool-allow-list"));
    Files.writeString(dir.resolve("script.sh"), "echo started > started.txt\ntimeout 60 cat started.txt > copy.txt\n");
    Node run = pool.swamp(master, dir, "run", "script.sh");
    assertEquals(2, run.awaitExit(CliIT.CLI), run.tail(40));
    assertTrue(run.errors().contains("script.sh, line 2: program 'timeout'")
        && run.errors().contains("none of the pool's 1 registered worker(s) allows it")
        && run.errors().contains("Nothing has run"), run.tail(40));
    assertFalse(Files.exists(dir.resolve("started.txt")), "nothing has run\n" + run.tail(40));
  }

  @Test
  void aProgramOffTheAllowListIsNamedAndAllowedForTheRunByFlag(Pool pool) throws IOException {
    Path dir = Files.createDirectories(pool.logDir().resolve("alone"));
    Files.writeString(dir.resolve("all.txt"), "line c\nline b\nline a\n");
    Map<String, String> env = withoutAPool();
    // a program off the allow-list is named before anything runs; --allow lets this run use it
    Files.writeString(dir.resolve("perl.sh"), "echo started > started.txt\ncat all.txt | perl -lane 'print $F[1]' > col.txt\n");
    Node refused = pool.swamp(null, dir, env, "run", "--slots", "2", "perl.sh");
    assertEquals(2, refused.awaitExit(CliIT.CLI), refused.tail(40));
    assertTrue(refused.errors().contains("perl.sh, line 2: program 'perl'") && refused.errors().contains("is not allowed")
        && refused.errors().contains("--allow PROGRAM"), refused.tail(40));
    assertFalse(Files.exists(dir.resolve("started.txt")), "nothing has run");
    Node allowed = pool.swamp(null, dir, env, "run", "--slots", "2", "--allow", "perl", "perl.sh");
    assertEquals(0, allowed.awaitExit(CliIT.CLI), allowed.tail(40));
    assertEquals("c\nb\na\n", Files.readString(dir.resolve("col.txt")), allowed.tail(40));
    // what such a program writes is not known, so the commands that name the same file wait for it
    Files.writeString(dir.resolve("made.sh"), "perl -e 'sleep 1; open(F, \">\", $ARGV[0]); print F \"made\\n\"' made.txt\n"
        + "nice -n 5 cat made.txt > copy.txt\n");
    Node made = pool.swamp(null, dir, env, "run", "--slots", "2", "--allow", "perl", "--allow", "nice", "made.sh");
    assertEquals(0, made.awaitExit(CliIT.CLI), made.tail(40));
    assertEquals("made\n", Files.readString(dir.resolve("copy.txt")), made.tail(40));
    // awk, where it is GNU awk (bin/setup installs it), runs as it is, in its sandbox
    Files.writeString(dir.resolve("awk.sh"), "cat all.txt | awk '{print $2}' > col2.txt\n"
        + "awk 'BEGIN { system(\"touch ran.txt\") }' || echo refused > refused.txt\n");
    Node awk = pool.swamp(null, dir, env, "run", "--slots", "2", "awk.sh");
    assertEquals(0, awk.awaitExit(CliIT.CLI), awk.tail(40));
    assertEquals("c\nb\na\n", Files.readString(dir.resolve("col2.txt")), awk.tail(40));
    assertTrue(Files.exists(dir.resolve("refused.txt")) && !Files.exists(dir.resolve("ran.txt")), awk.tail(40));
    assertTrue(awk.errors().contains("not allowed in sandbox mode"), awk.tail(40));

    // where the script is planned as it runs, such a program is named when the walk gets there:
    // what bash runs before it has run, nothing after; sed, in its sandbox, is allowed
    Files.writeString(dir.resolve("later.sh"), String.join("\n",
        "date +%s > stamp.txt",
        "stamp=$(cat stamp.txt | sed 's/^/t/')",
        "echo \"$stamp\" > before.txt",
        "cat all.txt | perl -lane 'print $F[1]' > later.txt",
        "echo after > after.txt", ""));
    Node later = pool.swamp(null, dir, env, "run", "--slots", "2", "later.sh");
    assertEquals(2, later.awaitExit(CliIT.CLI), later.tail(40));
    assertTrue(later.errors().contains("later.sh, line 4: program 'perl'") && later.errors().contains("is not allowed"),
        later.tail(40));
    assertTrue(Files.readString(dir.resolve("before.txt")).matches("t[0-9]+\n"), later.tail(40));
    assertFalse(Files.exists(dir.resolve("later.txt")) || Files.exists(dir.resolve("after.txt")), later.tail(40));
  }

  /**
   * A master killed with -9 and started again in the middle of a run: {@code bin/swamp run} waits
   * for it, goes on where it was, and the script ends as under bash, each step one job.
   */
  @Test
  void aRunGoesOnThroughARestartOfItsMaster(Pool pool) throws IOException {
    Master master = pool.master("--local-slots", "2");
    Path dir = Files.createDirectories(pool.logDir().resolve("master-restart"));
    Files.writeString(dir.resolve("script.sh"), String.join("\n",
        "for i in 1 2 3 4 5 6 7 8; do sleep 2; echo $i > out$i.txt; done",
        "cat out*.txt > all.txt", ""));
    Node run = pool.swamp(master, dir, "run", "script.sh");
    Await.until("a sleep of the run to have finished, two running", CliIT.CLI, () -> {
      int running = 0;
      int succeeded = 0;
      for (JsonNode job : master.get("/api/jobs").json()) {
        running += job.path("state").asText().equals("RUNNING") ? 1 : 0;
        succeeded += job.path("state").asText().equals("SUCCEEDED") ? 1 : 0;
      }
      return running == 2 && succeeded >= 1;
    });
    master.killHard();
    master.awaitExit(java.time.Duration.ofSeconds(10));
    Master again = pool.restartMaster(master, "--local-slots", "2");
    assertEquals(0, run.awaitExit(CliIT.CLI), run.tail(40));
    assertTrue(run.errors().contains("swamp: the master does not answer")
        && run.errors().contains("swamp: the master answers again"), run.tail(40));
    assertEquals("1\n2\n3\n4\n5\n6\n7\n8\n", Files.readString(dir.resolve("all.txt")), run.tail(40));
    JsonNode steps = again.get("/api/runs/r1").json().path("commands");
    assertEquals(17, steps.size());
    assertEquals(17, again.get("/api/jobs").json().size(), "each step one job, none submitted twice");
    for (JsonNode step : steps) {
      assertEquals("SUCCEEDED", step.path("state").asText(), steps.toString());
    }
  }

  /**
   * A script that needs what its jobs wrote to go on ({@code first=$(head -1 sorted.txt)}, {@code
   * done < sorted.txt}) runs to its end on a pool: {@code --plan} shows it as far as that, and the
   * master's run holds every step, those planned as it ran too, each one job.
   */
  @Test
  void aScriptThatReadsWhatItsJobsWroteIsPlannedAsItRuns(Pool pool) throws IOException {
    Master master = pool.master("--local-slots", "2");
    Path dir = Files.createDirectories(pool.logDir().resolve("as-it-runs"));
    Files.writeString(dir.resolve("script.sh"), String.join("\n",
        "for i in 3 1 2; do echo $i >> list.txt; done",
        "sort -n list.txt > sorted.txt",
        "first=$(head -1 sorted.txt)",
        "echo \"first: $first\" > first.txt",
        "while read n; do echo copy $n > copy_$n.txt; done < sorted.txt",
        "n=0", // a retry loop on a job, whose next try waits on nothing still running
        "until cat missing.txt 2> /dev/null; do n=$((n + 1)); [ $n -ge 2 ] && break; done",
        "echo \"tries: $n\" > tries.txt",
        // a value in a branch a job's status decides: that job first, then, if bash got there, the value
        "cp list.txt listed.txt", // there only if cp succeeds: the test is cp's status
        "if [ -f listed.txt ]; then top=$(sort -rn listed.txt | head -1); echo \"top: $top\" > top.txt; fi",
        "mkdir -p sub && cd sub",
        "echo \"in $(basename $PWD)\" > where.txt", ""));
    Node plan = pool.swamp(master, dir, "run", "--plan", "script.sh");
    assertEquals(0, plan.awaitExit(CliIT.CLI), plan.tail(40));
    assertTrue(plan.output().contains("5 command(s) so far; line 3 needs what #4 print(s)"), plan.tail(40));

    Node run = pool.swamp(master, dir, "run", "script.sh");
    assertEquals(0, run.awaitExit(CliIT.CLI), run.tail(40));
    assertEquals("first: 1\n", Files.readString(dir.resolve("first.txt")), run.tail(40));
    for (int n = 1; n <= 3; n++) {
      assertEquals("copy " + n + "\n", Files.readString(dir.resolve("copy_" + n + ".txt")), run.tail(40));
    }
    assertEquals("tries: 2\n", Files.readString(dir.resolve("tries.txt")), run.tail(40));
    assertEquals("top: 3\n", Files.readString(dir.resolve("top.txt")), run.tail(40));
    assertEquals("in sub\n", Files.readString(dir.resolve("sub/where.txt")), run.tail(40));
    JsonNode steps = master.get("/api/runs/r1").json().path("commands");
    int jobs = 0;
    for (JsonNode step : steps) {
      String state = step.path("state").asText();
      if (!state.equals("DECISION")) {
        jobs++;
        assertEquals(step.path("text").asText().startsWith("cat missing.txt") ? "FAILED" : "SUCCEEDED", state,
            steps.toString());
      }
    }
    assertEquals(17, jobs, steps.toString());
    assertEquals(17, master.get("/api/jobs").json().size(), "each step one job");
    assertTrue(steps.toString().contains("status: 0 if #12 succeeds, else 1"), "the test decided by cp: " + steps);

    // stopped by set -e before where the walk waits: bash never gets there, but runs its EXIT trap
    Files.writeString(dir.resolve("stops.sh"), String.join("\n",
        "trap 'echo cleaned > cleaned.txt' EXIT",
        "set -e",
        "sort missing.txt > got.txt",
        "v=$(cat got.txt)",
        "echo \"never $v\" > never.txt", ""));
    Node stops = pool.swamp(master, dir, "run", "stops.sh");
    assertEquals(2, stops.awaitExit(CliIT.CLI), "sort's status, as bash's\n" + stops.tail(40));
    assertEquals("cleaned\n", Files.readString(dir.resolve("cleaned.txt")), stops.tail(40));
    assertFalse(Files.exists(dir.resolve("never.txt")), stops.tail(40));
  }

  /**
   * Ctrl-C on {@code bin/swamp run} stops the run, on a pool as in the process: the jobs it
   * submitted are cancelled, no more start, and it exits 130 as a shell's command stopped by
   * SIGINT does.
   */
  @Test
  void aStoppedRunCancelsItsJobs(Pool pool) throws IOException {
    Master master = pool.master("--local-slots", "2");
    Path dir = Files.createDirectories(pool.logDir().resolve("stopped"));
    Files.writeString(dir.resolve("script.sh"),
        "sleep 60 && touch one.txt\nsleep 60 && touch two.txt\nsleep 60 && touch three.txt\n");
    Node run = pool.swamp(master, dir, "run", "script.sh");
    Await.until("two of the run's sleeps to be running", CliIT.CLI, () -> {
      int running = 0;
      for (JsonNode job : master.get("/api/jobs").json()) {
        running += job.path("state").asText().equals("RUNNING") ? 1 : 0;
      }
      return running == 2;
    });
    run.signal("INT");
    assertEquals(130, run.awaitExit(CliIT.CLI), run.tail(40));
    assertTrue(run.errors().contains("cancelling the 3 job(s) of the run"), run.tail(40));
    Await.until("every job of the run cancelled", CliIT.CLI, () -> {
      JsonNode jobs = master.get("/api/jobs").json();
      boolean all = jobs.size() == 3;
      for (JsonNode job : jobs) {
        all &= job.path("state").asText().equals("CANCELLED");
      }
      return all;
    });
    for (String f : new String[] {"one.txt", "two.txt", "three.txt"}) {
      assertFalse(Files.exists(dir.resolve(f)), f + ": nothing after a cancelled sleep runs");
    }
    JsonNode stopped = master.get("/api/runs").json().get(0);
    assertEquals(List.of(3, 3, 0), List.of(stopped.path("cancelled").asInt(), stopped.path("notRun").asInt(),
        stopped.path("waiting").asInt()), "the touches never started: not run, not waiting: " + stopped);

    // the same in the process: its master leaves the signal to the run, which cancels, then stops
    Map<String, String> env = withoutAPool();
    Node alone = pool.swamp(null, dir, env, "run", "--slots", "2", "script.sh");
    List<ProcessHandle> sleeps = Await.value("the run in the process to start its two sleeps", CliIT.CLI, () -> {
      List<ProcessHandle> found = alone.descendants()
          .filter(p -> p.info().command().orElse("").endsWith("sleep")).toList();
      return found.size() == 2 ? found : null;
    });
    alone.signal("INT");
    assertEquals(130, alone.awaitExit(CliIT.CLI), alone.tail(40));
    assertTrue(alone.errors().contains("swamp: stopped: cancelling"), alone.tail(40));
    Await.until("the run's sleeps to be gone", CliIT.CLI, () -> sleeps.stream().noneMatch(ProcessHandle::isAlive));
    for (String f : new String[] {"one.txt", "two.txt", "three.txt"}) {
      assertFalse(Files.exists(dir.resolve(f)), f + ": nothing after a cancelled sleep runs");
    }
  }

  /**
   * What a script prints comes out whole, as bash's, with the master in the process (a worker
   * keeps 256 KiB of each stream by default, too little for a dump); where a worker's limit
   * cuts it, the run says so under the command rather than printing less in silence.
   */
  @Test
  void aScriptsLongOutputComesOutWholeOrSaysItWasCut(Pool pool) throws Exception {
    Path dir = Files.createDirectories(pool.logDir().resolve("long-output"));
    Files.writeString(dir.resolve("long.sh"), "seq 100000\necho end\n");
    Map<String, String> env = withoutAPool();
    Node whole = pool.swamp(null, dir, env, "run", "--slots", "1", "long.sh");
    assertEquals(0, whole.awaitExit(CliIT.CLI), whole.tail(20));
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= 100_000; i++) {
      expected.append(i).append('\n');
    }
    assertEquals(expected + "end\n", whole.output(), "588,895 bytes, as bash prints them");

    env.put("JAVA_OPTS", "-Xmx128m -Dswamp.worker.max-output=64KiB");
    Node cut = pool.swamp(null, dir, env, "run", "--slots", "1", "long.sh");
    assertEquals(0, cut.awaitExit(CliIT.CLI), cut.tail(20));
    assertTrue(cut.output().length() < expected.length(), "cut to 64 KiB");
    assertTrue(cut.errors().contains("[line 1] seq 100000: what it printed was cut to its first part"
        + " (the worker's swamp.worker.max-output)"), cut.tail(20));
  }

  /**
   * The master inside {@code bin/swamp run} listens on loopback, where every user of the machine
   * reaches it: it must take only its own user's requests, or another user's POST would run as
   * this one. It takes the user's API token, as a pool's master does.
   */
  @Test
  void theMasterInTheProcessTakesOnlyItsUsersRequests(Pool pool) throws Exception {
    Path dir = Files.createDirectories(pool.logDir().resolve("closed"));
    Files.writeString(dir.resolve("slow.sh"), "sleep 60\n");
    Map<String, String> env = withoutAPool();
    Node run = pool.swamp(null, dir, env, "run", "--slots", "1", "slow.sh");
    try {
      String url = Await.value("the run's line naming its master's dashboard", CliIT.CLI, () -> {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("bin/swamp dashboard --url (http://127\\.0\\.0\\.1:[0-9]+)")
            .matcher(run.errors());
        return m.find() ? m.group(1) : null;
      });
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String job = "{\"argv\":[\"touch\",\"" + dir.resolve("intruder.txt") + "\"]}";
      for (String header : new String[] {null, "Bearer not-the-token"}) {
        java.net.http.HttpRequest.Builder post = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/jobs"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(job)).header("Content-Type", "application/json");
        if (header != null) {
          post.header("Authorization", header);
        }
        java.net.http.HttpResponse<String> answer = http.send(post.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(401, answer.statusCode(), "a job from someone without the token: " + answer.body());
      }
      String token = Files.readString(pool.userHome().resolve(".swamp/api-token")).strip();
      java.net.http.HttpRequest list = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/api/jobs"))
          .header("Authorization", "Bearer " + token).GET().build();
      Await.until("the owner, with the token, to see the run's job", CliIT.CLI, () -> {
        try {
          java.net.http.HttpResponse<String> owner = http.send(list, java.net.http.HttpResponse.BodyHandlers.ofString());
          assertEquals(200, owner.statusCode(), owner.body());
          return owner.body().contains("sleep");
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      assertFalse(Files.exists(dir.resolve("intruder.txt")));
    } finally {
      run.killHard();
    }
  }
}
