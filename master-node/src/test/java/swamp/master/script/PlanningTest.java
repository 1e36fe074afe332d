package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script that needs what a job prints to go on is planned as far as that, and the rest once
 * the run answers what the job printed ({@link Planning}), with the value bash would have.
 */
class PlanningTest {

  @TempDir
  Path dir;

  private static final Map<String, String> ENV = Map.of("HOME", "/home/sci", "PATH", "/usr/bin:/bin");

  private Planning planning(String script) throws ScriptException {
    return Script.planning(script, "script.sh", dir, ENV, List.of());
  }

  /**
   * Runs {@code p} to its end, the jobs whose text starts with {@code failing} exiting 1 and the
   * others 0, printing nothing; the text of its last command.
   */
  private static String lastWhenFailing(Planning p, String failing) throws Exception {
    for (int tries = 0; !p.done() && tries < 10; tries++) {
      p.resume(step -> "", step -> texts(p).get(step).startsWith(failing) ? 1 : 0);
    }
    assertTrue(p.done());
    List<String> texts = texts(p);
    return texts.get(texts.size() - 1);
  }

  private static List<String> texts(Planning p) {
    return p.plan().commands().stream().map(Plan.Command::text).toList();
  }

  @Test
  void aValueAJobPrintsIsWaitedForAndTheWalkGoesOnWithIt() throws Exception {
    String script = """
        ncra in_*.nc avg.nc
        mean=$(ncks -H -C -v T avg.nc | tr -d ' ')
        echo "mean: $mean, status $?"
        ncap2 -O -s "T=T-${mean}f" in.nc anom.nc
        """;
    ScriptException whole = assertThrows(ScriptException.class,
        () -> Script.plan(script, "script.sh", dir, ENV, List.of()));
    assertTrue(whole.waitsForJobs(), whole.getMessage());
    assertEquals(2, whole.line());

    Planning p = planning(script);
    assertFalse(p.done());
    assertEquals(List.of(1), p.awaits());
    assertEquals(2, p.line());
    assertEquals(List.of("ncra 'in_*.nc' avg.nc", "ncks -H -C -v T avg.nc | tr -d ' '"), texts(p));
    assertTrue(p.plan().isSubstitution(1), "what it prints is the value's, not the run's output");
    assertEquals(java.util.Set.of(0), p.plan().commands().get(1).dependsOn());

    p.resume(step -> step == 1 ? "291.5\n\n" : "", step -> 0);
    assertTrue(p.done());
    assertEquals(List.of("ncra 'in_*.nc' avg.nc", "ncks -H -C -v T avg.nc | tr -d ' '",
        "echo 'mean: 291.5, status 0'", "ncap2 -O -s T=T-291.5f in.nc anom.nc"), texts(p));
  }

  /**
   * A script that waits is walked twice, the first walk finding that it must: a substitution that
   * ran while planning before the wait ran once, as bash runs it, and the second walk has its value
   * (it made a second scratch directory, left behind, and seen by a glob).
   */
  @Test
  void aSubstitutionBeforeAWaitRunsOnce() throws Exception {
    Planning p = planning("""
        tmp=$(mktemp -d ./scratch.XXXXXX)
        ncks -O -v T in.nc $tmp/t.nc
        v=$(ncks -H -C -v T $tmp/t.nc)
        echo "$v" > v.txt
        """);
    assertEquals(List.of(1), p.awaits());
    java.util.List<Path> made;
    try (var list = java.nio.file.Files.list(dir)) {
      made = list.filter(f -> f.getFileName().toString().startsWith("scratch.")).toList();
    }
    assertEquals(1, made.size(), "one directory, as bash makes: " + made);
    String scratch = "./" + made.get(0).getFileName();
    assertEquals(List.of("ncks -O -v T in.nc " + scratch + "/t.nc", "ncks -H -C -v T " + scratch + "/t.nc"), texts(p));
  }

  @Test
  void eachIterationOfALoopWaitsForItsOwnValue() throws Exception {
    Planning p = planning("""
        for m in ccsm echam; do
          ncra ${m}_*.nc ${m}.nc
          n=$(ncks -m ${m}.nc | grep -c float)
          [ "$n" -gt 2 ] && ncks -O -v T ${m}.nc ${m}_T.nc
        done
        """);
    assertEquals(List.of(1), p.awaits());
    p.resume(step -> "5\n", step -> 0);
    assertEquals(List.of(4), p.awaits(), "ncks -O for ccsm, then echam's ncra and its count");
    p.resume(step -> "1\n", step -> 0);
    assertTrue(p.done());
    assertEquals(List.of("ncra 'ccsm_*.nc' ccsm.nc", "ncks -m ccsm.nc | grep -c float",
        "ncks -O -v T ccsm.nc ccsm_T.nc", "ncra 'echam_*.nc' echam.nc", "ncks -m echam.nc | grep -c float"), texts(p));
  }

