package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner runs bash's language; every planned command is the one bash would start. */
class PlannerTest {

  @TempDir
  Path dir;

  private Plan plan(String script, String... args) throws ScriptException {
    return Scripts.plan(dir, script, args);
  }

  /** The planned commands as shell text, one per command. */
  private List<String> texts(String script, String... args) throws ScriptException {
    return Scripts.texts(dir, script, args);
  }

  private ScriptException refused(String script) {
    return assertThrows(ScriptException.class, () -> plan(script));
  }

  // ------------------------------------------------------------ words and variables

  @Test
  void quotesAndEscapes() throws Exception {
    assertEquals(List.of("echo 'a b' c 'd e' '$x' f"), texts("x=1\necho 'a b' c \"d e\" '$x' f\\\n"));
    assertEquals(List.of("echo 'a\"b' 'x\\y' ''"), texts("echo \"a\\\"b\" 'x\\y' ''"));
  }

  @Test
  void variablesExpandAndSplitAsBashDoes() throws Exception {
    assertEquals(List.of("ncks -v T in.nc out.nc", "ncks '-v T' in.nc"),
        texts("opts='-v T'\nf=in.nc\nncks $opts ${f%.nc}.nc out.nc\nncks \"$opts\" $f\n"));
    assertEquals(List.of("echo dflt set 8 in T_avg .nc"),
        texts("v=set\nf=in.nc\ng=T_avg.nc\necho ${u:-dflt} ${v:-x} ${#g} ${f%.nc} ${g%.*} .${f##*.}\n"));
    assertEquals(List.of("echo x"), texts("empty=\necho $empty x $empty\n"));
    assertEquals(List.of("echo '' x"), texts("empty=\necho \"$empty\" x\n"));
    assertEquals(List.of("echo a_b.nc a-b.nc"), texts("x=a_b.nc\necho $x ${x/_/-}\n"));
  }

  @Test
  void environmentAndExport() throws Exception {
    Plan p = plan("export OMP_NUM_THREADS=2\nncks in.nc $HOME/out.nc\nFOO=bar ncra a.nc b.nc\n");
    assertEquals("ncks in.nc /home/sci/out.nc", p.commands().get(0).text());
    assertEquals(Map.of("OMP_NUM_THREADS", "2"), p.commands().get(0).env());
    assertEquals(Map.of("OMP_NUM_THREADS", "2", "FOO", "bar"), p.commands().get(1).env());
  }

  @Test
  void arrays() throws Exception {
    assertEquals(List.of("echo 3 b a b c", "echo a", "echo b", "echo c"),
        texts("m=(a b c)\necho ${#m[@]} ${m[1]} ${m[@]}\nfor x in \"${m[@]}\"; do echo $x; done\n"));
    assertEquals(List.of("echo a z"), texts("m=(a b)\nm[1]=z\necho ${m[*]}\n"));
  }

  @Test
  void arithmeticAndLet() throws Exception {
    assertEquals(List.of("echo 14 1 1 8"),
        texts("i=3\nlet j=i*4\n((j++))\n((k = j > 10 ? 1 : 0))\necho $((j+1)) $((j % 4)) $k $((2**3))\n"));
  }

  @Test
  void theOldArithmeticFormAsBashHasIt() throws Exception {
    assertEquals(List.of("echo 6 10 25"), texts("x=5\necho $[x+1] $[ (2 + 3) * 2 ] \"$[x*x]\"\n"));
  }

  @Test
  void braceExpansion() throws Exception {
    assertEquals(List.of("echo a.nc b.nc 01 02 03 x1 x3"), texts("echo {a,b}.nc {01..03} x{1..4..2}\n"));
    assertEquals(List.of("echo '{x}' '{a,b}'"), texts("echo {x} '{a,b}'\n"));
  }

  @Test
  void commandSubstitutionOfNameComputingCommands() throws Exception {
    assertEquals(List.of("ncks 01.nc 02.nc 03.nc"),
        texts("ncks $(for m in `seq 1 3`; do printf \"%02d.nc \" $m; done)\n"));
    assertEquals(List.of("echo in /data/x 7 c.nc"),
        texts("f=/data/x/in.nc\necho $(basename $f .nc) $(dirname $f) `expr 3 + 4` $(echo a.b.c.nc | cut -d. -f3-)\n"));
  }

  @Test
  void substitutionReadingAPlannedFileIsRefused() {
    ScriptException e = refused("ncks -H in.nc > v.txt\nv=$(cat v.txt)\n");
    assertEquals(2, e.line());
    assertTrue(e.problem().contains("v.txt") && e.problem().contains("earlier line"), e.getMessage());
  }

  // ------------------------------------------------------------ control flow

  @Test
  void loopsOfEveryForm() throws Exception {
    assertEquals(List.of("echo a1", "echo a2", "echo b1", "echo b2"),
        texts("for x in a b\ndo\n  for y in 1 2; do echo $x$y; done\ndone\n"));
    assertEquals(List.of("echo 0", "echo 1"), texts("for ((i=0; i<2; i++)); do echo $i; done\n"));
    assertEquals(List.of("echo 1", "echo 3"),
        texts("i=0\nwhile [ $i -lt 4 ]; do i=$((i+1)); if [ $i -eq 2 ]; then continue; fi; [ $i -eq 4 ] && break; echo $i; done\n"));
    assertEquals(List.of("echo 2"), texts("n=0\nuntil (( n >= 2 )); do let n++; done\necho $n\n"));
  }

  @Test
  void noclobberIsRefusedByName() throws Exception {
    // bash would refuse the second '>', swamp's job would overwrite: the script is refused first
    for (String option : List.of("set -C", "set -o noclobber", "set -euCo pipefail")) {
      ScriptException e = refused(option + "\necho a > f.txt\necho b > f.txt\n");
      assertEquals(1, e.line(), option);
      assertTrue(e.problem().contains("noclobber"), e.getMessage());
    }
    assertEquals(List.of("echo b"), texts("set +C\necho b >| f.txt\n").stream()
        .map(t -> t.replace(" > f.txt", "")).toList());
  }

  @Test
  void noglobLeavesGlobsAsWrittenAndItsDefaultExpandsThem() throws Exception {
    // 'set +o noglob', as a script writes to make sure that its globs expand, is bash's default
    Files.writeString(dir.resolve("a.nc"), "");
    Files.writeString(dir.resolve("b.nc"), "");
    for (String option : List.of("set +o noglob", "set +f", "set -e +f")) {
      assertEquals(List.of("echo a.nc b.nc"), texts(option + "\necho *.nc\n"), option);
    }
    for (String option : List.of("set -f", "set -o noglob", "set -euf")) {
      assertEquals(List.of("echo '*.nc'"), texts(option + "\necho *.nc\n"), option);
    }
  }

  @Test
  void breakAndContinueSucceedAsBashs() throws Exception {
    // the test that failed before them is not the loop's status: set -e goes on after the loop
    assertEquals(List.of("echo in a", "echo after 0"), texts("set -e\nfor x in a b; do\n"
        + "  [[ $x == a ]] || continue\n  echo in $x\ndone\necho after $?\n"));
    assertEquals(List.of("echo after 0"),
        texts("for x in a b; do [ $x = b ] && break; false; done\necho after $?\n"));
    assertEquals(List.of("echo 0", "echo after 0"), texts("i=0\nwhile (( i < 2 )); do\n"
        + "  (( i++ )) && { echo $?; continue; }\n  false || continue\ndone\necho after $?\n"));
  }

  /** Bash's shell variables are set from the start: {@code OLDIFS=$IFS ... IFS=$OLDIFS} splits again. */
  @Test
  void ifsAndTheShellsVariablesAreSetAsBashSetsThem() throws Exception {
    assertEquals(List.of("echo w=a", "echo w=b", "echo 1 1 '+ '"), texts("OLDIFS=$IFS\nIFS=,\nIFS=$OLDIFS\n"
        + "x='a b'\nfor w in $x; do echo w=$w; done\necho $OPTIND $OPTERR \"$PS4\"\n"));
    assertEquals(List.of("echo 3 1"), texts("echo ${#IFS} $SHLVL\n")); // space, tab, newline; no SHLVL before
  }

  /**
   * An arithmetic error abandons the script's command it is in, as bash's does, with bash's
   * message; in {@code (( ))} and {@code let} it is their status 1.
   */
  @Test
  void anArithmeticErrorIsBashsError() throws Exception {
    assertEquals(List.of(
        "printf %s $'script.sh: line 1: 10*1.5: syntax error: invalid arithmetic operator (error token is \".5\")\\n'",
        "echo after 1",
        "printf %s $'script.sh: line 3: 3 / 0 + 1: division by 0 (error token is \"0 + 1\")\\n'",
        "printf %s $'script.sh: line 4: ((: y=1/0: division by 0 (error token is \"0\")\\n'", "echo 'st 1'",
        "printf %s $'script.sh: line 5: let: z=5%0: division by 0 (error token is \"0\")\\n'", "echo 'let 1'",
        "printf %s $'script.sh: line 7: a b: syntax error in expression (error token is \"b\")\\n'"),
        texts("x=$((10*1.5)); echo same\necho after $?\nfor i in 1 2; do echo $(( 3 / 0 + 1 )); done\n"
            + "((y=1/0)); echo \"st $?\"\nlet z=5%0; echo \"let $?\"\nset -e\n: $((a b))\n"));
  }

  /** {@code readonly} holds, {@code export -n} and {@code declare +x} take a variable out of the environment. */
  @Test
  void readonlyAndUnexportAreBashs() throws Exception {
    assertEquals(List.of("printf %s $'script.sh: line 2: X: readonly variable\\n'", "echo X=1 1",
        "printf %s $'script.sh: line 4: unset: X: cannot unset: readonly variable\\n'", "echo 1",
        "printf %s $'script.sh: line 7: X: readonly variable\\n'"),
        texts("readonly X=1\nX=2; echo no\necho X=$X $?\nunset X\necho $?\nset -e\nX=3\necho not\n"));
    assertEquals(1, plan("readonly X=1\nset -e\nX=3\necho not\n").exitStatus(), "set -e stops there");
    Plan p = plan("export A=1 B=2 C=3\nexport -n A\ndeclare +x B\nncks in.nc out.nc\n");
    assertEquals(Map.of("C", "3"), p.commands().get(0).env());
  }

  /** Corners of bash the audit of 2026-12-06 found swamp reading otherwise. */
  @Test
  void returnOutsideAFunctionAndAScriptThatIsNotExecutableFailAsBashs() throws Exception {
    assertEquals(List.of("printf %s $'script.sh: line 1: return: can only `return\\' from a function or"
        + " sourced script\\n'", "echo after 2"), texts("return 5\necho after $?\n"));
    Files.writeString(dir.resolve("sub.sh"), "#!/bin/bash\necho inner\n"); // no chmod +x
    assertEquals(List.of("printf %s $'script.sh: line 1: ./sub.sh: Permission denied\\n'", "echo status 126"),
        texts("./sub.sh || echo status $?\n"));
    assertEquals(List.of("chmod +x sub.sh", "echo inner"), texts("chmod +x sub.sh\n./sub.sh\n"),
        "made executable by an earlier line: it runs");
  }

  /** {@code declare -p}, {@code declare -F} and {@code trap -p} print what bash prints (they printed nothing). */
  @Test
  void declarePAndTrapPPrintAsBashs() throws Exception {
    String script = """
        x='a "q" $d'
        declare -ai n=(5)
        n[3]=7
        declare -A m=([k]=v ["a b"]=w)
        readonly R=c; export R
        declare -p x n > state.sh
        declare -p m R nosuch
        echo st=$?
        f() { :; }
        declare -F f
        trap 'echo "it'\\''s done"' EXIT
        trap -p
        """;
    assertEquals(List.of("printf %s $'declare -- x=\"a \\\\\"q\\\\\" \\\\$d\"\\ndeclare -ai n=([0]=\"5\" [3]=\"7\")\\n' > state.sh",
        "printf %s $'declare -A m=([k]=\"v\" [\"a b\"]=\"w\" )\\ndeclare -rx R=\"c\"\\n'",
        "printf %s $'script.sh: line 7: declare: nosuch: not found\\n'", "echo st=1", "printf %s $'f\\n'",
        "printf %s $'trap -- \\'echo \"it\\'\\\\\\'\\'s done\"\\' EXIT\\n'", "echo 'it'\\''s done'"), texts(script));
  }

  /**
   * {@code cmd | read x}: bash's read runs in the pipeline's subshell, on what {@code cmd}
   * prints, and {@code x} is as before after it (swamp sent a job of a program 'read', which failed).
   */
  @Test
  void readAtAPipelinesEndSetsNothingAfterItAsBashs() throws Exception {
    assertEquals(List.of("echo 'x=b 0'", "echo 'p= 1'", "echo 0 0"),
        texts("x=b\necho 'a b' | read x y\necho \"x=$x $?\"\nprintf partial | read p\necho \"p=$p $?\"\n"
            + "printf '1\\n2\\n' | mapfile -t l\necho ${#l[@]} $?\n"));
  }

  /** {@code ${v@Q}}, {@code @E @U @u @L} and {@code ${!prefix*}} are bash's (they were refused). */
  @Test
  void transformationsAndNamesByPrefix() throws Exception {
    String script = """
        v="it's"
        a=(x 'y z')
        n=$'a\\nb'
        e=
        printf '%s|' ${v@Q} ${a[@]@Q} ${n@Q} ${e@Q} ${u@Q} ${v@U} ${v@u} ${v@L}
        w='a\\tb'
        run_b=2 run_a=1 runx=3
        echo "${w@E}" "${!run_*}"
        """;
    assertEquals(List.of("printf '%s|' ''\\''it'\\''\\'\\'''\\''s'\\''' ''\\''x'\\''' ''\\''y' 'z'\\''' '$'\\''a\\nb'\\''' ''\\'''\\''' 'IT'\\''S' 'It'\\''s' 'it'\\''s'",
        "echo $'a\\tb' 'run_a run_b'"), texts(script));
  }

  @Test
  void linksReplacedWithLnSfnAndPwdP() throws Exception {
    assertEquals(List.of("mkdir -p v1 v2", "ln -sfn v1 cur", "ln -sfn v2 cur", "echo in v2"),
        texts("mkdir -p v1 v2\nln -sfn v1 cur\nln -sfn v2 cur\ncd cur && echo in $(basename $(pwd -P))\n"));
    assertEquals(List.of("echo " + dir.toRealPath() + "/real"), texts("mkdir -p real\nln -s real l\ncd l\necho $(pwd -P)\n")
        .subList(2, 3));
  }

  @Test
  void extendedPatternsInDoubleBracketsAndTypeOfAFunction() throws Exception {
    assertEquals(List.of("echo yes"), texts("[[ ab == @(ab|cd) ]] && echo yes\n[[ ab == !(ab) ]] && echo no\n"));
    assertTrue(refused("f() { echo hi; }\ntype f\n").getMessage().contains("type -t f"));
    assertEquals(List.of("echo function"), texts("f() { echo hi; }\necho $(type -t f)\n"));
    assertTrue(refused("type ls | head -1\n").getMessage().contains("no program of its own"));
  }

  /** The EXIT trap's {@code $?} is the status the script exits with, {@code exit N}'s too. */
  @Test
  void theExitTrapSeesTheStatusOfExit() throws Exception {
    Plan p = plan("trap 'echo \"status $?\"' EXIT\ntrue\nexit 3\n");
    assertEquals(List.of("echo 'status 3'"), p.commands().stream().map(Plan.Command::text).toList());
    assertEquals(3, p.exitStatus());
    assertEquals(List.of("echo 'in 4'", "echo 'status 4'"), texts("trap 'echo \"status $?\"' EXIT\n"
        + "bash -c 'exit 4' 2>/dev/null || true\n(trap 'echo \"in $?\"' EXIT; exit 4)\n"));
  }

  /** {@code [ ]} of words that are no test: bash's error and status 2, and the script goes on. */
  @Test
  void aTestOfWordsThatAreNoTestFailsWithStatusTwo() throws Exception {
    List<String> t = texts("e=\n[ $e == ccsm ]; echo st=$?\n[ abc -gt 0 ]; echo st=$?\n[ -f a b ]; echo st=$?\n"
        + "[ a = b c ]; echo st=$?\nif [ \"\" -eq 0 ]; then echo yes; else echo no $?; fi\n[ ! a ]; echo st=$?\n");
    assertEquals(List.of("printf %s $'script.sh: line 2: [: ==: unary operator expected\\n'", "echo st=2",
        "printf %s $'script.sh: line 3: [: abc: integer expression expected\\n'", "echo st=2",
        "printf %s $'script.sh: line 4: [: a: binary operator expected\\n'", "echo st=2",
        "printf %s $'script.sh: line 5: [: too many arguments\\n'", "echo st=2",
        "printf %s $'script.sh: line 6: [: : integer expression expected\\n'", "echo no 2", "echo st=1"), t);
  }