  /**
   * In a loop piped into {@code sort}, the loop's commands write the pipe, but what a command
   * substitution prints is still its value: {@code v=$(ncks ...)} gets the number, and the echo
   * of it goes into the pipe.
   */
  /**
   * {@code v=$(ncwa -O ... in.nc gm.nc && ncks -H ... gm.nc)}: the substitution writes a file of
   * its own; it runs as jobs, in the script's order with what else writes or reads gm.nc.
   */
  @Test
  void aSubstitutionThatWritesATemporaryFileRunsAsJobsInTheScriptsOrder() throws Exception {
    Planning p = planning("""
        for m in ccsm echam; do
          ncap2 -O -s "T=T+1" ${m}_01.nc ${m}_adj.nc
          v=$(ncwa -O -a lat,lon -w gw ${m}_adj.nc gm.nc && ncks -H -C -s '%.3f' -v T gm.nc)
          printf '%s %s\\n' $m "$v"
        done
        rm -f gm.nc
        """);
    assertEquals(List.of(1, 2), p.awaits(), "ncwa and ncks, what it prints is the value");
    assertEquals(java.util.Set.of(0), p.plan().commands().get(1).dependsOn(), "ncwa reads what ncap2 writes");
    assertEquals(java.util.Set.of(1), p.plan().commands().get(2).dependsOn(), "ncks reads what ncwa writes");
    p.resume(step -> step == 2 ? "289.125" : "", step -> 0);
    assertEquals(List.of(5, 6), p.awaits());
    assertTrue(p.plan().commands().get(5).dependsOn().containsAll(java.util.Set.of(2, 4)),
        "echam's ncwa writes gm.nc once ccsm's ncks has read it: " + p.plan().commands().get(5).dependsOn());
    p.resume(step -> step == 6 ? "287.5" : "", step -> 0);
    assertTrue(p.done());
    List<String> texts = texts(p);
    assertEquals("printf '%s %s\\n' ccsm 289.125", texts.get(3));
    assertEquals("printf '%s %s\\n' echam 287.5", texts.get(7));
    assertTrue(p.plan().commands().get(8).dependsOn().contains(6), "rm -f gm.nc after the last read");
  }

  /**
   * {@code if msg=$(chk_$c "$f"); then}: a check function run as a substitution, whose status is
   * its {@code return}'s and whose message may be nothing at all.
   */
  @Test
  void aCheckFunctionsStatusAndMessageAreTheSubstitutions() throws Exception {
    Planning p = planning("""
        ncks -O in.nc a.nc
        chk_vars() {
          local n
          n=$(ncks -m "$1" | grep -c float)
          [[ $n == 3 ]] || { echo "vars: $n"; return 1; }
        }
        for c in vars vars; do
          if msg=$(chk_$c a.nc); then echo "$c ok"; else echo "$c FAIL: $msg"; fi
        done
        """);
    assertEquals(List.of(1), p.awaits(), "ncks -m | grep -c, for n");
    p.resume(step -> "2\n", step -> 0); // two variables: the check prints and returns 1
    assertEquals(List.of(2), p.awaits(), "its echo, for the message");
    p.resume(step -> "vars: 2\n", step -> 0);
    assertEquals(4, p.awaits().get(0), "the second time round: " + texts(p));
    p.resume(step -> "3\n", step -> 0); // three: nothing printed, status 0
    assertTrue(p.done(), texts(p).toString());
    List<String> texts = texts(p);
    assertEquals("echo 'vars FAIL: vars: 2'", texts.get(3));
    assertEquals("echo 'vars ok'", texts.get(5));
  }