  @Test
  void ifElifElseAndTests() throws Exception {
    assertEquals(List.of("echo two"),
        texts("x=2\nif [ $x = 1 ]; then echo one; elif test \"$x\" -eq 2 -a -n \"$x\"; then echo two; else echo other; fi\n"));
    assertEquals(List.of("echo yes"), texts("f=a.nc\nif [[ $f == *.nc && ! -z $f ]]; then echo yes; fi\n"));
    assertEquals(List.of("echo match nc"), texts("f=x.nc\n[[ $f =~ \\.(nc)$ ]] && echo match ${BASH_REMATCH[1]}\n"));
    // a pattern's quoted parts are literal, the rest still a pattern: is $f among the words of bad?
    assertEquals(List.of("echo in", "echo out"), texts("bad=(a/b.nc c.nc)\nfor f in a/b.nc d.nc; do\n"
        + "  if [[ \" ${bad[*]} \" == *\" $f \"* ]]; then echo in; else echo out; fi\ndone\n"));
    assertEquals(List.of("echo literal", "echo differs"), texts("[[ 'a*b' == \"a*b\" ]] && echo literal\n"
        + "[[ axb != \"a*b\" ]] && echo differs\n"));
  }

  /** The word of an unquoted {@code ${x:-word}} is split as the expansion's (bash 5.2 prints the same). */
  @Test
  void aDefaultValueIsSplitIntoWords() throws Exception {
    assertEquals(List.of("echo 3", "echo '[p q]'", "echo '[r]'", "echo 'a b c'", "echo 2 '1 2'"), texts("""
        MODELS=(${MODELS:-ccsm echam gfdl}); echo ${#MODELS[@]}
        for w in ${M:-"p q" r}; do echo "[$w]"; done
        x=${M:-"a b" c}; echo "$x"
        set -- ${N:+z} ${M:-y w}; echo $# "${N:-1 2}"
        """));
  }

  /** {@code md5sum -c MANIFEST} reads the files MANIFEST lists: it waits for what writes beside it. */
  @Test
  void aChecksumCheckWaitsForTheFilesBesideItsManifest() throws Exception {
    List<Plan.Command> c = plan("md5sum x.txt > M.md5\necho changed > x.txt\nmd5sum -c M.md5\n").commands();
    assertEquals(java.util.Set.of(1), c.get(2).dependsOn(), c.toString());
  }

  /** An assignment without a substitution is 0, whatever the last substitution gave (bash 5.2 prints the same). */
  @Test
  void anAssignmentAfterAFailedSubstitutionSucceeds() throws Exception {
    assertEquals(List.of("echo 'a.nc 1'"), texts("set -e\nx=$(false) || rc=$?\nf=a.nc\necho \"$f $rc\"\n"));
  }

  @Test
  void aFileAnEarlierLineWritesExists() throws Exception {
    // an NCO output is there only if its command succeeded: the test is decided by that job
    List<Plan.Command> c = plan("ncks -v T in.nc t.nc\nif [ -f t.nc ]; then ncra t.nc avg.nc; fi\n[ -e nope.nc ] || echo missing\n")
        .commands();
    assertEquals(List.of("ncks -v T in.nc t.nc", "status: 0 if #0 succeeds, else 1", "ncra t.nc avg.nc",
        "status: #2's if #1 succeeds, else 0", "echo missing"), c.stream().map(Plan.Command::text).toList());
    assertEquals(List.of(new Plan.Guard(1, true)), c.get(2).guards(), "ncra runs only where t.nc was made");
    assertEquals(List.of(), c.get(4).guards(), "nope.nc is not there, and no line writes it");
    assertRefused("[[ ]] && echo yes\n", 1, "'[[ ]]' is empty");
    // so is one in [[ ]], negated or not
    assertEquals(List.of("ncks -v T in.nc t.nc", "status: 1 if #0 succeeds, else 0", "echo missing",
        "status: #2's if #1 succeeds, else 0"), texts("f=t.nc\nncks -v T in.nc $f\nif [[ ! -f $f ]]; then echo missing; fi\n"));
    // where deciding by the job leaves a later line unplannable, the plan counts on the file
    assertEquals(List.of("ncra in.nc out.nc", "echo 'next 2'"),
        texts("ncra in.nc out.nc\n[ -f out.nc ] && n=1 || n=0\necho \"next $((n+1))\"\n"));
    // a link 'ln -s' makes is one
    assertEquals(List.of("ln -s in.nc l.nc", "echo link"), texts("ln -s in.nc l.nc\n[ -L l.nc ] && echo link\n"));
    // a loop's condition is decided while planning: it counts on the file, as the plan does
    assertEquals(List.of("ncks -O in.nc f.nc", "echo after"),
        texts("ncks -O in.nc f.nc\nwhile [ ! -f f.nc ]; do sleep 1; done\necho after\n"));
    // what is there whatever the job does is known now: a redirection's file, one there before
    assertEquals(List.of("ls > l.txt", "echo listed"), texts("ls > l.txt\n[ -f l.txt ] && echo listed\n"));
    Files.writeString(dir.resolve("real.nc"), "x");
    assertEquals(List.of("echo real", "rm real.nc"), texts("[ -s real.nc ] && echo real\nrm real.nc\n[ -f real.nc ] && echo still\n"));
  }

  @Test
  void functionsWithPositionalParameters() throws Exception {
    assertEquals(List.of("ncra a_1.nc a_2.nc a.nc", "echo 2 'x y'"),
        texts("avg() { local out=$1; shift; ncra \"$@\" $out; }\navg a.nc a_1.nc a_2.nc\n"
            + "n() { echo $# \"$*\"; }\nn x y\n"));
  }

  @Test
  void slicesOfThePositionalParametersCountFromDollarZero() throws Exception {
    // bash: "${@:2}" is $2 on, "${@: -1}" the last, "${@:1:2}" $1 and $2
    assertEquals(List.of("ncra a.nc 'b 2.nc' out.nc", "echo 'b 2.nc'", "echo out.nc a.nc"),
        texts("f() { ncra \"${@:2}\" \"$1\"; echo \"${@: -1}\"; echo \"${@:1:2}\"; }\n"
            + "f out.nc a.nc 'b 2.nc'\n"));
  }

  @Test
  void scriptArgumentsAndExit() throws Exception {
    Plan p = plan("echo $1 $#\nexit 3\necho never\n", "first");
    assertEquals(List.of("echo first 1"), p.commands().stream().map(Plan.Command::text).toList());
    assertEquals(3, p.exitStatus());
  }

  @Test
  void andOrOnJobsBecomeGuards() throws Exception {
    Plan p = plan("ncks in.nc a.nc && ncks a.nc b.nc\nncks x.nc y.nc || echo failed\nncks q.nc r.nc || exit 4\n");
    List<Plan.Command> c = p.commands();
    assertEquals(List.of(new Plan.Guard(0, true)), c.get(1).guards());
    assertEquals(List.of(new Plan.Guard(2, false)), c.get(3).guards());
    assertTrue(c.get(5).isExit());
    assertEquals(4, c.get(5).exitStatus());
    assertEquals(List.of(new Plan.Guard(4, false)), c.get(5).guards());
  }

  @Test
  void chainsOfOneOperatorGuardOnTheJobBefore() throws Exception {
    List<Plan.Command> c = plan("ncra a.nc b.nc && ncwa b.nc c.nc && ncks c.nc d.nc\nls x || ls y || ls z\n").commands();
    assertEquals(List.of(new Plan.Guard(0, true)), c.get(1).guards());
    assertEquals(List.of(new Plan.Guard(1, true)), c.get(2).guards()); // b ran only if a succeeded
    assertEquals(List.of(new Plan.Guard(4, false)), c.get(5).guards());
    // a mix: c runs if b failed or did not run; the status of 'a && b' is not 0 either way
    c = plan("ncra a.nc b.nc && ncwa b.nc c.nc || echo failed\nls x || ls y && ls z\n").commands();
    assertEquals(List.of(new Plan.Guard(0, true)), c.get(1).guards());
    assertEquals(List.of(new Plan.Guard(1, false, true)), c.get(2).guards());
    assertEquals(List.of(new Plan.Guard(3, false)), c.get(4).guards());
    assertEquals(List.of(new Plan.Guard(4, true, true)), c.get(5).guards());
  }

  @Test
  void anIfOnAJobPlansEachBranchUnderAGuardOnIt() throws Exception {
    List<Plan.Command> c = plan("if ncks -m -v T a.nc; then ncap2 -O a.nc b.nc; elif ncks -m c2.nc; then echo b;"
        + " else echo none; fi\nif ! ncks -m c.nc; then echo 'no c' >&2; exit 2; fi\n").commands();
    assertEquals(List.of(new Plan.Guard(0, true)), c.get(1).guards());
    assertEquals(List.of(new Plan.Guard(0, false)), c.get(2).guards()); // the elif's condition
    assertEquals(List.of(new Plan.Guard(2, true), new Plan.Guard(0, false)), c.get(3).guards(), "innermost first");
    assertEquals(List.of(new Plan.Guard(2, false), new Plan.Guard(0, false)), c.get(4).guards());
    assertTrue(c.get(5).isJoin(), c.get(5).text()); // the elif's status: #3's or #4's
    assertEquals(new Plan.Join(List.of(new Plan.Guard(2, true)), 3, 0, 4, 0, null, 0), c.get(5).join());
    assertEquals(new Plan.Join(List.of(new Plan.Guard(0, true)), 1, 0, 5, 0, null, 0), c.get(6).join());
    assertEquals(Set.of(1, 5), c.get(6).dependsOn(), "an if's status waits for its branches (and #5 for #0)");
    // 'if !' swaps the guards; its status without an else is 0 when the branch is not taken
    assertEquals(List.of(new Plan.Guard(7, false)), c.get(8).guards());
    assertTrue(c.get(9).isExit());
    assertEquals(new Plan.Join(List.of(new Plan.Guard(7, false)), 9, 0, -1, 0, null, 0), c.get(10).join());
    assertEquals("status: #9's if #7 fails, else 0", c.get(10).text());
    // a condition known while planning still picks its branch now, and two equal statuses need no join
    assertEquals(List.of("ncks -m a.nc", "ncks -m a.nc", "echo x"), texts("if [ -n x ]; then ncks -m a.nc; fi\n"
        + "if ncks -m a.nc; then :; else true; fi\necho x\n"));
  }

  @Test
  void aGuardedContinueOrBreakLeavesTheRestOfItsIterationOrLoop() throws Exception {
    List<Plan.Command> c = plan("for f in a b; do\n  ncks -m $f.nc || continue\n  ncap2 -O $f.nc o_$f.nc\ndone\n"
        + "for g in c d; do ncks -m $g.nc || break; echo $g; done\necho end\n").commands();
    assertTrue(c.get(1).loopExit(), c.get(1).text());
    assertEquals(3, c.get(1).exitScopeEnd(), "a's continue leaves the rest of a's iteration");
    assertEquals(Set.of(1), c.get(2).dependsOn(), "what follows it in the iteration waits for it");
    assertEquals(Set.of(), c.get(3).dependsOn(), "the next iteration does not");
    assertEquals(6, c.get(4).exitScopeEnd());
    assertEquals(12, c.get(7).exitScopeEnd(), "break leaves the rest of the loop");
    assertEquals(Set.of(7), c.get(9).dependsOn(), "d's iteration waits for c's break");
    assertEquals(Set.of(), c.get(12).dependsOn(), "what follows the loop does not");
    assertTrue(refused("for f in a b; do ncks -m $f.nc || continue 2; done\n").getMessage().contains("a plain 'continue' can be"));
    assertTrue(refused("for f in a b; do ( ncks -m $f.nc || continue ); done\n").getMessage().contains("not in a function, subshell"));
  }

  @Test
  void negationsBranchesAndSetEOnAJobsStatus() throws Exception {
    // '! cmd' on a job: 0 where cmd is not
    List<Plan.Command> c = plan("! ncks -m a.nc\necho $?\n").commands();
    assertEquals(new Plan.Join(List.of(), 0, 0, -1, 0, "-ne", 0), c.get(1).join());
    assertEquals(List.of("echo", "0"), c.get(2).withStatuses(s -> s == 1 ? 0 : 1, s -> Plan.Outcome.SUCCEEDED).argv());
    // $? in a branch: 0 in the one taken by the condition, the condition's in the other
    c = plan("if ncks -m a.nc; then :; else echo \"else $?\"; fi\nif ! ncks -m b.nc; then echo \"then $?\"; fi\n").commands();
    assertEquals(List.of("echo", "else 2"), c.get(1).withStatuses(s -> s == 0 ? 2 : 9, s -> Plan.Outcome.FAILED).argv());
    assertEquals("echo 'then 0'", c.get(4).text());
    // set -e: a builtin failing in a branch stops the script where that branch is taken
    c = plan("set -e\nif ncks -m a.nc; then echo yes; else false; fi\necho after\n").commands();
    assertTrue(c.get(2).isExit(), c.get(2).text());
    assertEquals(List.of(new Plan.Guard(0, false)), c.get(2).guards());
    assertEquals("echo after", c.get(c.size() - 1).text());
    // ${1:?message} of an unset parameter: bash prints it and stops, with 1
    Plan p = plan("ncks -m a.nc\nv=${1:?usage: script.sh VAR}\necho after\n");
    assertEquals(List.of("printf", "%s", "script.sh: line 2: 1: usage: script.sh VAR\n"), p.commands().get(1).argv());
    assertEquals(2, p.commands().size());
    assertEquals(1, p.exitStatus());
    // 'exit $?' after a command waits for it
    c = plan("ncks -m a.nc || { echo x; exit $?; }\n").commands();
    assertEquals(Set.of(1), c.get(2).dependsOn());
  }

  @Test
  void anIfOnAJobRefusesWhatWouldChangeThePlan() {
    assertRefused("if ncks -m a.nc; then\n  have=yes\nfi\n", 2, "'have=yes' after a command that runs as a job");
    assertRefused("if ncks -m a.nc; then\n  cd sub\nfi\n", 2, "'cd' after a command that runs as a job");
    assertRefused("while ncks -m a.nc; do echo; done\n", 1, "the condition of 'while' runs a command as a job");
  }

  @Test
  void theStatusOfAJobInAProgramsWordsIsFilledInByTheRun() throws Exception {
    List<Plan.Command> c = plan("ncks in.nc out.nc || echo \"failed: $?\"\nncks -m x.nc\necho \"x: $?\"\n").commands();
    assertEquals("echo 'failed: $?'", c.get(1).text());
    assertEquals(List.of("echo", "failed: 1"), c.get(1).withStatuses(step -> step == 0 ? 1 : 99, step -> Plan.Outcome.SUCCEEDED).argv());
    assertEquals(Set.of(2), c.get(3).dependsOn(), "'echo $?' waits for the job whose status it prints");
    assertEquals(List.of("echo", "x: 0"), c.get(3).withStatuses(step -> step == 2 ? 0 : 99, step -> Plan.Outcome.SUCCEEDED).argv());
    assertSame(c.get(0), c.get(0).withStatuses(step -> 1, step -> Plan.Outcome.FAILED));
  }

  @Test
  void aJobsStatusIsTestedAgainstZeroOnceItHasRun() throws Exception {
    List<Plan.Command> c = plan("ncra a.nc b.nc\nif [ $? -ne 0 ]; then echo failed; exit 1; fi\n"
        + "ncks -m x.nc\nrc=$?\n[[ \"$rc\" == 0 ]] && echo ok\n[ 0 -lt $rc ] || exit $rc\n").commands();
    assertEquals(new Plan.Join(List.of(), 0, 0, -1, 0, "-ne", 0), c.get(1).join(), "[ $? -ne 0 ]");
    assertEquals("status: 0 if #0's -ne 0, else 1", c.get(1).text());
    assertEquals(List.of(new Plan.Guard(1, true)), c.get(2).guards());
    assertTrue(c.get(4).isJoin(), "the if's own status: #3's (its exit) or 0");
    assertEquals(new Plan.Join(List.of(), 5, 0, -1, 0, "-eq", 0), c.get(6).join());
    assertEquals(List.of(new Plan.Guard(6, true)), c.get(7).guards());
    assertEquals(new Plan.Join(List.of(), 5, 0, -1, 0, "-gt", 0), c.get(8).join(), "[ 0 -lt $rc ] is [ $rc -gt 0 ]");
    assertEquals(Plan.Command.STATUS_OF + 5, c.get(9).exitStatus());
    assertEquals(List.of(new Plan.Guard(8, false)), c.get(9).guards());
    // (( )) on it, as a test against 0; arithmetic on a number still runs now
    c = plan("ncks -m x.nc\n(( $? != 0 )) && echo failed\nrc=$?\nif (( !rc )); then echo ok; fi\n(( 2 > 1 )) && echo yes\n")
        .commands();
    assertEquals(new Plan.Join(List.of(), 0, 0, -1, 0, "-ne", 0), c.get(1).join());
    assertEquals(new Plan.Join(List.of(), 2, 0, -1, 0, "-eq", 0), c.get(3).join(), "!rc: rc is the list's, echo's or (( ))'s");
    assertEquals("echo yes", c.get(c.size() - 1).text());
  }

  @Test
  void aGlobsMatchThatOnlyAJobsStatusWritesIsThereOnlyIfItsWriterSucceeds() throws Exception {
    Files.writeString(dir.resolve("a.nc"), "");
    Files.writeString(dir.resolve("b.nc"), "");
    Plan p = plan("for f in a.nc b.nc; do\n  if ncks -m -v T $f; then ncks -O $f t_$f; fi\ndone\n"
        + "ncrcat t_*.nc all.nc\nncks -O a.nc t_c.nc\nls t_*.nc\nfor f in t_*; do echo $f; done\n");
    List<Plan.Command> c = p.commands();
    Plan.Command rcat = c.get(6); // a.nc's check, its write, the if's status, b.nc's
    assertEquals("ncrcat t_a.nc t_b.nc all.nc", rcat.text());
    assertEquals(Set.of(1, 4), rcat.dependsOn());
    assertEquals(List.of("ncrcat", "t_b.nc", "all.nc"), rcat.withStatuses(s -> 0, s -> s == 4 ? Plan.Outcome.SUCCEEDED
        : s == 1 ? Plan.Outcome.NOT_RUN : Plan.Outcome.FAILED).argv());
    // none there: the pattern itself, as bash passes a glob that matches nothing
    assertEquals(List.of("ncrcat", "t_*.nc", "all.nc"), rcat.withStatuses(s -> 0, s -> Plan.Outcome.NOT_RUN).argv());
    assertEquals(List.of("t_a.nc only if #1 succeeds", "t_b.nc only if #4 succeeds",
        "'t_*.nc' only if none of: #1 succeeds or #4 succeeds"),
        rcat.argv().stream().map(Marks::whenThere).filter(w -> w != null).toList());
    // a file made whatever the statuses is there where its command succeeded
    assertEquals(List.of("ls", "t_a.nc", "t_c.nc"), c.get(8).withStatuses(s -> 0, s -> s == 7 || s == 1
        ? Plan.Outcome.SUCCEEDED : Plan.Outcome.FAILED).argv());
    // a loop over them counts on them, and the plan says so
    assertEquals(List.of("echo t_a.nc", "echo t_b.nc", "echo t_c.nc"), c.subList(9, 12).stream().map(Plan.Command::text).toList());
    assertEquals(2, p.assumed().size(), p.assumed().toString());
    assertTrue(p.assumed().get(0).endsWith("t_a.nc is planned as there; line 2 writes it only if 'ncks -m -v T a.nc' (line 2) succeeds"),
        p.assumed().get(0));
  }

  @Test
  void arithmeticConditionsAndCFormats() throws Exception {
    assertEquals(List.of("echo even 2", "echo even 4"),
        texts("for ((n=1; n<=4; n++)); do if (( n % 2 == 0 )); then echo even $n; fi; done\n"));
    assertEquals(List.of("echo 01 02 03 0.5 1e+06 x0.25"),
        texts("echo $(seq -f %02g 1 3) $(printf '%g %g' 0.5 1000000) $(seq -f x%.2f 0.25 1 0.25)\n"));
  }

  @Test
  void timeStampsAndRandomNumbersAsBashMakesThem() throws Exception {
    // printf's %(...)T is strftime's, in this machine's zone (UTC in CI and here)
    String zone = java.util.TimeZone.getDefault().getID();
    org.junit.jupiter.api.Assumptions.assumeTrue(zone.equals("UTC") || zone.equals("Etc/UTC") || zone.equals("GMT"), zone);
    assertEquals(List.of("echo '1981-03-07 04:05:06 066 Sat Mar 07 | %x'"),
        texts("printf -v s '%(%F %T %j %a %b %d)T' 352785906\necho \"$s | $(printf '%(%%)Tx')\"\n"));
    String year = texts("printf -v y '%(%Y)T' -1\necho $y\n").get(0);
    assertEquals("echo " + java.time.Year.now(java.time.ZoneOffset.UTC), year);
    java.util.Set<String> draws = new java.util.HashSet<>(texts("for i in 1 2 3 4; do echo $RANDOM; done\n"));
    assertTrue(draws.size() > 1, draws.toString());
    assertTrue(draws.stream().allMatch(d -> d.matches("echo [0-9]+") && Integer.parseInt(d.substring(5)) < 32768), draws.toString());
  }

  @Test
  void semicolonsAmpersandsCommentsAndSetOptions() throws Exception {
    Plan p = plan("#!/bin/bash\nset -ex\necho a; echo b & # both\nwait\nset +x\necho c\n");
    // set -x: each command's trace a job before it, up to 'set +x' itself
    assertEquals(List.of("printf %s $'+ echo a\\n'", "echo a", "printf %s $'+ echo b\\n'", "echo b",
        "printf %s $'+ wait\\n'", "printf %s $'+ set +x\\n'", "echo c"),
        p.commands().stream().map(Plan.Command::text).toList());
    assertTrue(p.commands().get(1).errexit());
  }

  @Test
  void setDashOTakesTheOptionsByTheirLongNames() throws Exception {
    Plan p = plan("set -o errexit -o xtrace\necho a\nset +o xtrace +o errexit -o pipefail\necho b\n");
    assertEquals(List.of("printf %s $'+ echo a\\n'", "echo a", "printf %s $'+ set +o xtrace +o errexit -o pipefail\\n'",
        "echo b"), p.commands().stream().map(Plan.Command::text).toList());
    assertTrue(p.commands().get(1).errexit());
    assertTrue(!p.commands().get(3).errexit());
  }

  @Test
  void aMovedOrCopiedDirectoryTakesItsFilesAlong() throws Exception {
    Files.createDirectories(dir.resolve("old"));
    Files.writeString(dir.resolve("old/x.nc"), "");
    Files.writeString(dir.resolve("in.nc"), "");
    List<String> texts = texts("mkdir -p run1\ncp in.nc run1/a.nc\nmv run1 done_run\nncra -O done_run/*.nc mean.nc\n"
        + "cp -r done_run copy\necho copy/*.nc\nmkdir keep\nmv old keep\necho keep/old/*\n");
    assertEquals("ncra -O done_run/a.nc mean.nc", texts.get(3));
    assertEquals("echo copy/a.nc", texts.get(5));
    assertEquals("echo keep/old/x.nc", texts.get(8), "a directory on disk moved into another");
  }

  @Test
  void aReturnAfterAJobEndsItsFunctionAndWhatFollowsInItWaitsForIt() throws Exception {
    Plan p = plan("f() {\n  ncks -O \"$1\" t.nc || { echo bad >&2; return 2; }\n  ncwa -O t.nc m.nc\n  echo done\n}\n"
        + "f a.nc || echo failed\nexit 0\n");
    List<Plan.Command> c = p.commands();
    assertEquals("exit 2", c.get(2).text());
    assertTrue(c.get(2).leavesSubshell(), "a return leaves only its function");
    assertEquals(5, c.get(2).exitScopeEnd(), "the caller goes on at 'echo failed'");
    assertTrue(c.get(4).dependsOn().contains(2), "'echo done' waits to know whether f returned");
  }

  @Test
  void aScriptWrittenFromAHereDocumentRunsAsTheCallersOwnLines() throws Exception {
    List<String> texts = texts("for m in 01 02; do\ncat > run_$m.sh <<EOF\nncks -O -v T in_$m.nc \\$1\nEOF\ndone\n"
        + "bash run_01.sh a.nc\nbash run_02.sh b.nc\ncat >> run_01.sh <<EOF\necho more\nEOF\nbash run_01.sh c.nc\n"
        + "ncks -H a.nc >> run_02.sh\nbash run_02.sh d.nc\n");
    assertEquals("ncks -O -v T in_01.nc a.nc", texts.get(2));
    assertEquals("ncks -O -v T in_02.nc b.nc", texts.get(3));
    assertEquals(List.of("ncks -O -v T in_01.nc c.nc", "echo more"), texts.subList(5, 7), "what was appended, too");
    assertEquals("bash run_02.sh d.nc", texts.get(8), "appended to by ncks: its text is not known, a job runs it");
  }

  @Test
  void waitForABackgroundCommandHasItsStatus() throws Exception {
    List<Plan.Command> c = plan("ncks -O a.nc b.nc &\np=$!\nncks -O c.nc d.nc &\nwait $p || echo failed\n"
        + "wait\necho $p\n").commands();
    assertEquals(List.of(new Plan.Guard(0, false)), c.get(2).guards(), "'|| echo' runs if the first ncks failed");
    assertEquals("echo " + (Background.FIRST + 0), c.get(3).text());
    assertTrue(refused("wait 12345\n").getMessage().contains("wait: 12345 is not a command this script ran with '&'"));
  }

  @Test
  void jobsAndWaitNKeepAScriptThatStartsAFewAtATimeAsBashRunsIt() throws Exception {
    // the usual way to run at most 2 at once: the same commands as without it
    List<String> throttled = texts("for m in 1 2 3 4 5; do\n  ncks -O in_$m.nc out_$m.nc &\n"
        + "  if (( $(jobs -r | wc -l) >= 2 )); then wait -n; fi\ndone\nwait\necho \"$(jobs -p | wc -l) left\"\n");
    assertEquals(List.of("ncks -O in_1.nc out_1.nc", "ncks -O in_2.nc out_2.nc", "ncks -O in_3.nc out_3.nc",
        "ncks -O in_4.nc out_4.nc", "ncks -O in_5.nc out_5.nc", "echo '0 left'"), throttled);
    // a loop that polls ends: asked again, the first one has ended
    assertEquals("echo done", texts("for m in 1 2 3; do ncks -O in_$m.nc o_$m.nc & done\n"
        + "while [ $(jobs -p | wc -l) -ge 2 ]; do :; done\necho done\n").get(3));
    List<Plan.Command> c = plan("ncks -O a.nc b.nc &\nncks -O c.nc d.nc &\njobs\nwait -n -p first\n"
        + "echo \"$first: $?\"\njobs -p\nwait -n; wait -n\necho $?\n").commands();
    assertEquals("printf %s $'[1]-  Running                 ncks -O a.nc b.nc &\\n"
        + "[2]+  Running                 ncks -O c.nc d.nc &\\n'", c.get(2).text());
    assertEquals("echo '" + Background.FIRST + ": $?'", c.get(3).text(), "wait -n: the first one's id and status");
    assertEquals(Set.of(0), Marks.marks(c.get(3).argv().get(1)));
    assertEquals("printf %s $'" + (Background.FIRST + 1) + "\\n'", c.get(4).text());
    assertEquals("echo 127", c.get(5).text(), "wait -n with none left");
    assertTrue(refused("sleep 1 &\njobs %1\n").getMessage().contains("no job specifications"));
  }

  @Test
  void xargsIsPlannedAsTheCommandsItWouldStart() throws Exception {
    Files.createDirectories(dir.resolve("in"));
    for (String f : List.of("a.nc", "b.nc", "c.nc")) {
      Files.writeString(dir.resolve("in").resolve(f), "");
    }
    List<Plan.Command> c = plan("ls in/*.nc | xargs -P 3 -I{} ncks -O -v T {} {}.T.nc\n"
        + "ls in/*.T.nc | xargs ncrcat -O -o all.nc > log.txt\nncks -O -v T in/c.nc.T.nc x.nc\n").commands();
    assertEquals(List.of("ncks -O -v T in/a.nc in/a.nc.T.nc", "ncks -O -v T in/b.nc in/b.nc.T.nc",
        "ncks -O -v T in/c.nc in/c.nc.T.nc"), c.subList(0, 3).stream().map(Plan.Command::text).toList());
    assertTrue(c.get(0).dependsOn().isEmpty() && c.get(1).dependsOn().isEmpty(), "side by side");
    assertEquals("status: 0 if #0 succeeds and #1 succeeds and #2 succeeds, else 123", c.get(3).text());
    assertEquals("ncrcat -O -o all.nc in/a.nc.T.nc in/b.nc.T.nc in/c.nc.T.nc > log.txt", c.get(4).text(),
        "ls saw the files the xargs before writes");
    assertEquals(Set.of(0, 1, 2), c.get(4).dependsOn());
    assertEquals(Set.of(2), c.get(6).dependsOn(), "what reads one output waits for its own command only");
    // the output is opened once: the commands after the first append to it
    List<String> logged = texts("printf 'a\\nb\\n' | xargs -n1 echo > log.txt\n");
    assertEquals(List.of("echo a > log.txt", "echo b >> log.txt"), logged.subList(0, 2));
    // set -e stops where a command of xargs failed, once they have all run
    List<Plan.Command> strict = plan("set -e\necho a b | xargs -n1 ncks -O -v T\necho after\n").commands();
    assertEquals("exit $? of #2", strict.get(3).text());
    assertEquals(List.of(new Plan.Guard(2, false)), strict.get(3).guards());
    assertTrue(refused("f() { :; }\necho a | xargs f\n").getMessage().contains("xargs runs programs, and 'f' is the script's function"));
    // a list in a file: '< list.txt' or -a, as 'done < list.txt' reads it
    Files.writeString(dir.resolve("w.txt"), "x\ny\n");
    List<String> fromFiles = texts("printf '%s\\n' a.nc 'b c.nc' > list.txt\nxargs -d '\\n' -n 1 ncks -m < list.txt\n"
        + "xargs -a w.txt echo\n");
    assertEquals(List.of("ncks -m a.nc", "ncks -m 'b c.nc'"), fromFiles.subList(1, 3));
    assertEquals("echo x y", fromFiles.get(4));
    assertTrue(refused("xargs echo\n").getMessage().contains("xargs here reads the script's standard input"));
  }

  @Test
  void gnuParallelIsPlannedAsTheCommandsItWouldGiveAShell() throws Exception {
    List<Plan.Command> c = plan("out=tas\nmkdir -p $out\nparallel -j 8 ncks -O -v T {} $out/{.}_T.nc ::: a.nc b.nc\n"
        + "ls $out/*.nc | parallel 'ncks -H -v T {} > {.}.txt; echo $out'\nparallel echo ::: x y > list.txt\n").commands();
    List<String> texts = c.stream().map(Plan.Command::text).toList();
    assertEquals(List.of("ncks -O -v T a.nc tas/a_T.nc", "ncks -O -v T b.nc tas/b_T.nc"), texts.subList(1, 3));
    assertEquals(Set.of(0), c.get(1).dependsOn());
    assertEquals(Set.of(0), c.get(2).dependsOn(), "side by side");
    assertEquals("status: 0 if #1 succeeds and #2 succeeds, else 1", texts.get(3));
    // a shell of its own: what the script did not export is not set there
    assertEquals(List.of("ncks -H -v T tas/a_T.nc > tas/a_T.txt", "echo", "ncks -H -v T tas/b_T.nc > tas/b_T.txt", "echo"),
        texts.subList(4, 8));
    assertEquals(Set.of(1), c.get(4).dependsOn(), "ls saw what the parallel before writes");
    assertEquals(List.of("true > list.txt", "echo x >> list.txt", "echo y >> list.txt"), texts.subList(9, 12),
        "its output is opened once");
    assertTrue(refused("parallel echo\n").getMessage().contains("parallel here reads the script's standard input"));
    // a glob over what earlier lines make: its matches as the plan counts on them, one command each
    List<String> globbed = texts("ncks -O a.nc x_1.nc\nncks -O b.nc x_2.nc\nparallel ncwa -O {} {.}.gm.nc ::: x_*.nc\n");
    assertEquals(List.of("ncwa -O x_1.nc x_1.gm.nc", "ncwa -O x_2.nc x_2.gm.nc",
        "status: 0 if #2 succeeds and #3 succeeds, else 1"), globbed.subList(2, globbed.size()));
  }

  @Test
  void aListAnEarlierLineWritesWithKnownTextIsReadWhilePlanning() throws Exception {
    Files.writeString(dir.resolve("a.nc"), "");
    Files.writeString(dir.resolve("b.nc"), "");
    List<String> texts = texts("ls *.nc > list.txt\nfor m in x y; do echo $m >> models.txt; done\n"
        + "while read -r f; do ncks -O \"$f\" \"t_$f\"; done < list.txt\nmapfile -t ms < models.txt\n"
        + "echo ${#ms[@]} $(cat list.txt models.txt | wc -l)\n");
    assertEquals("ncks -O a.nc t_a.nc", texts.get(3));
    assertEquals("ncks -O b.nc t_b.nc", texts.get(4));
    assertEquals("echo 2 4", texts.get(5));
    assertRefused("ncks -H a.nc > list.txt\nwhile read f; do echo $f; done < list.txt\n", 2,
        "an earlier line writes list.txt");
  }