  @Test
  void aSubstitutionInALoopPipedOnGetsWhatItPrintsNotThePipe() throws Exception {
    Planning p = planning("""
        for m in ccsm echam; do
          ncwa -O -a lat,lon in_${m}.nc gm_${m}.nc
          v=$(ncks -H -C -s '%.1f' -v T gm_${m}.nc)
          echo "$m $v"
        done | sort -k2 -n > ranking.txt
        """);
    assertEquals(List.of(2), p.awaits());
    assertEquals("ncks -H -C -s %.1f -v T gm_ccsm.nc", p.plan().commands().get(2).text(),
        "no '>> .swamp-pipe-...': what it prints is the value");
    p.resume(step -> "291.5", step -> 0);
    p.resume(step -> "288.0", step -> 0);
    assertTrue(p.done());
    List<String> texts = texts(p);
    assertTrue(texts.get(3).startsWith("echo 'ccsm 291.5' >> .swamp-pipe-"), texts.toString());
    assertTrue(texts.get(6).startsWith("echo 'echam 288.0' >> .swamp-pipe-"), texts.toString());
    assertTrue(texts.get(7).startsWith("sort -k2 -n < .swamp-pipe-"), texts.toString());
  }

  @Test
  void underSetEAFailedSubstitutionEndsTheScriptAsInBash() throws Exception {
    Planning p = planning("set -e\nncra in.nc avg.nc\nv=$(ncks -H -v nosuch avg.nc)\necho never\n");
    p.resume(step -> "", step -> 1);
    assertTrue(p.done());
    assertEquals(2, p.plan().commands().size());
    assertEquals(1, p.plan().exitStatus());
  }

  /**
   * Under set -e, a loop's value read from a file its iteration wrote is waited for as at the top
   * of the script: a failure there stops the whole script, which the run does. In a subshell that
   * a failure ends alone, the walk would not know where bash goes on: refused.
   */
  @Test
  void underSetEALoopWaitsForAValueAsTheTopOfTheScriptDoes() throws Exception {
    Planning p = planning("""
        set -e
        for m in ccsm echam; do
          ncwa -O -a lat,lon ${m}.nc ${m}_gm.nc
          v=$(ncks -H -C -v T ${m}_gm.nc)
          echo "$m $v"
        done
        """);
    assertEquals(List.of(1), p.awaits());
    p.resume(step -> "290\n", step -> 0);
    assertEquals(List.of(4), p.awaits());
    p.resume(step -> "280\n", step -> 0);
    assertTrue(p.done());
    assertEquals(List.of("ncwa -O -a lat,lon ccsm.nc ccsm_gm.nc", "ncks -H -C -v T ccsm_gm.nc", "echo 'ccsm 290'",
        "ncwa -O -a lat,lon echam.nc echam_gm.nc", "ncks -H -C -v T echam_gm.nc", "echo 'echam 280'"), texts(p));

    ScriptException alone = assertThrows(ScriptException.class, () -> planning(
        "( set -e\nncwa -O -a lat,lon a.nc b.nc\nv=$(ncks -H -v T b.nc)\necho $v )\necho after\n"));
    assertEquals(3, alone.line(), alone.getMessage());
  }

  /**
   * {@code v=$(paste <(ncks ... a.nc) <(ncks ... b.nc) | sort)}: each process substitution's
   * output is written to a file by a job, and the pipeline that reads them runs as jobs, which the
   * walk waits for.
   */
  @Test
  void processSubstitutionsInACommandSubstitutionRunAsJobs() throws Exception {
    Planning p = planning("ncra in.nc a.nc\nv=$(paste <(ncks -H a.nc) <(echo x) | sort -r)\necho \"[$v]\"\n");
    // and a 'printf .' after it, which keeps its last newlines from $(...)'s dropping them
    assertEquals(List.of(1, 2), p.awaits(), "ncks, what the first <(...) prints");
    p.resume(step -> step == 1 ? "1\n2\n" : ".", step -> 0);
    List<String> texts = texts(p);
    assertTrue(texts.get(3).startsWith("cat <<EOF > .swamp-psub-"), texts.toString());
    assertTrue(texts.get(5).matches("paste \\.swamp-psub-\\S+ \\.swamp-psub-\\S+ \\| sort -r"), texts.toString());
    assertTrue(texts.get(6).startsWith("rm -f .swamp-psub-"), texts.toString());
    assertEquals(List.of(3, 4, 5, 6), p.awaits(), "the files written, the pipeline that reads them, their removal");
    p.resume(step -> step == 5 ? "2\n1\tx\n" : "", step -> 0);
    assertTrue(p.done());
    assertEquals("echo $'[2\\n1\\tx]'", texts(p).get(texts(p).size() - 1), texts(p).toString());
  }

  /**
   * Under a job's guard ({@code cmd || v=$(...)}, {@code cmd && cd sub}), the walk waits for that
   * job first: where bash did not get there, the branch is not walked further.
   */
  @Test
  void underAJobsGuardTheWalkWaitsForThatJobFirst() throws Exception {
    String script = "ncra in.nc avg.nc || v=$(ncks -H avg.nc)\necho \"v=$v\"\n";
    Planning succeeded = planning(script);
    assertEquals(List.of(0), succeeded.awaits(), "ncra, whose status decides whether bash got there");
    succeeded.resume(step -> "", step -> 0);
    assertTrue(succeeded.done());
    assertEquals(List.of("ncra in.nc avg.nc", "echo v="), texts(succeeded));

    Planning failed = planning(script);
    failed.resume(step -> "", step -> 1);
    assertEquals(List.of(1), failed.awaits());
    failed.resume(step -> "291.5\n", step -> 0);
    assertEquals(List.of("ncra in.nc avg.nc", "ncks -H avg.nc", "echo v=291.5"), texts(failed));

    Planning cd = planning("mkdir -p sub && cd sub\nncks -O ../in.nc out.nc\n");
    cd.resume(step -> "", step -> 0);
    assertEquals("ncks -O ../in.nc out.nc", cd.plan().commands().get(1).text());
    assertEquals(dir.resolve("sub").toString(), cd.plan().commands().get(1).dir(), "cd once mkdir succeeded");

    // a subshell with an exit point planned before the wait: the walk first waits for what decides it
    String scoped = "( ncra in.nc avg.nc || exit 1\nv=$(ncks -H avg.nc)\necho $v )\necho after\n";
    Planning exited = planning(scoped);
    assertEquals(List.of(0), exited.awaits(), "ncra, whose status decides the exit");
    exited.resume(step -> "", step -> 1);
    assertTrue(exited.done(), "the subshell exited there, as bash's did");
    assertEquals(List.of("ncra in.nc avg.nc", "exit 1", "echo after"), texts(exited));
    Planning on = planning(scoped);
    on.resume(step -> "", step -> 0);
    assertEquals(List.of(2), on.awaits(), "the exit not taken: ncks, for the value");
    on.resume(step -> "291.5\n", step -> 0);
    assertTrue(on.done());
    assertEquals(List.of("ncra in.nc avg.nc", "exit 1", "ncks -H avg.nc", "echo 291.5", "echo after"), texts(on));
    assertTrue(on.plan().commands().get(2).dependsOn().contains(0), on.plan().commands().get(2).toString());
  }

  /**
   * An analysis function that returns on a job's failure and then reads what its jobs wrote
   * ({@code ncra ... || return 1; a=$(ncks ... ann.nc)}), called in a loop that skips a model
   * with {@code || continue}: each wait first settles the exits before it.
   */
  @Test
  void aFunctionThatMayReturnEarlyGetsTheValuesItsJobsPrint() throws Exception {
    String script = """
        annual() {
          ncra -O ${1}_??.nc ann_$1.nc || return 1
          v=$(ncks -H -C -s '%.1f' -v T ann_$1.nc)
          echo "$1 $v"
        }
        for m in ccsm echam; do
          ncks -m ${m}_01.nc > /dev/null || continue
          annual $m || echo "no annual mean for $m"
        done
        """;
    Planning p = planning(script);
    // one exit at a time, in the order planned: what decides a later one may not run where an earlier one is taken
    assertEquals(List.of(0), p.awaits(), "ccsm's ncks -m, whose status decides the continue");
    // handed to the run inside the function: the run does not decide them until the plan says where they end
    assertTrue(p.plan().commands().get(1).scopeEndNotPlanned() && p.plan().commands().get(3).scopeEndNotPlanned(),
        p.plan().commands().toString());
    p.resume(step -> "", step -> 0);
    assertEquals(List.of(2), p.awaits(), "then ccsm's ncra, whose status decides the return");
    p.resume(step -> "", step -> step == 2 ? 2 : 0); // ncra failed: the function returned 2
    assertEquals(4, p.plan().commands().get(3).exitScopeEnd(), "the return, taken, ends the function: "
        + p.plan().commands().get(3));
    List<String> texts = texts(p);
    assertFalse(texts.stream().anyMatch(t -> t.startsWith("ncks -H -C") && t.endsWith("ann_ccsm.nc")), texts.toString());
    assertTrue(texts.contains("echo 'no annual mean for ccsm'"), texts.toString());
    int echam = texts.indexOf("ncks -m echam_01.nc > /dev/null");
    assertEquals(echam, p.awaits().get(0), "echam's ncks -m: " + texts);
    p.resume(step -> "", step -> step == echam ? 1 : 0); // echam has no January: continue
    assertTrue(p.done(), texts(p).toString());
    List<String> all = texts(p);
    assertFalse(all.stream().anyMatch(t -> t.startsWith("ncks -H -C") || t.contains("for echam")), "echam skipped: " + all);
    int ncra = all.indexOf("ncra -O 'echam_??.nc' ann_echam.nc"); // planned before the wait, run only past the continue
    assertTrue(p.plan().commands().get(ncra).dependsOn().contains(echam + 1), p.plan().commands().get(ncra).toString());
  }