  @Test
  void aScriptRunByShEchoesAsDashDoes() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Path.of("/bin/sh").toRealPath().getFileName().toString().equals("dash"), "/bin/sh is dash");
    Files.writeString(dir.resolve("sub.sh"), "echo \"file:\\t$1\"\necho -e x\n");
    List<Plan.Command> c = plan("sh sub.sh a.nc\nbash sub.sh a.nc\n").commands();
    assertEquals(List.of("printf", "%s", "file:\ta.nc\n"), c.get(0).argv(), "dash reads \\t");
    assertEquals(List.of("printf", "%s", "-e x\n"), c.get(1).argv(), "and has no -e");
    assertEquals(List.of("echo", "file:\\ta.nc"), c.get(2).argv(), "bash's echo does not");
  }

  @Test
  void aNumberAJobsStatusSetsIsKnownOnceItHasRun() throws Exception {
    Plan p = plan("rc=0\nfor f in a b; do ncks -m $f.nc || rc=4; done\nncks -m c.nc && rc=$?\n"
        + "[ \"$rc\" = 4 ] && echo four\nexit $rc\n");
    List<Plan.Command> c = p.commands();
    assertEquals(new Plan.Join(List.of(new Plan.Guard(0, false)), -1, 4, -1, 0, null, 0), c.get(1).join(), "4, else 0");
    assertEquals(new Plan.Join(List.of(new Plan.Guard(2, false)), -1, 4, 1, 0, null, 0), c.get(3).join(), "4, else #1's");
    assertEquals(new Plan.Join(List.of(new Plan.Guard(4, true)), 4, 0, 3, 0, null, 0), c.get(5).join());
    assertEquals(List.of(), c.get(5).guards(), "a variable's value is known whether its guards hold or not");
    assertEquals(new Plan.Join(List.of(), 5, 0, -1, 0, "-eq", 4), c.get(6).join());
    assertEquals(5, p.lastStep(), "exit $rc: the script's status is rc's");
    // unset before: what it was fills in as nothing, and no comparison holds for it
    c = plan("ncks -O a.nc t.nc || { rc=$?; echo \"failed: $rc\"; }\necho \"rc: $rc\"\n").commands();
    assertEquals(new Plan.Join(List.of(new Plan.Guard(0, false)), 0, 0, -1, Plan.Join.EMPTY, null, 0), c.get(1).join());
    assertEquals(List.of("echo", "rc: "), c.get(3).withStatuses(step -> step == 1 ? Plan.Join.EMPTY : 1, step -> Plan.Outcome.SUCCEEDED).argv());
    assertFalse(Plan.Join.compare(Plan.Join.EMPTY, "-ne", 0));
    assertTrue(refused("rc=x\nncks -O a.nc t.nc || rc=4\n").getMessage().contains("set it first ('rc=0'), to a number"));
    assertTrue(refused("msg=ok\nncks -O a.nc t.nc || msg=failed\n").getMessage().contains("'msg=failed' after a command"));
    assertTrue(refused("ncks -O a.nc t.nc || a[1]=4\n").getMessage().contains("an array element or '+='"));
    // a count: what it was plus K where the guards hold
    c = plan("n=0\nncks -m a.nc || n=$((n + 1))\nncks -m b.nc || (( n++ ))\nncks -m c.nc && (( n += 2 ))\n").commands();
    assertEquals(new Plan.Join(List.of(new Plan.Guard(0, false)), -1, 1, -1, 0, null, 0), c.get(1).join());
    assertEquals(new Plan.Join(List.of(new Plan.Guard(2, false)), 1, 1, 1, 0, null, 0), c.get(3).join());
    assertEquals("status: #1's + 1 if #2 fails, else #1's", c.get(3).text());
    assertEquals(new Plan.Join(List.of(), 1, 0, -1, 0, "-ne", 0), c.get(4).join(), "n++ gives 1 where n was 0");
    assertEquals(new Plan.Join(List.of(new Plan.Guard(5, true)), 3, 2, 3, 0, null, 0), c.get(6).join());
    assertTrue(refused("n=0\nncks -m a.nc || (( n *= 2 ))\n").getMessage().contains("only a count is planned"));
    c = plan("ncks -m a.nc || (( e++ ))\n").commands(); // unset counts from 0, and stays 0 where it does not count
    assertEquals(new Plan.Join(List.of(new Plan.Guard(0, false)), -1, 1, -1, 0, null, 0), c.get(1).join());
  }

  @Test
  void aChangeOfStateAfterAJobsAndOrIsRefused() throws Exception {
    assertTrue(refused("mkdir -p sub\nncks -O a.nc t.nc && cd sub\n").getMessage()
        .contains("'cd' after a command that runs as a job"));
    assertEquals(1, plan("[ -f a.nc ] || rc=1\nncks -O a.nc t.nc || true\n").commands().size(),
        "a test known while planning may set it; '|| true' sets nothing");
  }

  /**
   * {@code cp ../run_199*.nc .} whose glob matched nothing, or {@code mv gone.nc keep/}: cp and
   * mv fail on a source that is not there and that no earlier line writes, so a glob or {@code
   * ls} later in the script does not count a copy of it, as bash's would not.
   */
  @Test
  void aCopyOfASourceThatIsNotThereMakesNoFile() throws Exception {
    Files.writeString(dir.resolve("x.nc"), "");
    Files.createDirectories(dir.resolve("keep"));
    assertEquals("echo found 1", texts("cp ../cesm_tas_199*.nc .\nn=`ls -1 *.nc | wc -l`\n"
        + "echo found $n\n").get(1));
    assertEquals("echo 'keep/*' x.nc", texts("mv gone.nc keep/\ncp nope.nc y.nc\necho keep/* ?.nc\n").get(2));
    assertEquals("echo keep/x.nc keep/y.nc", texts("ncks -O x.nc y.nc\ncp x.nc y.nc keep\necho keep/*\n").get(2),
        "a source an earlier line writes is copied");
  }

  @Test
  void aCopyIntoANewNameMakesNoFileBeneathIt() throws Exception {
    Files.createDirectories(dir.resolve("stage"));
    Files.writeString(dir.resolve("stage/m1.nc"), "");
    assertEquals("echo backup/m1.nc", texts("cp -r stage backup\necho backup/*\n").get(1));
    Files.writeString(dir.resolve("in.nc"), "");
    assertEquals("echo two/a.nc 'one/*'", texts("mkdir one\ncp in.nc one/a.nc\nmv one two\necho two/* one/*\n").get(3),
        "no two/one");
  }

  @Test
  void exitWithTheStatusOfTheJobBeforeIt() throws Exception {
    Plan p = plan("ls no_such_dir || exit $?\nf() { ncks -O a.nc b.nc || return \"$?\"; }\nf\n");
    assertEquals("exit $? of #0", p.commands().get(1).text());
    assertEquals(Plan.Command.STATUS_OF, p.commands().get(1).exitStatus());
    assertEquals(Plan.Command.STATUS_OF + 2, p.commands().get(3).exitStatus());
    assertFalse(p.commands().get(1).leavesSubshell());
    assertTrue(p.commands().get(3).leavesSubshell(), "return $? ends the function");
  }

  @Test
  void anExtendedGlobWithoutExtglobIsRefusedByName() {
    assertTrue(refused("for f in !(*_clim).nc; do echo $f; done\n").getMessage()
        .contains("the extended glob pattern '!(...)' needs 'shopt -s extglob' on an earlier line"));
  }

  @Test
  void theScriptsStatusIsItsLastCommands() throws Exception {
    assertEquals(1, plan("echo hi\nfalse\n").exitStatus(), "a builtin's, known while planning");
    assertEquals(-1, plan("echo hi\nfalse\n").lastStep());
    Plan p = plan("ncks -O a.nc b.nc\necho done\n");
    assertEquals(1, p.lastStep(), "echo's, once it ran");
    assertEquals(0, plan("ncks -O a.nc b.nc\nexit 0\n").exitStatus());
    assertEquals(-1, plan("ncks -O a.nc b.nc\nexit 0\n").lastStep());
    assertEquals(0, plan("ncks -O a.nc b.nc\nexit\n").lastStep(), "a bare exit: the job's status");
  }

  @Test
  void anExitInASubshellEndsOnlyThatSubshell() throws Exception {
    Files.writeString(dir.resolve("a.nc"), "");
    Plan p = plan("( ncks a.nc b.nc || exit 4; echo x )\necho after\nncks b.nc c.nc || exit 5\n"
        + "ls *.nc | while read f; do ncks \"$f\" d.nc || exit 6; done\necho end\n");
    List<Plan.Command> c = p.commands();
    assertEquals("exit 4", c.get(1).text());
    assertTrue(c.get(1).leavesSubshell());
    assertEquals(3, c.get(1).exitScopeEnd(), "the script goes on at 'echo after'");
    assertEquals("exit 5", c.get(5).text());
    assertFalse(c.get(5).leavesSubshell(), "outside any subshell: it ends the script");
    List<Plan.Command> loop = c.stream().filter(k -> k.text().equals("exit 6")).toList();
    assertEquals(3, loop.size(), "a.nc, and b.nc and c.nc, which earlier lines write");
    assertTrue(loop.stream().allMatch(k -> k.exitScopeEnd() == c.size() - 1), "the loop's: where 'echo end' is");
  }

  @Test
  void setEInASubshellStopsOnlyThatSubshellInAScriptWithoutIt() throws Exception {
    List<Plan.Command> c = plan("( set -e; ncks a.nc b.nc; echo x )\necho after\n"
        + "( set -e; ( ncks a.nc c.nc; echo y ); echo z )\necho after2\n"
        + "set -e\n( ncks a.nc d.nc )\necho end\n").commands();
    assertEquals("ncks a.nc b.nc", c.get(0).text());
    assertEquals(2, c.get(0).failureScopeEnd(), "the script goes on at 'echo after'");
    assertEquals(6, c.get(3).failureScopeEnd(), "the inner subshell's failure stops the outer one, which says set -e too");
    assertEquals(-1, c.get(7).failureScopeEnd(), "under a set -e outside, it stops the script");
    assertTrue(c.get(7).errexit());
  }

  /**
   * {@code if bash sub.sh; then} where sub.sh says set -e: a shell of its own, whose set -e the
   * test around its call does not hold; what follows a command that may stop it waits for it, as
   * the sub-script's status (the if's) is its failure's, never its last line's.
   */
  @Test
  void aScriptRunInATestStopsAtItsOwnSetEFailure() throws Exception {
    Files.writeString(dir.resolve("sub.sh"), "set -e\nncra -O in_*.nc avg.nc\nncbo -O $1 avg.nc anom.nc\necho done\n");
    List<Plan.Command> c = plan("if bash sub.sh x_13.nc; then echo ok; else echo failed; fi\necho after\n").commands();
    assertEquals(List.of("ncra -O 'in_*.nc' avg.nc", "ncbo -O x_13.nc avg.nc anom.nc", "echo done"),
        c.subList(0, 3).stream().map(Plan.Command::text).toList());
    assertTrue(c.get(1).errexit() && c.get(1).failureScopeEnd() == 3, "its failure ends sub.sh only: " + c.get(1));
    assertTrue(c.get(2).dependsOn().contains(1), "'echo done' waits for what may stop sub.sh (ncbo waits for ncra): "
        + c.get(2).dependsOn());
    // in a script of its own under no test, set -e stops the whole script, and what follows runs alongside
    List<Plan.Command> top = plan("set -e\nncra -O in_*.nc avg.nc\nncbo -O x_13.nc avg.nc anom.nc\necho done\n").commands();
    assertFalse(top.get(2).dependsOn().contains(1), "the run stops at the first failure: " + top.get(2).dependsOn());
  }

  @Test
  void theExitTrapsCommandsAreMarkedToRunAfterAStopToo() throws Exception {
    Plan p = plan("set -e\ntrap 'rm -f tmp.nc; echo bye' EXIT\nncra -O a.nc b.nc tmp.nc\n"
        + "ncks -O tmp.nc c.nc || exit 3\n");
    assertEquals(List.of("ncra -O a.nc b.nc tmp.nc", "ncks -O tmp.nc c.nc", "exit 3", "rm -f tmp.nc",
        "echo bye"), p.commands().stream().map(Plan.Command::text).toList());
    assertEquals(3, p.trapFrom());
    assertFalse(p.inExitTrap(2));
    assertTrue(p.inExitTrap(3));
    assertEquals(2, plan("echo a\necho b\n").trapFrom(), "no trap: none of them");
  }

  @Test
  void aPipelineUnderPipefailFailsWithAnyOfItsStages() throws Exception {
    Plan p = plan("ncdump -h a.nc | head -3 > h1.txt\nset -o pipefail\nncdump -h a.nc | head -3 > h2.txt\n"
        + "ncks -O a.nc b.nc\nset +o pipefail\nncdump -h b.nc | head -3 > h3.txt\n");
    assertEquals(List.of(false, true, false, false),
        p.commands().stream().map(Plan.Command::pipefail).toList(), "only the pipeline it was on for");
  }

  // ------------------------------------------------------------ globs, cd, redirections, pipes

  @Test
  void globsSeeExistingAndPlannedFilesSorted() throws Exception {
    Files.writeString(dir.resolve("b_xy.nc"), "");
    Files.writeString(dir.resolve(".hidden_xy.nc"), "");
    assertEquals(List.of("ncks in.nc a_xy.nc", "ncks in.nc c_xy.nc", "ncea a_xy.nc b_xy.nc c_xy.nc avg.nc",
            "echo '*.none'"),
        texts("for m in a c; do ncks in.nc ${m}_xy.nc; done\nncea *_xy.nc avg.nc\necho *.none\n"));
    assertEquals(List.of("ls b_xy.nc b_xy.nc"), texts("ls [ab]_xy.nc ?_xy.nc\n"));
  }

  @Test
  void cdChangesTheDirectoryOfLaterLines() throws Exception {
    Plan p = plan("mkdir -p sub/dir\ncd sub/dir\nncks ../../in.nc t.nc\ncd -\nncks -H sub/dir/t.nc\n");
    List<Plan.Command> c = p.commands();
    assertEquals(dir.resolve("sub/dir").toString(), c.get(1).dir());
    assertEquals(List.of("printf", "%s", dir + "\n"), c.get(2).argv(), "'cd -' prints where it went, as bash's");
    assertEquals(dir.toString(), c.get(3).dir());
    assertEquals(Set.of(1), c.get(3).dependsOn()); // the reader waits for the writer in the other directory
    assertEquals(Set.of(0), c.get(1).dependsOn());
  }

  @Test
  void aCommandWaitsForTheMkdirOfTheDirectoryItRunsIn() throws Exception {
    Plan p = plan("mkdir -p logs/a\ncd logs/a\necho\npwd\npushd .. > /dev/null\npwd | wc -c\n");
    List<Plan.Command> c = p.commands();
    assertEquals(Set.of(0), c.get(1).dependsOn(), "echo, in logs/a, which mkdir makes");
    assertEquals(List.of("printf", "%s", dir.resolve("logs/a") + "\n"), c.get(2).argv(), "bash's pwd");
    assertEquals(List.of("printf", "%s\n", dir.resolve("logs").toString()), c.get(3).stages().get(0).argv());
    assertEquals(4, c.size(), "pushd sent to /dev/null prints nothing");
  }

  /** A subshell's pushd ends with it, and a script the script runs starts with no stack, as in bash. */
  @Test
  void theDirectoryStackIsTheShells() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    Files.writeString(dir.resolve("sub.sh"), "dirs\npushd /tmp > /dev/null\n");
    Plan p = plan("pushd a > /dev/null\n( pushd ../b > /dev/null; dirs )\nx=$(pushd ../b > /dev/null;"
        + " dirs)\nbash ../sub.sh\ndirs\npopd > /dev/null\npwd\n");
    List<Plan.Command> c = p.commands();
    String a = dir.resolve("a").toString();
    String b = dir.resolve("b").toString();
    assertEquals(List.of("printf", "%s", b + " " + a + " " + dir + "\n"), c.get(0).argv());
    assertEquals(List.of("printf", "%s", a + "\n"), c.get(1).argv(), "the script's own stack");
    assertEquals(List.of("printf", "%s", a + " " + dir + "\n"), c.get(2).argv(),
        "neither the subshell's, the substitution's nor sub.sh's pushd stayed");
    assertEquals(List.of("printf", "%s", dir + "\n"), c.get(3).argv(), "popd went back to the start");
  }

  /** {@code $(for ...; do echo ...; done | sort | head -1)}: the loop's output is the next stage's input. */
  @Test
  void aLoopPipedOnInsideASubstitution() throws Exception {
    assertEquals(List.of("echo 'largest: ccsm'", "echo n=3"), texts("""
        declare -A amp=([ccsm]=2.5 [echam]=0.7 [gfdl]=1.9)
        echo "largest: $(for s in "${!amp[@]}"; do echo "${amp[$s]} $s"; done | sort -gr | head -1 | cut -d' ' -f2)"
        n=$(while read -r l; do echo "$l"; done <<< "$(printf 'a\\nb\\nc\\n')" | wc -l)
        echo "n=$n"
        """));
  }

  @Test
  void aCommandSubstitutionThatWritesAFileNeverRunsWhilePlanning() throws Exception {
    Path data = dir.resolve("T.nc");
    Files.writeString(data, "untouched");
    ScriptException e = refused("msg=$(ncatted -h -a title,global,o,c,new T.nc 2>&1) || echo \"failed: $msg\"\n");
    assertTrue(e.waitsForJobs(), "it runs as a job, waited for: " + e.getMessage());
    assertEquals("untouched", Files.readString(data), "nothing ran while planning");
    assertTrue(refused("n=$(cp T.nc U.nc)\n").waitsForJobs());
    assertFalse(Files.exists(dir.resolve("U.nc")), "nothing ran while planning");
  }

  /**
   * A command substitution in a job's words that reads what an earlier job writes runs as jobs
   * of its own once that one has; what they print fills in the words. Elsewhere it is refused.
   */
  @Test
  void aSubstitutionOfWhatAJobWritesRunsAsJobsInTheWordsOfAJob() throws Exception {
    Plan p = plan("ncra in.nc out.nc\necho \"v: $(ncks -H out.nc 2> /dev/null || echo NA)\"\n");
    assertEquals(List.of("ncra in.nc out.nc", "ncks -H out.nc 2> /dev/null", "echo NA", "echo 'v: $(#1 #2)'"),
        p.commands().stream().map(Plan.Command::text).toList());
    assertEquals(java.util.Set.of(1, 2), p.substitutions());
    assertTrue(p.commands().get(3).dependsOn().contains(2) && p.commands().get(2).dependsOn().contains(1),
        "the echo waits for what fills it in");
    Plan.Command echo = p.commands().get(3).withStatuses(s -> 0, s -> Plan.Outcome.SUCCEEDED,
        s -> s == 1 ? "291.3\n\n" : null);
    assertEquals(List.of("echo", "v: 291.3"), echo.argv(), "its last newlines dropped, a step not run printed nothing");
    Plan.Command split = plan("ncra in.nc out.nc\necho $(ncks -m out.nc | grep float)\n").commands().get(2)
        .withStatuses(s -> 0, s -> Plan.Outcome.SUCCEEDED, s -> "  float T ;\n  float pr ;\n");
    assertEquals(List.of("echo", "float", "T", ";", "float", "pr", ";"), split.argv(), "unquoted: split into words");
    // nested: the inner one's output is in the outer echo's words, not in the outer's own
    Plan nested = plan("ncra in.nc out.nc\necho \"n: $(echo $(ncks -m out.nc | grep -c float))\"\n");
    assertEquals(List.of("ncra in.nc out.nc", "ncks -m out.nc | grep -c float", "echo '$(#1)'", "echo 'n: $(#2)'"),
        nested.commands().stream().map(Plan.Command::text).toList());
    // in a function's words, which it may pass on to a program (whose words must be known), the
    // walk waits for it (PlanningTest), also after an exit point (it waits for what decides that first)
    assertTrue(refused("ncra in.nc out.nc\nlog() { echo \"got: $*\"; }\nlog \"$(ncks -H out.nc)\"\n").waitsForJobs());
    assertTrue(refused("ncra in.nc out.nc\nlog() { echo \"got: $*\"; }\nncks -M in.nc && log \"$(ncks -H out.nc)\"\n")
        .waitsForJobs(), "under a guard too: ncks -M first");
    assertTrue(refused("ncra in.nc out.nc\nlog() { echo \"got: $*\"; }\n( ncks -M in.nc || exit 1\nlog \"$(ncks -H out.nc)\" )\n")
        .waitsForJobs(), "after an exit point: whether bash got there is known once ncks -M has run");
    assertTrue(refused("ncra in.nc out.nc\nv=$(ncks -H out.nc)\necho $v\n").getMessage()
        .contains("in a command substitution reads out.nc"));
  }

  @Test
  void aFileAnEarlierLineWritesHasNoSizeYet() throws Exception {
    assertEquals(List.of("true > empty.txt", "echo empty"), texts(": > empty.txt\n[ -s empty.txt ] && echo non-empty || echo empty\n"));
    ScriptException e = refused("ncks -M in.nc | grep missing_value > mv.txt\n[ -s mv.txt ] && echo has\n");
    assertTrue(e.getMessage().contains("'[ -s mv.txt ]' asks whether mv.txt is empty"), e.getMessage());
    assertEquals(List.of("ncks -O in.nc out.nc", "status: 0 if #0 succeeds, else 1", "echo written"),
        texts("ncks -O in.nc out.nc\n[ -s out.nc ] && echo written\n"), "an NCO output is never empty, and there once it succeeded");
  }

  @Test
  void ncoInputNamesOnStandardInputAndOtherOutputs() throws Exception {
    Plan p = plan("ls gm_0*.nc | ncrcat -O gm_all.nc\nncks -H gm_all.nc\nncgen -b grid.cdl\n"
        + "ncks -A -v area grid.nc x.nc\nncks -b out.bin -v T in.nc\ncat out.bin\n");
    List<Plan.Command> c = p.commands();
    assertEquals(Set.of(0), c.get(1).dependsOn(), "gm_all.nc is ncrcat's output");
    assertEquals(Set.of(2), c.get(3).dependsOn(), "ncgen -b grid.cdl writes grid.nc");
    assertEquals(Set.of(4), c.get(5).dependsOn(), "ncks -b writes out.bin");
  }

  @Test
  void redirectionsAreOutputsAndInputs() throws Exception {
    Plan p = plan("ncks -H -v T in.nc > t.txt 2>&1\nsort < t.txt >> all.txt\nncdump -h in.nc &> h.txt\n"
        + "ncks -m in.nc 2> err.txt | grep T | wc -l > n.txt\ncat n.txt all.txt\n");
    List<Plan.Command> c = p.commands();
    assertEquals(new swamp.protocol.Redirects(null, "t.txt", false, null, false, true), c.get(0).stages().get(0).redirects());
    assertEquals(new swamp.protocol.Redirects("t.txt", "all.txt", true, null, false, false), c.get(1).stages().get(0).redirects());
    assertEquals(new swamp.protocol.Redirects(null, "h.txt", false, null, false, true), c.get(2).stages().get(0).redirects());
    assertEquals(3, c.get(3).stages().size());
    assertEquals("err.txt", c.get(3).stages().get(0).redirects().stderr());
    assertEquals("n.txt", c.get(3).stages().get(2).redirects().stdout());
    assertNull(c.get(3).stages().get(1).redirects());
    assertEquals(Set.of(0), c.get(1).dependsOn());
    assertEquals(Set.of(1, 3), c.get(4).dependsOn());
    assertEquals("ncks -m in.nc 2> err.txt | grep T | wc -l > n.txt", c.get(3).text());
  }

  /**
   * A substitution's pipeline in a directory an earlier line makes ({@code mkdir work; cd work})
   * runs from the nearest one that is there: {@code wc -l} counts what the planned {@code ls}
   * prints. Where its words name a file, which would differ from there, it is refused.
   */
  @Test
  void aSubstitutionInADirectoryNotYetMadeCountsThePlannedFiles() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("list.txt"), "a\nb\n");
    assertEquals(List.of("mkdir -p work", "ncks -O -v T ../in_1.nc b_1.nc", "ncks -O -v T ../in_2.nc b_2.nc", "echo n=2"),
        texts("mkdir -p work\ncd work || exit 1\nfor i in 1 2; do ncks -O -v T ../in_$i.nc b_$i.nc; done\n"
            + "n=`ls *.nc | wc -l`\necho \"n=$n\"\n"));
    ScriptException e = refused("mkdir -p work\ncd work\nn=$(wc -l < /dev/null; wc -l ../list.txt)\n");
    assertTrue(e.getMessage().contains("names ../list.txt in " + dir.resolve("work")), e.getMessage());
  }

  /**
   * {@code paste <(ncks -H -s '%g\n' ...) <(...)}: a process substitution's scratch file holds all
   * it prints, its last blank lines too (NCO ends such a listing with two), and no newline it did
   * not print; they were dropped and added as {@code $(...)} and a here-string do, so paste read
   * fewer lines than bash's.
   */
  @Test
  void processSubstitutionFilesKeepTheLastNewlines() throws Exception {
    Plan p = plan("paste <(printf 'a\\n\\n\\n') <(printf b)\n");
    assertEquals("a\n\n\n", p.commands().get(0).stages().get(0).redirects().stdinText());
    List<String> t = texts("paste <(printf 'a\\n\\n\\n') <(printf b)\n");
    assertTrue(t.get(1).matches("printf %s b > \\.swamp-psub-[0-9]+-2"), t.toString());
  }

  /**
   * {@code diff <(ncdump -h a.nc) <(ncdump -h b.nc)}: each process substitution's text goes to a
   * scratch file by a job, the command reads those, and a last job removes them; where it reads
   * what a job writes, its text is waited for as a {@code $(...)}'s is.
   */
  @Test
  void processSubstitutionsAsWordsAreScratchFiles() throws Exception {
    List<String> t = texts("printf 'a\\nb\\n' > x.txt\ndiff <(echo a) <(echo a; echo b)\necho \"rc=$?\"\n");
    assertEquals(6, t.size(), t.toString());
    assertTrue(t.get(1).matches("cat <<EOF > \\.swamp-psub-[0-9]+-1"), t.toString());
    assertTrue(t.get(2).matches("cat <<EOF > \\.swamp-psub-[0-9]+-2"), t.toString());
    Plan texts = plan("diff <(echo a) <(echo a; echo b)\n");
    assertEquals("a\n", texts.commands().get(0).stages().get(0).redirects().stdinText());
    assertEquals("a\nb\n", texts.commands().get(1).stages().get(0).redirects().stdinText());
    assertTrue(t.get(3).matches("diff \\.swamp-psub-[0-9]+-1 \\.swamp-psub-[0-9]+-2"), t.toString());
    assertTrue(t.get(4).matches("rm -f \\.swamp-psub-[0-9]+-1 \\.swamp-psub-[0-9]+-2"), t.toString());
    Plan p = plan("diff <(echo a) <(echo b)\n");
    assertEquals(java.util.Set.of(0, 1), p.commands().get(2).dependsOn());
    assertEquals(java.util.Set.of(2), p.commands().get(3).dependsOn());
    assertTrue(refused("tee >(wc -l) < x.txt\n").getMessage().contains("('>(') is supported as a whole word"));
  }

  // ------------------------------------------------------------ case and read

  @Test
  void caseRunsTheFirstBranchThatMatchesAsBashDoes() throws Exception {
    // each expected line is what bash 5 prints for the same script
    String script = """
        for f in a.nc obs_01.nc obs_03.nc ccsm_01.nc 'x*' x.txt; do
          case $f in
            obs_*) echo obs $f ;&
            obs_0[12].nc) echo early $f ;;
            ccsm_*|echam_*) echo model $f ;;&
            ccsm_01.nc) echo first $f ;;
            "x*") echo star ;;
            (x.txt)
              echo paren
              ;;
            *) echo other $f
          esac
        done
        case nothing in a) echo no ;; esac
        echo status $?
        """;
    assertEquals(List.of("echo other a.nc", "echo obs obs_01.nc", "echo early obs_01.nc",
        "echo obs obs_03.nc", "echo early obs_03.nc", "echo model ccsm_01.nc",
        "echo first ccsm_01.nc", "echo star", "echo paren", "echo status 0"), texts(script));
    assertEquals(List.of("ncks -O in.nc fv.nc"),
        texts("m=$(basename /data/cesm.nc .nc)\ncase \"$m\" in\n  ccsm | cesm ) g=fv ;;\n  *) g=t63 ;;\n"
            + "esac\nncks -O in.nc $g.nc\n"));
  }

  @Test
  void readTakesTheLinesOfTheLoopsInputAsBashDoes() throws Exception {
    Files.writeString(dir.resolve("t.csv"),
        "# model,offset,kind\nccsm,0.5,warm\n  echam , -0.8,cold\ngfdl,1.1,hot,extra\nlast\\ one");
    String script = """
        while IFS=, read -r model offset kind || [ -n "$model" ]; do
          case $model in \\#*) continue ;; esac
          echo "[$model][$offset][$kind]"
        done < t.csv
        while read a b; do echo "<$a|$b>"; done < t.csv
        n=0
        while read -r; do n=$((n+1)); done < t.csv
        echo lines $n "[$REPLY]"
        printf '%s\\n' x y | while read v; do last=$v; echo got $v; done
        echo "after pipe [$last]"
        while read v; do last=$v; done < t.csv
        echo "after redirect [$last]"
        while read -a cols; do echo ${#cols[@]} ${cols[0]}; done < t.csv
        """;
    assertEquals(List.of("echo '[ccsm][0.5][warm]'", "echo '[  echam ][ -0.8][cold]'",
        "echo '[gfdl][1.1][hot,extra]'", "echo '[last\\ one][][]'", "echo '<#|model,offset,kind>'",
        "echo '<ccsm,0.5,warm|>'", "echo '<echam|, -0.8,cold>'", "echo '<gfdl,1.1,hot,extra|>'",
        "echo lines 4 '[last\\ one]'", "echo got x", "echo got y", "echo 'after pipe []'",
        "echo 'after redirect [gfdl,1.1,hot,extra]'", "echo 2 '#'", "echo 1 ccsm,0.5,warm",
        "echo 3 echam", "echo 1 gfdl,1.1,hot,extra"), texts(script));
  }

  @Test
  void underSetEAWhileLoopEndsWithTheStatusOfItsBody() throws Exception {
    // the condition that ends the loop fails, the loop does not: bash goes on after it
    Plan p = plan("set -e\ni=0\nwhile [ $i -lt 2 ]; do echo $i; i=$((i+1)); done\n"
        + "until [ $i -eq 0 ]; do i=$((i-1)); done\necho end\n");
    assertEquals(List.of("echo 0", "echo 1", "echo end"),
        p.commands().stream().map(Plan.Command::text).toList());
    assertEquals(0, p.exitStatus());
  }

  @Test
  void aPipelineIntoALoopReadsWhatItsCommandsPrint() throws Exception {
    Files.writeString(dir.resolve("b.nc"), "");
    Files.writeString(dir.resolve("a.nc"), "");
    Plan p = plan("ncks -O a.nc c.nc\nls *.nc | while read -r f; do ncwa -O $f avg_$f; done\n");
    assertEquals(List.of("ncks -O a.nc c.nc", "ncwa -O a.nc avg_a.nc", "ncwa -O b.nc avg_b.nc",
        "ncwa -O c.nc avg_c.nc"), p.commands().stream().map(Plan.Command::text).toList());
    assertEquals(Set.of(0), p.commands().get(3).dependsOn()); // c.nc is written by the first line
  }

  @Test
  void hereDocumentsAreTheTextTheirCommandsRead() throws Exception {
    // the texts are what bash 5 gives the same commands
    String script = """
        usage() {
          cat <<EOF
        usage: $0 model
        EOF
        }
        if [ $# -gt 5 ]; then usage; fi
        : <<'COMMENT'
        a comment with 'quotes' and $vars
        COMMENT
        var=T
        cat > anom.nco <<EOF
        ${var}_anom = $var - $var.avg();   // "quoted" \\$x \\"y\\" $(echo sub) $((1+2))
        cd "\\$(dirname "\\$0")/.." && echo \\`date "+%Y"\\`
        EOF
        cat > lit.nco <<'EOF'
        ${var}_anom = "$var";
        EOF
        \tcat >> lit.nco <<-END
        \t\ttab stripped $var
        \tEND
        grep -v '^#' <<< "$var here" | wc -l > n.txt
        read a b <<< "one two three"
        echo "[$a][$b]"
        while read m; do echo model $m; done <<LIST
        ccsm
        echam
        LIST
        x=$(cat <<EOF
        inner $var
        EOF
        )
        """;
    Plan p = plan(script);
    List<Plan.Command> c = p.commands();
    assertEquals(List.of("cat <<EOF > anom.nco", "cat <<EOF > lit.nco", "cat <<EOF >> lit.nco",
        "grep -v '^#' <<EOF | wc -l > n.txt", "echo '[one][two three]'", "echo model ccsm",
        "echo model echam"), c.stream().map(Plan.Command::text).toList());
    assertEquals("T_anom = T - T.avg();   // \"quoted\" $x \\\"y\\\" sub 3\n"
        + "cd \"$(dirname \"$0\")/..\" && echo `date \"+%Y\"`\n",
        c.get(0).stages().get(0).redirects().stdinText());
    assertEquals("${var}_anom = \"$var\";\n", c.get(1).stages().get(0).redirects().stdinText());
    assertEquals("tab stripped T\n", c.get(2).stages().get(0).redirects().stdinText());
    assertEquals("T here\n", c.get(3).stages().get(0).redirects().stdinText());
    assertEquals(Set.of(1), c.get(2).dependsOn()); // appends to what the line before wrote
    // a command substitution's here-document may hold quotes and parentheses of any count
    assertEquals(List.of("echo 'it'\\''s a (test) T'"),
        texts("v=T\nx=$(cat <<EOF\nit's a (test) $v\nEOF\n)\necho \"$x\"\n"));
  }

  @Test
  void readAndMapfileWithADelimiterTakeNulSeparatedNamesAsBashDoes() throws Exception {
    Files.writeString(dir.resolve("a b.nc"), "");
    Files.writeString(dir.resolve("c.nc"), "");
    // each expected line is what bash 5 prints (or runs) for the same script
    String script = """
        find . -name '*.nc' -print0 | sort -z | while IFS= read -r -d '' f; do
          ncks -O "$f" "out_${f#./}"
        done
        mapfile -d '' -t parts < <(printf 'p\\0q r\\0')
        echo "${#parts[@]} [${parts[1]}]"
        IFS=, read -r -d ';' a b <<< "x y,z;rest"
        echo "[$a] [$b]"
        read -r -p 'name? ' n <<< "given"
        echo "$n"
        """;
    assertEquals(List.of("ncks -O './a b.nc' 'out_a b.nc'", "ncks -O ./c.nc out_c.nc",
        "echo '2 [q r]'", "echo '[x y] [z]'", "echo given"), texts(script));
    ScriptException noDelimiter = refused("read -d <<< x\n");
    assertTrue(noDelimiter.getMessage().contains("read -d needs a delimiter"), noDelimiter.getMessage());
  }

  @Test
  void execIntoATeeKeepsACopyOfWhatReachesTheTerminalInTheLog() throws Exception {
    Files.writeString(dir.resolve("in.nc"), "");
    assertEquals(List.of("true >> run.log", "echo start 2>&1 | tee -a run.log",
        "ncks -O in.nc out.nc 2>&1 | tee -a run.log", "echo oops 2>&1 | tee -a run.log",
        "ls > list.txt 2>> run.log", "sort list.txt | uniq >> run.log 2>&1"), texts("""
        exec > >(tee -a run.log) 2>&1
        echo start
        ncks -O in.nc out.nc
        echo oops >&2
        ls > list.txt
        sort list.txt | uniq
        """));
    // without -a, tee empties the file as it starts: once, where the exec is
    assertEquals(List.of("true > run.log", "echo a | tee -a run.log", "echo b"), texts("""
        exec > >(tee run.log)
        echo a
        echo b >&2
        """));
    // a loop's output into a tee: its commands', as bash's
    assertEquals(List.of("true >> loop.log", "echo a | tee -a loop.log", "echo b | tee -a loop.log",
        "echo after"), texts("for x in a b; do echo $x; done > >(tee -a loop.log)\necho after\n"));
    assertRefused("exec > >(grep x > f)\n", 1, "is supported as 'exec > >(tee [-a] FILE)'");
    assertRefused("exec 2> >(tee err.log)\n", 1, "'2> >(tee err.log)' is not supported");
  }

  @Test
  void strictModeArrayIndicesMapfileLookupsAndGetoptsAsBashDoes() throws Exception {
    Files.writeString(dir.resolve("t.csv"), "a,1\nb,2\n");
    // each expected line is what bash 5 prints for the same script
    String script = """
        set -euo pipefail
        a=(x y z)
        a[7]=w
        for i in "${!a[@]}"; do echo "idx $i ${a[$i]}"; done
        ref=a
        echo "ind ${!ref}"
        mapfile -t lines < t.csv
        echo "n ${#lines[@]} [${lines[1]}]"
        readarray rows <<< "p"
        echo "rows ${#rows[@]} [${rows[0]}]"
        command -v sh > /dev/null || exit 3
        echo "$(type -t sh) $(type -t cd) $(command -v cd)"
        if ! command -v no-such-tool-x > /dev/null; then echo "missing ok"; fi
        while getopts ":i:o:vq" opt -v -i in.nc -qo out.nc -x -i; do
          case $opt in
            i) echo "in $OPTARG" ;;
            o) echo "out $OPTARG" ;;
            v|q) echo "flag $opt" ;;
            :) echo "missing arg for $OPTARG" ;;
            \\?) echo "unknown $OPTARG" ;;
          esac
        done
        echo "optind $OPTIND"
        set -- -a 1 rest
        OPTIND=1
        while getopts "a:" o; do echo "got $o $OPTARG"; done
        shift $((OPTIND-1))
        echo "left $@"
        """;
    assertEquals(List.of("echo 'idx 0 x'", "echo 'idx 1 y'", "echo 'idx 2 z'", "echo 'idx 7 w'",
        "echo 'ind x'", "echo 'n 2 [b,2]'", "echo $'rows 1 [p\\n]'", "echo 'file builtin cd'",
        "echo 'missing ok'", "echo 'flag v'", "echo 'in in.nc'", "echo 'flag q'",
        "echo 'out out.nc'", "echo 'unknown x'", "echo 'missing arg for i'", "echo 'optind 8'",
        "echo 'got a 1'", "echo 'left rest'"), texts(script));
    assertTrue(texts("echo $(command -v sh)\n").get(0).endsWith("/sh"));
    assertEquals(List.of(), texts("command -v no-such-tool-x > /dev/null || exit 3\n"));
    assertEquals(3, plan("command -v no-such-tool-x > /dev/null || exit 3\n").exitStatus());
  }

  @Test
  void theExitTrapIsPlannedLastWithTheValuesOfTheEnd() throws Exception {
    String script = """
        set -e
        tmp=work.tmp
        mkdir -p $tmp
        trap 'rm -rf "$tmp"; echo cleaned $tmp' EXIT
        trap 'echo interrupted; exit 1' INT TERM
        for m in a b; do echo $m > $tmp/$m.txt; done
        time -p cat $tmp/a.txt $tmp/b.txt > out.txt
        exit 4
        """;
    Plan p = plan(script);
    List<Plan.Command> c = p.commands();
    assertEquals(List.of("mkdir -p work.tmp", "echo a > work.tmp/a.txt", "echo b > work.tmp/b.txt",
        "cat work.tmp/a.txt work.tmp/b.txt > out.txt", "rm -rf work.tmp", "echo cleaned work.tmp"),
        c.stream().map(Plan.Command::text).toList());
    assertEquals(Set.of(3), c.get(4).dependsOn(), "the directory goes once what is in it was read");
    assertEquals(4, p.exitStatus());
    assertEquals(7, plan("trap 'exit 7' EXIT\necho a\n").exitStatus());
    assertEquals(List.of("echo a"), texts("trap 'echo never' EXIT\ntrap - EXIT\necho a\n"));
    assertRefused("echo a\ntrap 'echo $LINENO' DEBUG\n", 2, "trap on DEBUG is not supported");
    assertRefused("echo a\ntrap 'echo back' RETURN\n", 2, "under set -e, 'trap ... ERR' are supported;");
    // ERR: PlanningTest.anErrTrapRunsWhereSetEStopsTheScript; -E (errtrace) and -T only hand
    // ERR, DEBUG and RETURN traps on: without them, nothing
    assertEquals(List.of("echo a"), texts("set -Eeuo pipefail\nset -o errtrace -T\necho a\n"));
  }

  @Test
  void associativeArraysListTheirKeysInBashsOrder() throws Exception {
    // each expected line prints what bash 5.2 prints for the same script ("${a[@]}" makes one
    // word of each element): bash lists an associative array by its hash table's buckets, and
    // loops over one run in that order
    String script = """
        declare -A grid=([ccsm]=fv [echam]=t63 [gfdl]=cm2)
        grid[obs]=x
        grid[a]=1; grid[b]=2
        echo "keys ${!grid[@]}"
        echo "vals ${grid[@]}"
        echo "n ${#grid[@]} ${grid[echam]} ${#grid[echam]}"
        k=gfdl
        echo "k ${grid[$k]} ${grid[$k]:-none} ${grid[zz]:-none}"
        for m in "${!grid[@]}"; do echo "$m -> ${grid[$m]}"; done
        unset 'grid[a]'
        grid[a]=again
        echo "after ${!grid[@]}"
        declare -A units
        units+=([T]=K [pr]="mm/day")
        units[T]+=elvin
        echo "${units[T]} ${units[pr]}"
        declare -A count
        for v in T pr T T; do (( count[$v]++ )) || true; done
        echo "T=${count[T]} pr=${count[pr]}"
        f() { local -A loc=([x]=1); echo "loc ${!loc[@]}"; }
        f
        a=([2]=two [5]=five six)
        echo "${!a[@]} ${a[@]}"
        """;
    assertEquals(List.of("echo 'keys ccsm' b a echam gfdl obs",
        "echo 'vals fv' 2 1 t63 cm2 x",
        "echo 'n 6 t63 3'",
        "echo 'k cm2 cm2 none'",
        "echo 'ccsm -> fv'",
        "echo 'b -> 2'",
        "echo 'a -> 1'",
        "echo 'echam -> t63'",
        "echo 'gfdl -> cm2'",
        "echo 'obs -> x'",
        "echo 'after ccsm' b a echam gfdl obs",
        "echo 'Kelvin mm/day'",
        "echo 'T=3 pr=1'",
        "echo 'loc x'",
        "echo 2 5 '6 two' five six"), texts(script));
  }

  @Test
  void evalRunsItsTextAsLinesOfTheScript() throws Exception {
    // as bash 5: the words joined, then read again (quotes and expansions anew)
    assertEquals(List.of("ncks -v T,pr in.nc 'out file.nc'", "echo 3 b"),
        texts("opts='-v T,pr'\nout='\"out file.nc\"'\neval ncks $opts in.nc $out\n"
            + "eval 'a=(x y z); b=${a[1]/y/b}'\neval echo '${#a[@]}' \\$b\n"));
  }

  @Test
  void wordsSplitOnIfsAsBashSplitsThem() throws Exception {
    // each expected line prints what bash 5.2 prints for the same script
    String script = """
        list="a,,b, c ,d,"; IFS=,; for x in $list; do echo "[$x]"; done
        IFS=: ; p="/usr/bin::/bin"; for d in $p; do echo "<$d>"; done
        IFS=; v="a b"; for w in $v; do echo "($w)"; done
        unset IFS; v=" x  y "; for w in $v; do echo "{$w}"; done
        IFS=' ,'; v=" a , b,,c "; for w in $v; do echo "=$w="; done
        IFS=$'\\n'; lines=$(printf 'one two\\nthree\\n'); for l in $lines; do echo "|$l|"; done
        unset IFS; e=""; set -- $e x; echo "$#"
        """;
    assertEquals(List.of("echo '[a]'", "echo '[]'", "echo '[b]'", "echo '[ c ]'", "echo '[d]'",
        "echo '</usr/bin>'", "echo '<>'", "echo '</bin>'", "echo '(a b)'", "echo '{x}'",
        "echo '{y}'", "echo =a=", "echo =b=", "echo ==", "echo =c=", "echo '|one two|'",
        "echo '|three|'", "echo 1"), texts(script));
  }

  @Test
  void integerVariablesAndNullglobAsBashHasThem() throws Exception {
    // each expected line prints what bash 5.2 prints for the same script
    assertEquals(List.of("echo 7", "echo 12", "echo 13", "echo 'none: [' ']'",
        "echo 'back: [' '*.zz' ']'"), texts("""
        declare -i n=5; n+=2; echo $n
        n=3*4; echo $n
        declare -i m; m="n + 1"; echo $m
        shopt -s nullglob; for f in *.zz; do echo $f; done; echo "none: [" *.zz "]"
        shopt -u nullglob; echo "back: [" *.zz "]"
        """));
    assertRefused("shopt -s failglob\n", 1, "shopt -s failglob is not supported");
  }

  @Test
  void globstarAndDotglobMatchAsBashsDo() throws Exception {
    for (String d : List.of("d/sub/deep", "d/.hid", "e")) {
      Files.createDirectories(dir.resolve(d));
    }
    for (String f : List.of("d/a.nc", "d/sub/b.nc", "d/sub/deep/c.nc", "d/.hid/h.nc", "d/.x.nc",
        "top.nc", "e/f.txt")) {
      Files.writeString(dir.resolve(f), "");
    }
    Files.createSymbolicLink(dir.resolve("d/link"), Path.of("../e"));
    // each expected line is what bash 5.2 prints for the same script, in the same directory
    assertEquals(List.of(
        "echo 1: d d/a.nc d/link d/sub d/sub/b.nc d/sub/deep d/sub/deep/c.nc e e/f.txt out"
            + " out/new.nc top.nc",
        "echo 2: d/ d/a.nc d/link d/sub d/sub/b.nc d/sub/deep d/sub/deep/c.nc",
        "echo 3: d/a.nc d/sub/b.nc d/sub/deep/c.nc out/new.nc top.nc",
        "echo 4: d/ d/link/ d/sub/ d/sub/deep/ e/ out/",
        "echo 5: d/ d/link/ d/sub/ d/sub/deep/",
        "echo 6: d/.hid/h.nc d/.x.nc d/a.nc d/sub/b.nc d/sub/deep/c.nc",
        "echo 7: d/.x.nc d/a.nc out/new.nc"), texts("""
        mkdir -p out
        ncks top.nc out/new.nc
        shopt -s globstar
        echo 1: **
        echo 2: d/**
        echo 3: **/*.nc
        echo 4: **/
        echo 5: d/**/
        shopt -s dotglob
        echo 6: d/**/*.nc
        shopt -u globstar
        echo 7: **/*.nc
        """).subList(2, 9));
  }

  @Test
  void extendedGlobsMatchAsBashsDo() throws Exception {
    for (String f : List.of("ccsm_01.nc", "gfdl_01.nc", "echam_01.nc", "ccsm_01_zm.nc", "notes.txt",
        "run.log", "ccsm_02.tmp")) {
      Files.writeString(dir.resolve(f), "");
    }
    // each expected line is what bash 5.2 prints for the same script, in the same directory
    assertEquals(List.of("echo 1: ccsm_01.nc ccsm_01_zm.nc gfdl_01.nc",
        "echo 2: ccsm_02.tmp notes.txt run.log", "echo 3: ccsm_01.nc echam_01.nc gfdl_01.nc",
        "echo 4: ccsm_01.nc ccsm_01_zm.nc echam_01.nc gfdl_01.nc",
        "echo 5: ccsm_01.nc echam_01.nc gfdl_01.nc", "echo '6: model ccsm_01.nc'",
        "echo '6: scratch x.tmp'", "echo '6: other a_b'", "echo '7: ccsm_01 ccsm_01'",
        "echo '8: zonal'", "echo '9: not netcdf'"), texts("""
        shopt -s extglob
        echo 1: @(ccsm|gfdl)_*.nc
        echo 2: !(*.nc)
        echo 3: !(*_zm).nc
        echo 4: *_01?(_zm).nc
        echo 5: +([a-z])_01.nc
        for f in ccsm_01.nc x.tmp a_b; do
          case $f in
            @(ccsm|gfdl)_*.nc) echo "6: model $f" ;;
            *.@(tmp|bak)) echo "6: scratch $f" ;;
            *) echo "6: other $f" ;;
          esac
        done
        v=ccsm_01_zm.nc
        echo "7: ${v%%?(_zm).nc} ${v%@(_zm|_ym).nc}"
        [[ $v == *@(_zm|_ym).nc ]] && echo "8: zonal"
        [[ notes.txt == !(*.nc) ]] && echo "9: not netcdf"
        """));
    // a '*(' or '+(' of arithmetic is no pattern
    assertEquals(List.of("echo 8 8 8 2 3"), texts("""
        (( a = 2*(3+1) )); b=$((2*(3+1))); let "c = 2*(3+1)"; n=0
        for ((i = 0; i < 1+(1); i++)); do n=$((n+(1))); done
        echo $a $b $c $n $((1+(2)))
        """));
    // without shopt -s extglob bash takes it for a syntax error: refused, with the line
    assertRefused("echo start\nls @(a|b).nc\n", 2, "needs 'shopt -s extglob' on an earlier line");
    // one a value brings is a plain word then, as in bash; quoted, it is one anyway
    assertEquals(List.of("echo '@(a|b).nc' '!(x)' '*(y)'"), texts("v='@(a|b).nc'\necho $v '!(x)' \"*(y)\"\n"));
  }

  @Test
  void aScriptRunByTheScriptIsPlannedInAShellOfItsOwn() throws Exception {
    Path sub = dir.resolve("sub.sh");
    Files.writeString(sub, """
        #!/bin/bash
        model=$1
        n=$2
        inner=set
        echo "$0 $model $n ${secret:-nosecret} $OUT"
        f() { echo child-f; }
        f
        for ((i=1; i<=n; i++)); do echo "$model $i" >> $OUT/$model.txt; done
        trap 'echo "bye $model"' EXIT
        exit 0
        """);
    sub.toFile().setExecutable(true);
    // the echo lines print what bash 5.2 prints for the same two scripts
    List<String> texts = texts("""
        set -e
        export OUT=outdir
        mkdir -p $OUT
        secret=hidden
        f() { echo parent-f; }
        trap 'echo main done' EXIT
        for m in ccsm echam; do
          bash sub.sh $m 2
        done
        ./sub.sh gfdl 1
        x=$(bash sub.sh obs 0)
        echo "after: ${inner:-unset} $secret [$x]"
        f
        """);
    assertEquals(List.of("mkdir -p outdir", "echo 'sub.sh ccsm 2 nosecret outdir'", "echo child-f",
        "echo 'ccsm 1' >> outdir/ccsm.txt", "echo 'ccsm 2' >> outdir/ccsm.txt", "echo 'bye ccsm'",
        "echo 'sub.sh echam 2 nosecret outdir'", "echo child-f",
        "echo 'echam 1' >> outdir/echam.txt", "echo 'echam 2' >> outdir/echam.txt",
        "echo 'bye echam'", "echo './sub.sh gfdl 1 nosecret outdir'", "echo child-f",
        "echo 'gfdl 1' >> outdir/gfdl.txt", "echo 'bye gfdl'",
        "echo $'after: unset hidden [sub.sh obs 0 nosecret outdir\\nchild-f\\nbye obs]'",
        "echo parent-f", "echo main done"), texts);
    // a script installed on the PATH is a program: it runs as a job
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.copy(sub, bin.resolve("installed.sh"));
    bin.resolve("installed.sh").toFile().setExecutable(true);
    assertEquals(List.of(bin.resolve("installed.sh") + " ccsm 1", "bash bin/installed.sh ccsm 1"),
        texts("PATH=" + bin + ":/usr/bin\n" + bin.resolve("installed.sh") + " ccsm 1\n"
            + "bash bin/installed.sh ccsm 1\n"));
    // 'bash -c TEXT': TEXT is such a script, its $0 and arguments after it (bash 5.2 prints the
    // same); under sh, dash's echo
    assertEquals(List.of("echo 'A=1 B=unset 0=zero 1=one'", "ncks -O -v T in.nc t.nc", "printf %s $'made\\n'",
        "echo 'status 3'"), texts("""
        export A=1
        B=2
        bash -c 'echo "A=$A B=${B:-unset} 0=$0 1=$1"' zero one
        sh -c "ncks -O -v T in.nc t.nc && echo made"
        bash -c "exit 3" || echo "status $?"
        """));
  }

  @Test
  void arraysTakeTheOutputOfCommandSubstitutions() throws Exception {
    // a command substitution runs in a subshell, which puts the variables back as copies: what is
    // assigned after it must go to those. Each expected line prints what bash 5.2 prints.
    assertEquals(List.of("echo 2 2", "echo a_01.nc a_02.nc", "echo p z r", "echo k j u w"),
        texts("""
        x=($(echo 1 2)); echo ${#x[@]} ${x[1]}
        files=()
        for ((m = 1; m <= 2; m++)); do files+=("a_$(printf %02d $m).nc"); done
        echo "${files[@]}"
        a=(p q r); a[$(echo 1)]=z; echo ${a[@]}
        declare -A m; m[$(echo k)]=v; m=([$(echo j)]=w [k]=$(echo u)); echo ${!m[@]} ${m[@]}
        """));
  }

  // ------------------------------------------------------------ a compound's output, exec's

  @Test
  void aLoopsOutputGoesToItsFileInBashsOrder() throws Exception {
    // bash empties the file once, then each command writes after the last: a job empties it,
    // each command appends, and each waits for the one before
    Plan p = plan("for x in a b; do echo $x; ls $x; done > out.txt\ncat out.txt\n");
    assertEquals(List.of("true > out.txt", "echo a >> out.txt", "ls a >> out.txt", "echo b >> out.txt",
        "ls b >> out.txt", "cat out.txt"), p.commands().stream().map(Plan.Command::text).toList());
    assertEquals(List.of(Set.of(), Set.of(0), Set.of(1), Set.of(2), Set.of(3), Set.of(4)),
        p.commands().stream().map(Plan.Command::dependsOn).toList());
    assertEquals(List.of("true > o.txt", "true > e.txt", "echo a >> o.txt 2>> e.txt",
        "echo b >> e.txt 2>> e.txt", "ls 2>> e.txt | sort >> o.txt 2>> e.txt", "echo c > c.txt 2>> e.txt"),
        texts("{ echo a; echo b >&2; ls | sort; echo c > c.txt; } > o.txt 2> e.txt\n"));
    assertEquals(List.of("true >> log.txt", "echo a >> log.txt 2>&1", "true > e.txt",
        "ncks -H in.nc >> log.txt 2>> e.txt"),
        texts("if [ -n x ]; then echo a 2>&1; fi >> log.txt\n"
            + "while read f; do ncks -H $f; done <<< in.nc 2> e.txt >> log.txt\n"));
    // the target is opened where the compound starts, whatever the commands inside cd to
    Files.createDirectories(dir.resolve("sub"));
    assertEquals(List.of("true > list.txt", "echo x >> " + dir.resolve("list.txt")),
        texts("for d in sub; do cd $d; echo x; done > list.txt\n"));
    // a function's redirection holds at every call
    assertEquals(List.of("true >> log", "echo a >> log", "echo b >> log"), // made if missing, once
        texts("f() { echo $1; } >> log\nf a\nf b\n"));
  }

  @Test
  void aFunctionOrScriptCallTakesItsAssignmentsAndRedirections() throws Exception {
    Files.writeString(dir.resolve("sub.sh"), "#!/bin/bash\necho \"X=${X:-unset} Y=${Y:-unset}\" > \"$1\"\necho done\n");
    Plan p = plan("f() { echo \"${X:-unset}\"; }\nX=one f\nf\nX=two bash sub.sh o.txt > log.txt\nf 2> err.txt\n");
    assertEquals(List.of("echo one", "echo unset", "true > log.txt", "echo 'X=two Y=unset' > o.txt",
        "echo done >> log.txt", "true > err.txt", "echo unset 2>> err.txt"),
        p.commands().stream().map(Plan.Command::text).toList());
    assertEquals(Map.of("X", "one"), p.commands().get(0).env()); // exported to its commands, as bash does
    assertEquals(Map.of(), p.commands().get(1).env());
    assertEquals(Map.of("X", "two"), p.commands().get(3).env());
    // 'env X=... Y=... bash sub.sh': the same call, env's variables in its environment
    List<Plan.Command> viaEnv = plan("env X=three Y=four bash sub.sh e.txt\n").commands();
    assertEquals(List.of("echo 'X=three Y=four' > e.txt", "echo done"), viaEnv.stream().map(Plan.Command::text).toList());
    assertEquals(Map.of("X", "three", "Y", "four"), viaEnv.get(0).env());
    assertEquals(List.of("env", "-i", "X=1", "bash", "sub.sh", "e.txt"),
        plan("env -i X=1 bash sub.sh e.txt\n").commands().get(0).argv(), "an option: a job as written");
  }

  /**
   * A link an earlier line makes to a directory an earlier line makes is a directory, as bash's
   * test and cd see it: the commands after 'cd current' run in it, and 'cd ..' comes back.
   */
  @Test
  void aPlannedLinkToAPlannedDirectoryIsADirectory() throws Exception {
    List<Plan.Command> c = plan("""
        mkdir -p run_v1
        ln -s run_v1 current
        [ -d current ] && echo "current is a directory"
        [ -L current ] && echo "and a link"
        cd current
        ncks -O -v T ../in.nc T.nc
        cd ..
        echo done > after.txt
        """).commands();
    assertEquals(List.of("mkdir -p run_v1", "ln -s run_v1 current", "echo 'current is a directory'",
        "echo 'and a link'", "ncks -O -v T ../in.nc T.nc", "echo done > after.txt"),
        c.stream().map(Plan.Command::text).toList());
    assertEquals(dir.resolve("current").toString(), c.get(4).dir(), "ncks runs in the link");
    assertEquals(dir.toString(), c.get(5).dir(), "and 'cd ..' comes back");
    assertEquals(List.of("mkdir work", "ln -s ../in.nc work/in.nc"), texts("mkdir work\nln -s ../in.nc work/in.nc\n"
        + "[ -d work/in.nc ] && echo dir\n"), "a link to a file is no directory");
    // what is written through the link is the file under the directory: one file, in order
    Plan.Command ls = plan("mkdir -p run_v1\nln -s run_v1 current\nncks -O in.nc current/T.nc\n"
        + "ncks -O run_v1/T.nc copy.nc\n[ -f run_v1/T.nc ] && echo there\n").commands().get(3);
    assertEquals("ncks -O run_v1/T.nc copy.nc", ls.text());
    assertEquals(Set.of(2), ls.dependsOn(), "it reads what was written through the link");
  }

  /**
   * A link beside its directory, {@code ln -sfn 2000/06 out/latest}, lists what that directory holds,
   * and what reads through a link waits for what writes where it points: a glob through it listed a
   * link '06' that ln was taken to make inside a directory, as cp would, and {@code ls out/latest/}
   * (or {@code ncwa jan.nc} of {@code ln -s in.nc jan.nc}) ran before the command that writes there.
   */
  @Test
  void whatReadsThroughALinkSeesAndWaitsForWhereItPoints() throws Exception {
    List<Plan.Command> c = plan("mkdir -p out/2000/06\nncks -O -v T in.nc out/2000/06/T.nc\n"
        + "ln -sfn 2000/06 out/latest\nls out/latest/\necho out/latest/*\n").commands();
    assertEquals("echo out/latest/T.nc", c.get(4).text());
    assertTrue(c.get(3).dependsOn().contains(1), "ls waits for the ncks that writes there: " + c.get(3).dependsOn());
    Plan.Command gm = plan("ln -s in.nc jan.nc\nncap2 -O -s 'T=T*2' in.nc in.nc\nncwa -O jan.nc gm.nc\n").commands().get(2);
    assertTrue(gm.dependsOn().contains(1), "ncwa reads what ncap2 rewrote: " + gm.dependsOn());
  }

  /**
   * PIPESTATUS after one command is its status; after a pipeline, which runs as one job whose
   * stages' statuses are not known apart, it is refused with the line (it was empty, silently).
   */
  @Test
  void pipestatusIsACommandsStatusAndRefusedAfterAPipeline() throws Exception {
    assertEquals(List.of("echo '1 0'"), texts("false\nx=${PIPESTATUS[0]}\ntrue\necho \"$x ${PIPESTATUS[@]}\"\n"));
    assertRefused("ncks -m a.nc 2>&1 | tee log.txt\nrc=${PIPESTATUS[0]}\n", 2, "${PIPESTATUS[...]} after a pipeline");
    assertRefused("set -u\nls | wc -l\nif [[ ${PIPESTATUS[0]} != 0 ]]; then echo no; fi\n", 3, "set -o pipefail");
  }

  /** xargs starting a shell ({@code sh -c TEXT}, {@code bash sub.sh}): its commands, planned as that shell runs them. */
  @Test
  void xargsStartingAShellPlansItsCommands() throws Exception {
    assertEquals(List.of("ncra -O 'ccsm_0[1-3].nc' ccsm_jfm.nc", "ncra -O 'echam_0[1-3].nc' echam_jfm.nc",
        "status: 0 if #0 succeeds and #1 succeeds, else 123", "ncks -O -v T ccsm_jfm.nc t.nc"),
        texts("printf '%s\\n' ccsm echam | xargs -P 2 -I{} sh -c 'ncra -O {}_0[1-3].nc {}_jfm.nc'\n"
            + "ncks -O -v T ccsm_jfm.nc t.nc\n"));
    assertEquals(List.of("ncks -O in_a.nc out_a.nc", "ncks -O in_b.nc out_b.nc",
        "status: 0 if #0 succeeds and #1 succeeds, else 123"),
        texts("echo a b | xargs -n 1 bash -c 'ncks -O in_$0.nc out_$0.nc'\n"));
  }

  @Test
  void errorsGoWhereStdoutWentWhen2GreaterThanAnd1ComesFirst() throws Exception {
    // '2>&1 >> log': errors where the output was going (the terminal), the output to the log
    assertEquals(List.of("ncks -H a.nc >> log", "ncks -H b.nc > b.txt 2> a.txt", "ncks -H c.nc 2>&1 | grep x"),
        texts("ncks -H a.nc 2>&1 >> log\nncks -H b.nc > a.txt 2>&1 > b.txt\nncks -H c.nc 2>&1 | grep x\n"));
    // '|&' is '2>&1 |', after the command's own redirections
    assertEquals(List.of("ncks -H c.nc 2>&1 | tee log", "ncks -H c.nc > /dev/null 2>&1 | wc -l"),
        texts("ncks -H c.nc |& tee log\nncks -H c.nc > /dev/null |& wc -l\n"));
    // the errors into the pipe, the output elsewhere: refused with its line, before anything runs
    assertRefused("echo checking\nncks -m x.nc 2>&1 > /dev/null | head -1\n", 2, "'2>&1 > FILE |' before a pipe");
  }

  @Test
  void globsKeepATrailingSlashAndForgetWhatMvMoved() throws Exception {
    Files.createDirectories(dir.resolve("x/p"));
    Files.createDirectories(dir.resolve("x/q"));
    Files.writeString(dir.resolve("x/file.nc"), "");
    Files.writeString(dir.resolve("a.nc"), "");
    assertEquals(List.of("echo x/p/ x/q/ x/r/", "echo x/file.nc x/p x/q x/r"),
        texts("mkdir x/r\necho x/*/\necho x/*\n").subList(1, 3));
    assertEquals(List.of("mv a.nc b.nc", "ls b.nc"), texts("mv a.nc b.nc\nls *.nc\n"));
  }

  @Test
  void whatBashSaysOfUnsetVariablesOctalNumbersAndIfs() throws Exception {
    // set -u: bash stops at an unset variable; nothing runs
    assertEquals(List.of("echo ok"), texts("set -u\necho ${NOPE:-ok}\n"));
    // as bash: the lines before it run, then the error, and the script stops with 1
    Plan p = plan("set -u\necho a\necho \"x=$NOPE\"\necho never\n");
    assertEquals(List.of("echo a", "printf %s $'script.sh: line 3: NOPE: unbound variable\\n'"),
        p.commands().stream().map(Plan.Command::text).toList());
    assertTrue(p.commands().get(1).outputIsErrors());
    assertEquals(1, p.exitStatus());
    assertEquals(List.of("printf %s $'script.sh: line 2: $1: unbound variable\\n'", "echo after"),
        texts("set -o nounset\n( f() { echo $1; }; f )\necho after\n"), "a subshell's ends only it");
    // after a job's &&: the error and the stop where the job's status takes the script there
    List<Plan.Command> c = plan("set -u\nncks a.nc b.nc && echo $NOPE\necho next\n").commands();
    assertEquals("printf %s $'script.sh: line 2: NOPE: unbound variable\\n'", c.get(1).text());
    assertEquals(List.of(new Plan.Guard(0, true)), c.get(2).guards());
    assertEquals(1, c.get(2).exitStatus());
    assertEquals("echo next", c.get(3).text());
    assertRefused("set -u\nx=$(echo $NOPE)\n", 2, "NOPE: unbound variable");
    assertEquals(List.of("echo 0"), texts("set -u\necho \"$@\" $#\n")); // "$@" is never unbound
    // a leading 0 is octal, in a variable too: 010 is 8, 08 is an error bash names
    assertEquals(List.of("echo 9 8"), texts("m=010\necho $((m + 1)) $((10#08))\n"));
    // as bash does: the command it is in (the loop, a function's call, a subshell) is abandoned
    // with bash's error, its status 1, and the script goes on, set -e or not
    Plan octal = plan("set -e\nfor mm in 07 08 09; do echo \"n=$((mm + 1))\"; done\necho \"after: $?\"\n"
        + "f() { echo in; x=$((08)); echo never; }\nf\n(x=$((09)); echo never)\necho \"end: $?\"\n");
    String error = "printf %%s $'script.sh: line %d: %s: value too great for base (error token is \"%s\")\\n'";
    assertEquals(List.of("echo n=8", String.format(error, 2, "08", "08"), "echo 'after: 1'", "echo in",
        String.format(error, 4, "08", "08"), String.format(error, 6, "09", "09")),
        octal.commands().stream().map(Plan.Command::text).toList(), "the subshell's status, 1, ends it under set -e");
    assertEquals(1, octal.exitStatus());
    // where bash gets only by a job's status, or inside $(...), it is refused
    assertRefused("ncks -m a.nc && echo $((08 + 1))\n", 1, "value too great for base (error token is \"08\")");
    assertRefused("v=$(echo $((08 + 1)))\n", 1, "value too great for base");
    // "${a[*]}" and "$*" join with IFS's first character
    assertEquals(List.of("echo x,y,z p:q"), texts("a=(x y z)\nIFS=,\nA=\"${a[*]}\"\nIFS=:\nset -- p q\necho $A \"$*\"\n"));
  }

  @Test
  void printfWhatOnlyBashsPrintfKnowsIsPrintedWhilePlanning() throws Exception {
    // the job runs the system's printf; %q and %(...)T are bash's builtin's
    Plan p = plan("printf '%q\\n' \"a b'c\" > q.txt\nprintf '%s\\n' plain > p.txt\n");
    assertEquals(List.of("printf", "%s", "a\\ b\\'c\n"), p.commands().get(0).stages().get(0).argv());
    assertEquals(List.of("printf", "%s\\n", "plain"), p.commands().get(1).stages().get(0).argv());
    assertEquals(List.of("echo", "s=[hi        |]", "v=[      3.14|00042|x                   |]"), plan(
        "s=$(printf '%-10s|' hi)\nprintf -v v '%10.2f|%05d|%-20s|' 3.14159 42 x\necho \"s=[$s]\" \"v=[$v]\"\n")
        .commands().get(0).argv());
    assertEquals(List.of("echo", "x\\ y", "''"),
        plan("echo \"$(printf %q 'x y')\" \"$(printf %q '')\"\n").commands().get(0).argv());
  }

  @Test
  void lsByTimeInASubstitutionAsksTheRealLs() throws Exception {
    Files.writeString(dir.resolve("restart_1.nc"), "");
    Files.writeString(dir.resolve("restart_2.nc"), "");
    Files.setLastModifiedTime(dir.resolve("restart_1.nc"), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
    assertEquals(List.of("ncks restart_2.nc out.nc"), texts("ncks $(ls -t restart_*.nc | head -1) out.nc\n"));
    assertRefused("echo\nncks a.nc restart_3.nc\nlast=$(ls -t restart_*.nc | head -1)\n", 3, "which an earlier line of the script writes");
  }

  @Test
  void theVariablesBashSetsAndDeclaresOptions() throws Exception {
    assertEquals(List.of("echo 'f main' script.sh linux-gnu", "echo 'g f main'"),
        texts("g() { echo \"${FUNCNAME[*]}\"; }\nf() { echo \"${FUNCNAME[*]}\" ${BASH_SOURCE[0]} $OSTYPE; g; }\nf\n"));
    assertEquals(List.of("echo ccsm4 GFDL"), texts("declare -l m=CCSM4\ndeclare -u n\nn=gfdl\necho $m $n\n"));
    assertRefused("f() { local -n r=$1; r=x; }\nf out\n", 1, "name reference");
    assertEquals(List.of("echo set", "echo ma"),
        texts("x=1; declare -A m=([a]=1)\n[[ -v x ]] && [[ ! -v y ]] && echo set\n[ -v 'm[a]' ] && [ ! -v 'm[b]' ] && echo ma\n"));
    Plan p = plan("set -a\nX=1\nset +a\nY=2\necho $X $Y\n");
    assertEquals(Map.of("X", "1"), p.commands().get(0).env());
    assertEquals(List.of("echo nc"), texts("k=$(case x.nc in *.nc) echo nc ;; *) echo other ;; esac)\necho $k\n"));
  }

  @Test
  void aLoopPipedIntoCommandsWritesAScratchFileTheyRead() throws Exception {
    Plan p = plan("for m in b a; do echo $m; x=1; done | sort -u > models.txt\necho ${x:-unset}\n");
    List<String> texts = p.commands().stream().map(Plan.Command::text).toList();
    String scratch = texts.get(0).substring("true > ".length());
    assertTrue(scratch.startsWith(".swamp-pipe-"), texts.toString());
    assertEquals(List.of("true > " + scratch, "echo b >> " + scratch, "echo a >> " + scratch,
        "sort -u < " + scratch + " > models.txt", "rm -f " + scratch, "echo unset"), texts);
    assertEquals(Set.of(2), p.commands().get(3).dependsOn()); // sort reads what the loop wrote
    // a loop in between: what is before it its input, what is after it reading what it wrote
    List<String> between = texts("printf '%s\\n' b a | while read m; do echo \"$m 1\"; done | sort -k1,1 > ranked.txt\n");
    assertTrue(between.get(1).equals("echo 'b 1' >> " + between.get(0).substring("true > ".length()))
        && between.get(3).startsWith("sort -k1,1 < .swamp-pipe-") && between.get(3).endsWith(" > ranked.txt"),
        between.toString());
    assertRefused("for m in a; do echo $m; done | while read x; do echo $x; done\n", 1, "side by side");
    // a loop at both ends, a command between: the last reads what the others wrote, once it is written
    assertTrue(refused("for m in b a; do ncks -M $m.nc; done | sort | while read x; do echo $x; done\n")
        .waitsForJobs());
  }

  /**
   * A call of the script's function as a pipeline's first stage runs in a subshell, as bash's:
   * its jobs write a scratch file the rest of the pipeline reads; after the first stage it is
   * refused.
   */
  @Test
  void aFunctionAsAPipelinesFirstStageWritesAScratchFileTheRestReads() throws Exception {
    Plan p = plan("floats() { ncks -m \"$1\" | grep -c float; x=1; }\nfloats in.nc | sed 's/^/n=/'"
        + " > n.txt\necho ${x:-unset}\n");
    List<String> texts = p.commands().stream().map(Plan.Command::text).toList();
    String scratch = texts.get(0).substring("true > ".length());
    assertTrue(scratch.startsWith(".swamp-pipe-"), texts.toString());
    assertEquals(List.of("true > " + scratch, "ncks -m in.nc | grep -c float >> " + scratch,
        "sed 's/^/n=/' < " + scratch + " > n.txt", "rm -f " + scratch, "echo unset"), texts);
    assertEquals(Set.of(1), p.commands().get(2).dependsOn()); // sed reads what the function wrote
    assertRefused("f() { echo $1; }\nls | f\n", 2, "function 'f' after the first stage of a pipeline");
  }

  @Test
  void errorsSentToTheTerminalsOutputAndFilesAppendedToAsBashOpensThem() throws Exception {
    Plan p = plan("ls a 2>&1 >> log\n{ ls b; } 2>&1\nif false; then echo x; fi >> made.log\n"
        + "trap 'echo trap' EXIT\nfor i in 1; do exit 3; done > loop.txt\n");
    assertEquals(List.of("ls a >> log", "ls b 2>&1", "true >> made.log", "true > loop.txt", "echo trap >> loop.txt"),
        p.commands().stream().map(Plan.Command::text).toList());
    assertTrue(p.commands().get(0).errorsAreOutput()); // its errors: on the terminal's output
    Plan usage = plan("{ echo usage; echo more; } >&2\n");
    assertTrue(usage.commands().stream().allMatch(Plan.Command::outputIsErrors), "a usage text goes to stderr");
    assertEquals(3, p.exitStatus());
  }

  @Test
  void execSendsTheRestOfTheScriptsOutputToAFile() throws Exception {
    assertEquals(List.of("true > run.log", "echo a >> run.log 2>> run.log", "true > sub.txt 2>> run.log",
        "echo b >> sub.txt 2>> run.log", "echo c >> run.log 2>> run.log"),
        texts("exec > run.log 2>&1\necho a\n( exec > sub.txt; echo b )\necho c\n"));
    assertRefused("echo a\nexec < list.txt\n", 2, "redirection '<' of a compound command or 'exec'");
    assertRefused("exec ncks in.nc\n", 1, "'exec' is not supported");
  }

  @Test
  void aRedirectionAloneCreatesOrEmptiesTheFile() throws Exception {
    assertEquals(List.of("true > a.txt", "true > b.txt", "true >> c.txt", "true > d.txt", "false > e.txt"),
        texts(": > a.txt\n> b.txt\n>> c.txt\ntrue > d.txt\nfalse > e.txt\n: <<'END'\nnot a command\nEND\n"
            + "true > /dev/null\n"));
  }

  @Test
  void aCommandWaitsForTheLastCommandsThatWroteWhatItReads() throws Exception {
    // the loop's commands wait for one another to keep the log's order; 'cat' for the last of
    // them, ncks -O y.nc for the ncks -A before it
    Plan p = plan("ncks -H in.nc > t.txt\nfor x in 1 2; do ncks -H in$x.nc; done >> t.txt\ncat t.txt\n"
        + "ncks -O in.nc out.nc\nncks -A -v T x.nc out.nc\nncks -O y.nc out.nc\n");
    assertEquals(Set.of(1), p.commands().get(2).dependsOn());
    assertEquals(Set.of(2), p.commands().get(3).dependsOn());
    assertEquals(Set.of(4), p.commands().get(5).dependsOn());
    assertEquals(Set.of(5), p.commands().get(6).dependsOn());
  }

  @Test
  void aLoopsInputMustExistBeforeTheScriptRuns() {
    assertRefused("ncks -H a.nc > list.txt\nwhile read f; do\n  echo $f\ndone < list.txt\n", 4,
        "an earlier line writes list.txt");
    assertRefused("while read f; do echo $f; done < missing.txt\n", 1, "no such file");
    assertRefused("echo a\nread x > /dev/null\n", 2, "'read' reads its input from one file or text");
    assertRefused("while read -n 1 x; do echo; done < /dev/null\n", 1, "read -n is not supported");
    assertRefused("echo a ;; echo b\n", 1, "unexpected ';;'");
    assertRefused("case x in\n  a) echo a ;;\n", 3, "expected 'esac'");
  }

  // ------------------------------------------------------------ refusals name the line and the construct

  @Test
  void unsupportedConstructsAreRefusedWithTheLine() throws Exception {
    // the script file's own is bash's warning (ScriptReadingTest)
    assertRefused("echo a\neval 'cat <<EOF'\n", 2, "here-document of line 2 has no line 'EOF'");
    assertRefused("echo a\neval \"ncks 'x\"\n", 2, "in the text of 'eval'");
    List<String> piped = texts("ncks -M a.nc | diff <(ncdump a.nc) -\n"); // a stage's word: as a command's
    // (ncdump's error, a.nc not there, printed first)
    assertTrue(piped.get(2).startsWith("ncks -M a.nc | diff .swamp-psub-") && piped.get(3).startsWith("rm -f .swamp-psub-"),
        piped.toString());
    assertEquals(List.of("echo got a.nc", "echo got b.nc"), texts(
        "while read f; do echo got $f; done < <(printf '%s\\n' a.nc b.nc)\n"), "a process's output as input");
    assertRefused("echo a > a.txt\necho b > b.txt\n[ a.txt -nt b.txt ] && echo newer\n", 3, "earlier lines of the script write both");
    // only when the planner reaches it: a branch that does not run is no reason to refuse
    assertEquals(List.of("echo a"), texts("if [ -n \"\" ]; then diff <(ncdump a.nc) <(ncdump b.nc); fi\n"
        + "echo a\n"));
    assertRefused("select x in a b; do echo $x; done\n", 1, "'select'");
    assertRefused("echo a\ncat > big.txt <<EOF\n" + "x".repeat(300_000) + "\nEOF\n", 2,
        "(300001 of them a here-document's), and a job carries at most 262144");
    assertRefused("ncrcat" + " file.nc".repeat(40_000) + " out.nc\n", 1,
        "give the program its list of files through a file or standard input");
    assertRefused("read x\n", 1, "'read'");
    assertRefused("source /nonexistent/env.sh\n", 1, "cannot read");
    assertRefused("ncks in.nc out.nc\nwhile ncks -H out.nc; do echo ok; done\n", 2, "condition of 'while'");
    assertRefused("ncks in.nc out.nc\nrc=$?\necho $((rc + 1))\n", 3, "the status of a job ($? after it, or a"
        + " variable set from that) is known only once it has run, and arithmetic needs it while planning");
    assertRefused("ncks in.nc out.nc\n[ $? -eq x ] && echo ok\n", 2, "this test (a comparison of it with a number is not)");
    assertRefused("ncks in.nc out.nc\ncase $? in [01]) echo ok ;; esac\n", 2, "this 'case' (one on it alone");
    assertRefused("ncks in.nc out.nc\ncase $? in 0) echo ok ;& *) echo x ;; esac\n", 2, "this 'case' (one on it alone");
    assertRefused("ncks in.nc out.nc\necho x > log_$?.txt\n", 2, "a redirection needs it");
    assertRefused("ncks in.nc out.nc\nx=$(echo $?)\n", 2, "a command substitution, $(...)");
    assertRefused("ncks in.nc out.nc\nshift $?\n", 2, "'shift' needs it");
    assertRefused("ncks in.nc out.nc\nprintf -v s '%03d' $?\n", 2, "'printf -v' needs it");
    assertRefused("ncks in.nc out.nc\n(( $? > n )) && echo x\n", 2, "arithmetic needs it");
    // a cd that fails fails as bash's: its error on standard error, status 1, the script goes on
    assertEquals(List.of("printf %s $'script.sh: line 1: cd: nowhere: No such file or directory\\n'", "echo handled"),
        texts("cd nowhere || echo handled\n"));
    assertEquals(List.of("echo handled"), texts("cd nowhere 2> /dev/null || echo handled\n"));
    assertRefused("echo 'open\n", 1, "unterminated single quote");
    assertRefused("for x in a b; do echo $x\n", 2, "'done' to end the 'for' loop of line 1");
    assertRefused("while true; do x=$((x + 1)); done\n", 1, "more than");
  }

  private void assertRefused(String script, int line, String construct) {
    ScriptException e = refused(script);
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.problem().contains(construct), "'" + construct + "' not in: " + e.getMessage());
  }

  // ------------------------------------------------------------ scale

  @Test
  void tenThousandCommandsPlanQuickly() throws Exception {
    String script = "for m in $(seq 1 100); do\n  for y in {1..100}; do\n    ncks -O -v T in_${m}_$y.nc out_${m}_$y.nc\n  done\ndone\n";
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    Plan p = null;
    for (int round = 1; round <= 3; round++) { // the first rounds include the JIT's warm-up
      long wall = System.nanoTime();
      long start = cpu.getCurrentThreadCpuTime();
      p = plan(script);
      System.out.printf("planned %d commands in %d ms of CPU (%d ms wall), round %d%n", p.commands().size(),
          (cpu.getCurrentThreadCpuTime() - start) / 1_000_000, (System.nanoTime() - wall) / 1_000_000, round);
    }
    assertEquals(10_000, p.commands().size());
    assertEquals("ncks -O -v T in_100_100.nc out_100_100.nc", p.commands().get(9_999).text());
  }
  /**
   * {@code touch stamp}, then {@code find . -newer stamp}: under bash what the lines before the
   * touch wrote is older than the stamp and what the lines after it wrote newer; swamp's touch ran
   * beside an ncrcat before it, and a script that counted the files newer than a fresh stamp
   * counted 1 where bash counted 0. Refused, naming both lines, where the stamp is written at the
   * time it runs and earlier lines write beneath find's starting point; a stamp of a time of its
   * own ({@code touch -d}) is taken, and find waits for it even outside its starting point.
   */
  @Test
  void findNewerThanAStampTheScriptTouchesIsRefused() throws Exception {
    ScriptException e = refused("""
        ncrcat -O a.nc b.nc ab.nc
        touch .stamp
        n=$(find . -name '*.nc' -newer .stamp | wc -l)
        """);
    assertTrue(e.getMessage().contains("'find ... -newer .stamp' compares files' times")
        && e.getMessage().contains("(line 2)") && e.getMessage().contains("(line 1)"), e.getMessage());
    List<Plan.Command> c = plan("""
        touch -d '2000-01-01 00:00' ../stamp
        ncks -O in.nc out/x.nc
        find out -newer ../stamp -name '*.nc' > changed.txt
        """).commands();
    assertEquals(Set.of(0, 1), c.get(2).dependsOn(), c.toString());
  }
  /**
   * A function that says what it works on, {@code echo "working on $1" >&2}, then runs NCO and
   * prints its output's name, called in {@code $(...)}: the walk ran its echo while planning,
   * then, at ncra, planned it all as jobs, and printed the first echo's text too, so the message
   * came twice (and the run took the job's, sent to the script's errors, as the value). Once,
   * from the job, which goes to standard error.
   */
  @Test
  void aFunctionsMessageToStderrInASubstitutionRunAsJobsComesOnce() throws Exception {
    Plan p = plan("""
        f() {
          echo "working on $1" >&2
          ncra -O ${1}_0[1-3].nc "clim_$1.nc"
          echo "clim_$1.nc"
        }
        echo "made: $(f gfdl)"
        """);
    List<String> texts = p.commands().stream().map(Plan.Command::text).toList();
    assertEquals(1, texts.stream().filter(t -> t.contains("working on gfdl")).count(), texts.toString());
    assertTrue(p.commands().get(texts.indexOf("echo 'working on gfdl'")).outputIsErrors(), texts.toString());
  }
  /**
   * xargs in the middle of a pipeline, {@code ls pr_*.nc | xargs -n 1 basename | sort -r}: the
   * planner left xargs a program of its own, which no worker allows, and the run stopped there
   * ("program 'xargs' is not allowed"). Its commands are planned, printing into a scratch file of
   * the run that the rest of the pipeline reads, as a loop's output piped on is.
   */
  @Test
  void xargsInTheMiddleOfAPipelinePrintsIntoTheRest() throws Exception {
    List<String> t = texts("""
        printf '%s\\n' b.nc a.nc | xargs -n 1 basename | sort -r > names.txt
        """);
    assertEquals(6, t.size(), t.toString());
    assertTrue(t.get(1).startsWith("basename b.nc >> .swamp-pipe-") && t.get(2).startsWith("basename a.nc >> .swamp-pipe-"), t.toString());
    assertTrue(t.get(4).startsWith("sort -r < .swamp-pipe-") && t.get(4).endsWith("> names.txt"), t.toString());
    assertTrue(t.get(5).startsWith("rm -f .swamp-pipe-"), t.toString());
  }
  /**
   * A glob in a pipeline's stage, {@code ls part_*.nc | wc -l} after an ncks that failed to write
   * part_2.nc: the stage took every planned match, so ls printed "cannot access 'part_2.nc'" where
   * bash's glob did not name it (and {@code wc -l part_*.txt | tail -n 1} would read a "total"
   * bash's does not print). Its matches are kept or dropped by the run, as a simple command's.
   */
  @Test
  void aGlobInAPipelinesStageTakesOnlyTheFilesThatAreThere() throws Exception {
    Files.writeString(dir.resolve("ccsm_01.nc"), "");
    Plan p = plan("ncks -O -v T ccsm_01.nc part_1.nc\nncks -O -v T nosuch.nc part_2.nc\nls part_*.nc | wc -l\n");
    Plan.Command ls = p.commands().get(2);
    assertEquals(List.of("ls", "part_1.nc"), ls.withStatuses(s -> 0, s -> s == 0 ? Plan.Outcome.SUCCEEDED
        : Plan.Outcome.FAILED).stages().get(0).argv());
    assertEquals(Set.of(0, 1), ls.dependsOn());
  }
  /**
   * A group in a command substitution that runs as jobs, {@code res=$( { ncra ... && echo ok; }
   * 2>&1 )} (a step's messages and its "ok" kept together): refused, "not in a subshell or
   * function ... nor inside another substitution, as here", where it was neither. Its commands
   * run as jobs, as without the braces.
   */
  @Test
  void aGroupInASubstitutionRunsAsJobs() throws Exception {
    Files.writeString(dir.resolve("a.nc"), "");
    List<String> t = texts("echo \"res: $( { ncra -O a.nc b.nc && echo ok; } 2>&1 )\"\n");
    assertEquals("ncra -O a.nc b.nc 2>&1", t.get(0), t.toString());
    assertEquals("echo ok 2>&1", t.get(1), t.toString());
    assertTrue(t.get(t.size() - 1).startsWith("echo 'res: $(#0 #1"), t.toString());
  }
  /**
   * {@code mkdir -p mytmp; export TMPDIR=$PWD/mytmp; t=$(mktemp)}: mktemp ran while planning,
   * before the job that makes mytmp, failed ("No such file or directory"), and set -e stopped a
   * script that bash ran through. Refused before anything runs, naming the directory.
   */
  @Test
  void mktempInADirectoryAnEarlierLineMakesIsRefused() throws Exception {
    for (String script : List.of("mkdir -p mytmp\nexport TMPDIR=$PWD/mytmp\nt=$(mktemp)\n",
        "mkdir -p out\nt=$(mktemp -p out)\n", "mkdir -p out\nd=$(mktemp -d out/run.XXXX)\n")) {
      ScriptException e = refused(script);
      assertTrue(e.getMessage().contains("makes its file in") && e.getMessage().contains("a directory an earlier line makes"),
          e.getMessage());
    }
  }
  /**
   * {@code ${BASH_LINENO[0]}}, the line a function was called from, which a script's error
   * messages print ({@code die() { echo "failed, called at line ${BASH_LINENO[0]}" >&2; }}): it
   * was empty; it is each call's line, down to 0 for the script, as bash's, and (0) outside any
   * function.
   */
  @Test
  void bashLinenoHoldsTheLinesOfTheCalls() throws Exception {
    assertEquals(List.of("echo 'f from 4 4 0'", "echo 'g from 1 4 0 g f main'", "echo 'script: 0'"),
        texts("""
        f() { echo "f from ${BASH_LINENO[0]} ${BASH_LINENO[*]}"; g; }
        g() { echo "g from ${BASH_LINENO[*]} ${FUNCNAME[*]}"; }

        f
        echo "script: ${BASH_LINENO[*]}"
        """));
  }
}