  @Test
  void aRefusalAfterTheWaitComesWhenTheWalkGetsThere() throws Exception {
    Planning p = planning("ncra in.nc avg.nc\nv=$(ncks -H avg.nc)\nncks -O $v.nc out.nc\nulimit -v 1000000\n");
    ScriptException later = assertThrows(ScriptException.class, () -> p.resume(step -> "x", step -> 0));
    assertEquals(4, later.line());
    assertEquals(List.of("ncra in.nc avg.nc", "ncks -H avg.nc", "ncks -O x.nc out.nc"), texts(p),
        "what bash runs before it gets to the refused line is there to run");
  }

  @Test
  void aWalkTheRunAbandonsPlansNoMore() throws Exception {
    Planning p = planning("ncra in.nc avg.nc\nv=$(ncks -H avg.nc)\nncks -O $v.nc out.nc\n");
    p.abandon();
    assertTrue(p.done());
    assertEquals(2, p.plan().commands().size());
    assertThrows(IllegalStateException.class, () -> p.resume(step -> "", step -> 0));
  }

  /**
   * A list a job writes, whose text is not known while planning, is read once every job planned
   * before has run, as it is on disk then.
   */
  @Test
  void aListAJobWritesIsReadOnceTheJobsBeforeHaveRun() throws Exception {
    Planning p = planning("""
        ncks -m in.nc | grep float | cut -d' ' -f6 > vars.txt
        while read v; do
          ncks -O -v $v in.nc $v.nc
        done < vars.txt
        mapfile -t all < vars.txt
        echo "${#all[@]}: ${all[*]}"
        """);
    assertEquals(List.of(0), p.awaits(), "every step planned before: the one writing vars.txt");
    assertEquals(4, p.line(), "the line of 'done < vars.txt'");
    java.nio.file.Files.writeString(dir.resolve("vars.txt"), "T\ngw\n"); // as the job left it
    p.resume(step -> "", step -> 0);
    assertTrue(p.done());
    assertEquals(List.of("ncks -m in.nc | grep float | cut '-d ' -f6 > vars.txt", "ncks -O -v T in.nc T.nc",
        "ncks -O -v gw in.nc gw.nc", "echo '2: T gw'"), texts(p), "read once, its text known after");
  }

  /**
   * {@code until cmd} on a job: each time, its status once it has run; and before the condition
   * runs again, what the body planned has run, as in bash ({@code sleep 60} between tries).
   */
  @Test
  void aLoopOnAJobsStatusWaitsForEachTry() throws Exception {
    Planning p = planning("""
        n=0
        until ncks -O -v T in.nc out.nc; do
          n=$((n + 1))
          [ $n -ge 3 ] && break
          sleep 60
        done
        echo "retries: $n"
        """);
    assertEquals(List.of(0), p.awaits());
    p.resume(step -> "", step -> 1);
    assertEquals(List.of(0, 1), p.awaits(), "the sleep has run before the next try");
    p.resume(step -> "", step -> 0);
    assertEquals(List.of(2), p.awaits(), "the second try");
    p.resume(step -> "", step -> 0);
    assertTrue(p.done());
    assertEquals(List.of("ncks -O -v T in.nc out.nc", "sleep 60", "ncks -O -v T in.nc out.nc", "echo 'retries: 1'"),
        texts(p));
  }

  /**
   * What only the files on disk can tell ({@code [ -s hits.txt ]}, {@code source} of a file a job
   * wrote, a function's output that reads one) is known once every job planned before has run.
   */
  @Test
  void whatOnlyTheFilesCanTellIsKnownOnceTheJobsBeforeHaveRun() throws Exception {
    Planning p = planning("""
        ncks -M in.nc | grep missing_value > hits.txt
        [ -s hits.txt ] && echo "has missing values"
        ncks -H -v name in.nc > settings.sh
        source settings.sh
        first() { head -1 "$1"; }
        line=$(first hits.txt)
        echo "$NAME: $line"
        """);
    assertEquals(List.of(0), p.awaits());
    java.nio.file.Files.writeString(dir.resolve("hits.txt"), "T:missing_value = 1e20\n");
    p.resume(step -> "", step -> 0);
    assertEquals(List.of(0, 1, 2), p.awaits(), "source settings.sh: once ncks wrote it");
    java.nio.file.Files.writeString(dir.resolve("settings.sh"), "NAME=ccsm\n");
    p.resume(step -> "", step -> 0);
    assertTrue(p.done(), "the function's head reads hits.txt, on disk as the jobs left it");
    assertEquals(List.of("ncks -M in.nc | grep missing_value > hits.txt", "echo 'has missing values'",
        "ncks -H -v name in.nc > settings.sh", "echo 'ccsm: T:missing_value = 1e20'"), texts(p));
  }

  /** In a function's words, which it may pass on to a program, the walk waits for the value. */
  @Test
  void aFunctionGetsTheValueAJobPrinted() throws Exception {
    Planning p = planning("ncra in.nc out.nc\nf() { ncks -O -v \"$1\" in.nc \"$1.nc\"; }\nf \"$(ncks -H -v name out.nc)\"\n");
    assertEquals(List.of(1), p.awaits());
    p.resume(step -> "T\n", step -> 0);
    assertEquals(List.of("ncra in.nc out.nc", "ncks -H -v name out.nc", "ncks -O -v T in.nc T.nc"), texts(p));
  }

  /** A value in the branch of a test on a file a job writes: the test, decided by the job, first. */
  @Test
  void aValueInTheBranchOfAFileTestWaitsForTheTestFirst() throws Exception {
    Planning p = planning("ncra in.nc out.nc\nif [ -f out.nc ]; then\n  mean=$(ncks -H out.nc)\n  echo \"mean $mean\"\nfi\n");
    assertEquals(List.of(1), p.awaits(), "the test, decided by ncra: whether bash takes the branch");
    p.resume(step -> "", step -> 0);
    assertEquals(List.of(2), p.awaits());
    p.resume(step -> "291.5\n", step -> 0);
    assertEquals(List.of("ncra in.nc out.nc", "status: 0 if #0 succeeds, else 1", "ncks -H out.nc",
        "echo 'mean 291.5'", "status: #3's if #1 succeeds, else 0"), texts(p), "the if's own status last");
  }

  /** A run that stopped before where the walk waits still gets the EXIT trap, as bash runs it. */
  @Test
  void aRunStoppedBeforeTheWaitGetsItsExitTrap() throws Exception {
    Planning p = planning("trap 'rm -f part_*.nc' EXIT\nset -e\nncra in.nc part_1.nc\nv=$(ncks -H part_1.nc)\necho $v\n");
    assertEquals(List.of(1), p.awaits());
    p.stop(0, 1);
    assertTrue(p.done());
    assertEquals(List.of("ncra in.nc part_1.nc", "ncks -H part_1.nc", "rm -f part_1.nc"), texts(p));
    assertTrue(p.plan().inExitTrap(2) && !p.plan().inExitTrap(1));

    // the trap sees the status the run stopped with, and the shell as it was where it stopped,
    // not as the walk left it further on (bash 5.2 prints the same)
    Planning on = planning("""
        set -e
        done_list=()
        on_exit() {
          local rc=$?
          if (( rc != 0 )); then echo "aborted at $m ($rc); done: ${done_list[*]:-nothing}"; else echo fine; fi
        }
        trap on_exit EXIT
        for m in ccsm miroc gfdl; do
          ncra ${m}_??.nc ${m}.nc
          done_list+=("$m")
          v=$(ncks -H ${m}.nc)
          echo "$m: $v"
        done
        """);
    assertEquals(List.of(1), on.awaits());
    on.resume(step -> "1\n", step -> 0);
    assertEquals(List.of(4), on.awaits(), "miroc's ncks; its ncra, step 3, failed");
    on.stop(3, 2);
    assertEquals("echo 'aborted at miroc (2); done: ccsm'", texts(on).get(texts(on).size() - 1), texts(on).toString());

    // a walk that needed no wait: the trap is planned once every job has run, or the run stopped
    String whole = "set -e\ntrap 'echo \"exit $?\"' EXIT\nncra a.nc b.nc\necho \"$(ncks -H b.nc)\"\n";
    Planning ran = planning(whole);
    assertEquals(List.of(0, 1, 2), ran.awaits());
    ran.resume(step -> "", step -> 0);
    assertEquals(4, texts(ran).size(), texts(ran).toString()); // $?: the last job's, which the run fills in
    Planning failed = planning(whole);
    failed.stop(0, 1);
    assertEquals("echo 'exit 1'", texts(failed).get(3));
  }

  /**
   * {@code trap 'echo "failed: $BASH_COMMAND"' ERR}, the usual way to say which command failed:
   * $BASH_COMMAND is the command as written, its redirections after its words, in the ERR and EXIT
   * traps the one that stopped the script, a test's too (bash 5.2 prints the same). It was empty.
   */
  @Test
  void bashCommandNamesTheCommandThatFailedAsWritten() throws Exception {
    String script = """
        set -e
        trap 'echo "failed: $BASH_COMMAND"' ERR
        trap 'echo "exit after: $BASH_COMMAND"' EXIT
        f=in.nc
        echo "now: $BASH_COMMAND"
        ncra   "$f"  out_${f%.nc}.nc 2>/dev/null >> log.txt
        ncwa out.nc gm.nc
        """;
    Planning stopped = planning(script);
    stopped.stop(1, 3); // ncra, line 6
    List<String> t = texts(stopped);
    assertEquals(List.of("echo 'now: echo \"now: $BASH_COMMAND\"'",
        "echo 'failed: ncra \"$f\" out_${f%.nc}.nc 2> /dev/null >> log.txt'",
        "echo 'exit after: ncra \"$f\" out_${f%.nc}.nc 2> /dev/null >> log.txt'"),
        List.of(t.get(0), t.get(t.size() - 2), t.get(t.size() - 1)), t.toString());
    // a test that fails while planning: [[ ]] and (( )) as bash prints them
    Planning tested = planning("set -e\ntrap 'echo \"failed: $BASH_COMMAND\"' ERR\nf=in.nc\n[[ -f \"$f\" ]]\n");
    assertEquals(List.of("echo 'failed: [[ -f \"$f\" ]]'"), texts(tested));
    Planning counted = planning("set -e\ntrap 'echo \"failed: $BASH_COMMAND\"' ERR\nx=0\n(( x ))\n");
    assertEquals(List.of("echo 'failed: (( x ))'"), texts(counted));
  }

  /**
   * Under set -e an ERR trap runs where a failure stops the script, before the EXIT trap, with
   * that command's line as $LINENO and its status as $? (bash 5.2 prints the same): a job's once
   * the run stopped at it, a builtin's while planning; not for a command in a test or an || list,
   * nor, without set -E, for one in a function.
   */
  @Test
  void anErrTrapRunsWhereSetEStopsTheScript() throws Exception {
    String script = """
        set -e
        trap 'echo "err at $LINENO: $?"' ERR
        trap 'echo bye' EXIT
        ncks -m a.nc || echo "no a"
        if ! ncks -m b.nc; then echo "no b"; fi
        ncra in.nc out.nc
        ncwa out.nc gm.nc
        """;
    Planning stopped = planning(script);
    stopped.stop(5, 3); // ncra, line 6
    List<String> t = texts(stopped);
    assertEquals(List.of("echo 'err at 6: 3'", "echo bye"), t.subList(t.size() - 2, t.size()), t.toString());
    Planning ran = planning(script);
    ran.resume(step -> "", step -> 0);
    assertEquals("echo bye", texts(ran).get(texts(ran).size() - 1), "no failure: no ERR trap");
    assertTrue(texts(ran).stream().noneMatch(c -> c.contains("err at")), texts(ran).toString());

    // a builtin that fails, while planning: there and then, and the trap's exit is the script's
    Planning builtin = planning("set -e\ntrap 'echo \"err at $LINENO\"; exit 7' ERR\necho a\n[ -f nowhere ]\necho b\n");
    builtin.resume(step -> "", step -> 0); // the traps wait for the jobs: echo a might fail first
    assertTrue(builtin.done());
    assertEquals(List.of("echo a", "echo 'err at 4'"), texts(builtin));
    assertEquals(7, builtin.plan().exitStatus());

    // in a function: only under set -E, at the line in the function
    String inFunction = "trap 'echo \"err at $LINENO\"' ERR\nf() {\n  ncra $1 o.nc\n}\nf in.nc\n";
    Planning plain = planning("set -e\n" + inFunction);
    plain.stop(0, 1);
    assertTrue(texts(plain).stream().noneMatch(c -> c.contains("err at")), texts(plain).toString());
    Planning traced = planning("set -eE\n" + inFunction);
    traced.stop(0, 1);
    assertEquals("echo 'err at 4'", texts(traced).get(texts(traced).size() - 1), texts(traced).toString());
  }

  /** What bash would run the ERR trap for, that swamp cannot plan, is refused with its line. */
  @Test
  void anErrTrapThatCannotBePlannedIsRefused() {
    ScriptException none = assertThrows(ScriptException.class,
        () -> planning("trap 'echo failed' ERR\nncks -m a.nc\n"));
    assertEquals(2, none.line());
    assertTrue(none.problem().contains("without set -e"), none.getMessage());
    ScriptException sub = assertThrows(ScriptException.class,
        () -> planning("set -e\ntrap 'echo failed' ERR\n( cd . && ncks -m a.nc )\n"));
    assertTrue(sub.problem().contains("subshell"), sub.getMessage());
    ScriptException debug = assertThrows(ScriptException.class, () -> planning("trap 'echo x' DEBUG\n"));
    assertTrue(debug.problem().contains("DEBUG"), debug.getMessage());
  }
  /**
   * A count after {@code ncks -m "$f" || continue} in a loop ({@code (( n++ ))}, {@code k=$((k +
   * 1))}, {@code good+=("$f")}) waits for the job that decides the continue and counts only where
   * it is not taken, as bash's. It counted every iteration, the continue's too: "A 3" where bash
   * prints "A 2", and the list held the file that failed.
   */
  @Test
  void aCountAfterAContinueOnAJobCountsOnlyTheIterationsThatGetThere() throws Exception {
    Planning p = planning("""
        n=0; k=0; good=()
        for m in a b c; do
          ncks -m -v T $m.nc > /dev/null 2>&1 || continue
          (( n++ ))
          k=$((k + 1))
          good+=("$m.nc")
        done
        echo "A $n $k ${good[*]}"
        """);
    assertEquals("echo 'A 2 2 a.nc c.nc'", lastWhenFailing(p, "ncks -m -v T b.nc"));
  }
  /**
   * Two exit points in an iteration ({@code if ! ncks -m ...; then continue; fi}, then {@code
   * ncks -m -v T "$f" || continue}) and a value after them the walk waits for: it waits for what
   * decides the first, and where that is taken, jumps, without waiting for the job that decides
   * the second, which does not run then. It waited for both at once, the second never ran, and
   * the run ended there with status 0: "after" was never printed.
   */
  @Test
  void exitPointsAreDecidedOneAtATimeSoThatATakenOneDoesNotWaitForJobsItHoldsBack() throws Exception {
    Planning p = planning("""
        for f in nosuch.nc; do
          if ! ncks -m -v pr "$f" > /dev/null 2>&1; then echo "skipping $f"; continue; fi
          ncks -m -v T "$f" > /dev/null 2>&1 || continue
          ncwa -O -a lat,lon "$f" gm.nc
          v=$(ncks -H -v T gm.nc)
          echo "$v"
        done
        echo after
        """);
    List<String> texts = texts(p);
    assertEquals(List.of(0), p.awaits(), "the first check only: " + texts);
    p.resume(step -> "", step -> 1);
    assertTrue(p.done());
    texts = texts(p);
    assertEquals("echo after", texts.get(texts.size() - 1), texts.toString());
  }
  /**
   * A plain assignment after {@code ncks -m "$f" || continue} ({@code last=$f}) is made only in
   * the iterations bash gets to: read after the loop it names the last file that passed. It was
   * made in every iteration: "last good: nosuch.nc" where bash prints ccsm_02.nc.
   */
  @Test
  void anAssignmentAfterAContinueOnAJobHoldsTheLastIterationThatGotThere() throws Exception {
    Planning p = planning("""
        for f in ccsm_01.nc ccsm_02.nc nosuch.nc; do
          ncks -m "$f" > /dev/null 2>&1 || continue
          last=$f
        done
        echo "last good: $last"
        """);
    assertEquals("echo 'last good: ccsm_02.nc'", lastWhenFailing(p, "ncks -m nosuch.nc"));
  }
  /**
   * An ERR trap whose function prints {@code $(caller)} ('caller' is refused), at a job's failure
   * under set -e: the walk, planning the trap once the run stopped, was refused there and the run
   * dropped the rest of the trap without a word; the refusal is now the stop's, for the run to say.
   */
  @Test
  void aRefusalInTheTrapAtAStopIsSaid() throws Exception {
    Planning p = planning("""
        set -e
        err() { echo "error at line $1" >&2; echo "caller: $(caller)"; }
        trap 'err $LINENO' ERR
        ncks -O -v T nosuch.nc bad.nc
        v=$(ncks -H bad.nc)
        """);
    assertFalse(p.awaits().isEmpty());
    ScriptException e = assertThrows(ScriptException.class, () -> p.stop(0, 1));
    assertTrue(e.getMessage().contains("'caller' is not supported"), e.getMessage());
  }
}
