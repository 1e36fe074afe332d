package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corners of bash that scripts reach for now and then: each expected plan prints what bash 5.2
 * prints for the same script.
 */
class BashCornersTest {

  @TempDir
  Path dir;

  private Plan plan(String script, String... args) throws ScriptException {
    return Scripts.plan(dir, script, args);
  }

  private List<String> texts(String script, String... args) throws ScriptException {
    return Scripts.texts(dir, script, args);
  }

  /**
   * A comment inside {@code $( )} is text to its end of line, as bash reads it: its apostrophe
   * ("don't") or parenthesis stopped the planner ("unterminated '$('", "unexpected ')'").
   */
  @Test
  void aCommentInsideACommandSubstitutionIsText() throws Exception {
    assertEquals(List.of("echo 'offset 0.5 1 2'"), texts("""
        v=$(
          # the model's offset (don't change it)
          echo 0.5
        )
        w=$(echo 1 # a ) in a comment
        )
        n=$( # how many (
          echo $#)
        echo "offset $v $w $n"
        """, "a", "b"));
  }

  /**
   * {@code [[ ]]} written over lines, broken after its {@code &&} or before its {@code ]]}, as bash
   * reads it: the planner stopped at the new line with "'[[' without its ']]'".
   */
  @Test
  void aConditionalOverLines() throws Exception {
    Files.writeString(dir.resolve("a.nc"), "x");
    assertEquals(List.of("echo one", "echo two", "echo three"), texts("""
        if [[ -f a.nc &&
              -n x ]] &&
           [[ ( -f b.nc ||
                -f a.nc ) ]]; then
          echo one
        fi
        [[ -f a.nc
           && x == x ]] && echo two
        [[
          -f a.nc ]] && echo three
        """));
  }

  /**
   * {@code export -f f} (and {@code declare -fx f}): a bash the script starts has the function, as
   * the recipe {@code xargs bash -c 'f "$0"'} needs; {@code export -fn} takes it back. It was
   * refused ("export -f is not supported"), and {@code declare -fx} printed the function.
   */
  @Test
  void exportedFunctionsReachTheBashesTheScriptStarts() throws Exception {
    assertEquals(List.of("ncra -O a_01.nc a.nc", "ncra -O b_01.nc b.nc",
        "status: 0 if #0 succeeds and #1 succeeds, else 123", "printf %s $'function\\n'", "ncwa -O a.nc a_zm.nc",
        "echo 'export -f: 1'", "echo 'zm: 1'"), texts("""
        clim() { ncra -O ${1}_01.nc $1.nc; }
        zm() { ncwa -O "$1" "${1%.nc}_zm.nc"; }
        export -f clim
        printf '%s\n' a b | xargs -n 1 bash -c 'clim "$0"'
        bash -c 'type -t clim'
        declare -fx zm
        bash -c 'zm a.nc'
        export -f nosuch 2> /dev/null || echo "export -f: $?"
        export -fn zm
        bash -c 'type -t zm > /dev/null || echo "zm: $?"'
        """));
  }

  /**
   * A shell's options on its command line ({@code bash -e sub.sh}, {@code bash -eu -o pipefail},
   * {@code bash -ec TEXT}) or on the script's {@code #!} line ({@code #!/bin/bash -e}, run as
   * {@code ./sub.sh}) hold in that script, as bash's: the first were refused as a program the pool
   * does not allow ('bash'), the second ignored, so the script went on past its failure.
   */
  @Test
  void aShellsOptionsOnItsCommandOrShebangLine() throws Exception {
    Path sub = dir.resolve("sub.sh");
    Files.writeString(sub, "#!/bin/bash -e\nfalse\necho went on\n");
    Files.setPosixFilePermissions(sub, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    assertEquals(List.of("echo 'stopped: 1'", "echo went on", "echo 'again: 1'", "echo 'c: 1'",
        "printf %s $'+ true\\n' 2>&1"),
        texts("""
        ./sub.sh || echo "stopped: $?"
        bash sub.sh
        bash -eu -o pipefail sub.sh || echo "again: $?"
        bash -ec 'false; echo no' || echo "c: $?"
        bash -x -c true 2>&1
        """));
  }

  @Test
  void nocasematchMatchesCaseAndConditionalsOfEitherCase() throws Exception {
    assertEquals(List.of("echo y", "echo c", "echo re", "echo X_tas CESM_tas", "echo no"), texts("""
        shopt -s nocasematch
        x=CESM_tas
        [[ $x == cesm* ]] && echo y
        case $x in cesm*) echo c;; esac
        [[ $x =~ ^cesm ]] && echo re
        echo ${x/cesm/X} ${x#cesm}
        shopt -u nocasematch
        [[ $x == cesm* ]] && echo y || echo no
        """));
  }

  @Test
  void mapfileTakesCountSkipAndOrigin() throws Exception {
    Files.writeString(dir.resolve("f"), "l1\nl2\nl3\nl4\n");
    assertEquals(List.of("echo 1 l2", "echo x l1 l2 l3 l4", "echo 2 l1 l2 l3", "echo 1 l4", "echo q l1"), texts("""
        mapfile -t -s 1 -n 1 a < f; echo ${#a[@]} ${a[@]}
        b=(x y z); readarray -t -O 1 b < f; echo ${b[@]}
        { mapfile -n 2 -t d; read r; } < f; echo ${#d[@]} ${d[@]} $r
        mapfile -n 0 -s 3 -t e < f; echo ${#e[@]} ${e[@]}
        h=(q); mapfile -tn1 -O 5 h < f; echo ${h[@]}
        """));
  }

  @Test
  void underscoreIsThePreviousCommandsLastWordAndGroupsAreSet() throws Exception {
    assertEquals(List.of("echo a b 'c d'", "echo 'c d'", "echo ''", "echo in ''", "echo arg2", "echo ']'",
        "echo :", "echo 1"), texts("""
        echo a b "c d"; echo "$_"
        x=5; echo "$_"
        f() { echo in "$_"; }; f arg1 arg2; echo "$_"
        [ -f x ]; echo $_
        for i in 1 2; do :; done; echo $_
        [ ${#GROUPS[@]} -ge 1 ] && echo 1
        """));
    assertEquals(List.of("echo /usr/bin/bash"), texts("echo $_\n"));
  }

  @Test
  void lastpipeRunsAPipelinesLastStageInTheScriptsShell() throws Exception {
    Files.writeString(dir.resolve("a.nc"), "");
    Files.writeString(dir.resolve("b.nc"), "");
    assertEquals(List.of("echo 2", "echo a-b", "echo '[]'", "echo -"), texts("""
        shopt -s lastpipe
        ls *.nc | while read f; do n=$((n+1)); done; echo $n
        echo "a b" | read x y; echo $x-$y
        echo z | (read w); echo "[$w]"
        shopt -u lastpipe
        echo "c d" | read p q; echo $p-$q
        """));
  }

  @Test
  void xargsWarnsOfOptionsThatExcludeEachOtherWhereItsErrorsGo() throws Exception {
    Files.writeString(dir.resolve("a.nc"), "");
    assertEquals(List.of("printf %s $'xargs: warning: options --max-args and --replace/-I/-i are mutually exclusive,"
        + " ignoring previous --max-args value\\n' > err.txt 2> err.txt",
        "ncks -O a.nc T_a.nc 2>> err.txt", "status: 0 if #1 succeeds, else 123"),
        texts("ls *.nc | xargs -n1 -P4 -I{} ncks -O {} T_{} 2> err.txt\n"));
  }

  /** What 'declare -f' prints is the text a printf job writes: its third word. */
  private String declared(String script) throws ScriptException {
    List<Plan.Command> cs = plan(script).commands();
    return cs.get(cs.size() - 1).stages().get(0).argv().get(2);
  }

  @Test
  void declareFPrintsAFunctionAsBashPrintsIt() throws Exception {
    assertEquals("helper () \n{ \n    echo \"hi $1\"\n}\n",
        declared("helper() { echo \"hi $1\"; }\ndeclare -f helper > funcs.sh\n"));
    // each line as bash 5.2 prints it: elif nested, loops' 'do' and ';' where bash puts them
    assertEquals("""
        clim () \n\
        { \n\
            local m=$1 out=${2:-out};
            ncra -O ${m}_*.nc $out/${m}_clim.nc || return 1;
            if [ -f "$out/x" ]; then
                echo yes;
            else
                if true; then
                    :;
                else
                    echo no;
                fi;
            fi;
            for y in {1990..1992};
            do
                echo "$y" >> log.txt 2>&1;
            done;
            ls *.nc | while read f; do
                echo $f;
            done;
            x=$((x + 1));
            (( x++ ));
            [[ -n $x && $x == 1* ]] && echo ok;
            case $m in \n\
                cesm | ccsm)
                    echo c
                ;;
                *)
                    echo other
                ;;
            esac;
            v=$(date +%Y);
            { \n\
                echo a;
                echo b
            } > g.txt;
            for ((i=0; i<2; i++))
            do
                echo $i 2> err.txt;
            done;
            echo 'single $(x)' "dq \\"x\\"" `pwd` "$(basename "$f" .nc)";
            ! false 1>&2
        }
        """, declared("""
        clim() {
          local m=$1 out=${2:-out}   # comment
          ncra -O ${m}_*.nc $out/${m}_clim.nc || return 1
          if [ -f "$out/x" ]; then echo yes; elif true; then :; else echo no; fi
          for y in {1990..1992}; do
            echo "$y" >> log.txt 2>&1
          done
          ls *.nc | while read f; do echo $f; done
          x=$((x + 1)); (( x++ ))
          [[ -n $x && $x == 1* ]] && echo ok
          case $m in
            cesm|ccsm) echo c ;;
            *) echo other ;;
          esac
          v=$( date   +%Y )
          { echo a; echo b; } > g.txt
          for ((i=0;i<2;i++)); do echo $i 2>err.txt; done
          echo 'single $(x)' "dq \\"x\\"" `pwd` "$(basename "$f" .nc)"
          ! false >&2
        }
        declare -f clim
        """));
    assertRefusedAt("k() { ( echo sub ); }\ndeclare -f k > f.sh\n", 1, "a subshell");
  }

  /**
   * An alias defined in a script (copied from a .bashrc) changes nothing, as in bash, which
   * expands no alias in a script: the command runs as written. The planner refused the line.
   * Turning expansion on, or listing the aliases, is still refused.
   */
  @Test
  void anAliasInAScriptIsDefinedAndNeverExpanded() throws Exception {
    assertEquals(List.of("ncks -O in.nc out.nc"), texts("""
        alias ncks='ncks --history' ll='ls -l'
        ncks -O in.nc out.nc
        """));
    assertRefusedAt("alias ll='ls -l'\nshopt -s expand_aliases\n", 2, "expand_aliases");
    assertRefusedAt("alias\n", 1, "'alias '");
  }

  private void assertRefusedAt(String script, int line, String construct) {
    ScriptException e = org.junit.jupiter.api.Assertions.assertThrows(ScriptException.class, () -> plan(script));
    assertEquals(line, e.line(), e.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(e.problem().contains(construct), e.getMessage());
  }

  @Test
  void setXTracesEveryCommandInTheScriptsOrderWhereItsErrorsGo() throws Exception {
    // the trace's jobs print on standard error (what 'text' leaves out), the first three where the run's goes
    assertEquals(List.of("printf %s $'+ x=\\'a b\\'\\n'", "printf %s $'+ \\'[\\' -f a \\']\\'\\n'",
        "printf %s $'+ echo no\\n'", "echo no", "printf %s $'+ FOO=bar\\n+ env true\\n'", "env true",
        "printf %s $'+ ls\\n+ wc -l\\n'", "ls | wc -l 2> e.txt", "printf %s $'+ exec\\n'", "true > trace.log",
        "printf %s $'+ cd .\\n' >> trace.log 2>> trace.log", "printf %s $'+ set +x\\n' >> trace.log 2>> trace.log",
        "echo end 2>> trace.log"), texts("""
        set -x
        x="a b"
        [ -f a ] || echo no
        FOO=bar env true
        ls | wc -l 2> e.txt
        exec 2> trace.log
        cd .
        set +x
        echo end
        """));
  }

  /** {@code set -f} ({@code set -o noglob}): globs stay as written until {@code set +f}, as bash's; swamp refused it. */
  @Test
  void setFLeavesGlobsAsWritten() throws Exception {
    Files.writeString(dir.resolve("a_1.nc"), "");
    Files.writeString(dir.resolve("a_2.nc"), "");
    assertEquals(List.of("echo hB", "echo fhB", "echo 'a_*.nc'", "echo 'item a_*.nc'", "echo matched",
        "echo a_1.nc a_2.nc", "echo 'a_[12].nc'", "echo 'a_?.nc'", "echo a_1.nc a_2.nc"), texts("""
        echo $-
        set -f; echo $-
        echo a_*.nc
        for f in a_*.nc; do echo "item $f"; done
        case x.nc in *.nc) echo matched ;; esac
        set +f; echo a_*.nc
        set -o noglob; echo a_[12].nc
        ( set +f ); echo a_?.nc
        set +o noglob; echo a_?.nc
        """));
  }

  /** The trace jobs' texts, what each prints on standard error, joined. */
  private String traced(String script) throws ScriptException {
    return plan(script).commands().stream().filter(c -> c.stages().get(0).argv().get(0).equals("printf")
        && c.stages().get(0).argv().get(2).startsWith("+ ")).map(c -> c.stages().get(0).argv().get(2))
        .collect(java.util.stream.Collectors.joining());
  }

  /**
   * {@code [[ ]]}, {@code (( ))}, {@code for ((...))} and {@code case} under set -x, as bash 5.2
   * traces them: each primary of [[ ]] that it evaluates, expanded, its pattern's quoted
   * characters escaped; (( )) with its blanks; case as written. swamp traced none of them.
   */
  @Test
  void setXTracesConditionalsArithmeticAndCaseAsBashDoes() throws Exception {
    assertEquals("""
        + m=cesm
        + f='a b.nc'
        + x=
        + n=3
        + [[ cesm == ces* ]]
        + [[ -n cesm ]]
        + [[ ! -f none.nc ]]
        + [[ -z '' ]]
        + [[ a b.nc == \\a\\ \\b\\.\\n\\c ]]
        + [[ a b.nc =~ \\.nc$ ]]
        + ((  i = 3 + 1  ))
        + (( k = 0  ))
        + (( k < 1  ))
        + :
        + (( k++  ))
        + (( k < 1  ))
        + case $m in
        + echo c
        """, traced("""
        set -x
        m=cesm; f="a b.nc"; x=; n=3
        [[ $m == ces* && -n "$m" ]]
        [[ ! -f none.nc ]]
        [[ -z $x || $m -gt 2 ]]
        [[ $f == "$f" ]]
        [[ $f =~ \\.nc$ ]]
        (( i = $n + 1 ))
        for (( k = 0 ; k < 1 ; k++ )); do :; done
        case $m in ces*) echo c ;; esac
        """));
  }

  /** {@code [[ $f =~ \.nc$ ]]} and {@code =~ "a.b"}: the quoted characters are literal, as bash's; they matched any character. */
  @Test
  void aRegexsQuotedCharactersAreLiteral() throws Exception {
    assertEquals(List.of("echo no1", "echo no2", "echo no3", "echo 01"), texts("""
        [[ anc =~ \\.nc$ ]] && echo yes1 || echo no1
        [[ axb =~ "a.b" ]] && echo yes2 || echo no2
        [[ axb =~ a'.'b ]] && echo yes3 || echo no3
        [[ ccsm_01.nc =~ _([0-9]+)\\.nc ]] && echo "${BASH_REMATCH[1]}"
        """));
  }

  @Test
  void setXTracesAForLoopsWordsEachTimeRound() throws Exception {
    assertEquals(List.of("printf %s $'+ for m in a \\'b c\\'\\n'", "printf %s $'+ echo a\\n'", "echo a",
        "printf %s $'+ for m in a \\'b c\\'\\n'", "printf %s $'+ echo \\'b c\\'\\n'", "echo 'b c'"),
        texts("set -x\nfor m in a 'b c'; do echo \"$m\"; done\n"));
  }

  @Test
  void lsInASubstitutionPrintsWhatItCannotAccessWhereItsErrorsGo() throws Exception {
    Files.writeString(dir.resolve("a.nc"), "");
    assertEquals(List.of("echo $'ls: cannot access \\'none.nc\\': No such file or directory\\na.nc' 2",
        "echo '[]' 2"), texts("""
        w=$(ls a.nc none.nc 2>&1); echo "$w" $?
        y=$(ls none*.nc 2>/dev/null); echo "[$y]" $?
        """));
    // on the script's standard error, by a job in the script's order (see the next test)
    assertEquals(List.of("printf %s $'ls: cannot access \"it\\'s.nc\": No such file or directory\\n'", "echo '[a.nc]' 2"),
        texts("z=$(ls a.nc \"it's.nc\"); echo \"[$z]\" $?\n"));
  }

  /**
   * What a substitution run while planning prints on standard error comes in the script's order
   * and goes where the script's errors go then: under {@code exec 2> err.log}, {@code n=$(ls
   * obs_*.nc | wc -l)} with no obs file there puts ls's error into err.log after what the lines
   * before wrote, as bash's does. It went to the run's own standard error at once, before any job
   * had run, and err.log lacked it.
   */
  @Test
  void aSubstitutionsErrorsComeInTheScriptsOrderWhereItsErrorsGo() throws Exception {
    assertEquals(List.of("true > err.log", "echo start 2>> err.log",
        "printf %s $'ls: cannot access \\'obs_*.nc\\': No such file or directory\\n' >> err.log 2>> err.log",
        "echo n=0 2>> err.log", "printf %s $'grep: missing.txt: No such file or directory\\n' >> err.log 2>> err.log",
        "echo 'm=[]' 2>> err.log"), texts("""
        exec 2> err.log
        echo start
        n=$(ls obs_*.nc | wc -l)
        echo "n=$n"
        m=$(grep start_year missing.txt); echo "m=[$m]"
        """));
  }

  /**
   * {@code expr}, {@code seq}, {@code basename} and {@code dirname} in a substitution, given
   * what they cannot take ({@code expr 1.5 \\* 2}, a student's float), print their error and fail,
   * and bash goes on with what they printed (nothing) and their status. swamp refused the script
   * with the bare error ("swamp: line 2: expr: non-integer argument") and ran nothing.
   */
  @Test
  void exprAndSeqThatFailInASubstitutionPrintTheirErrorAndTheScriptGoesOn() throws Exception {
    assertEquals(List.of("printf %s $'expr: non-integer argument\\n'", "echo 'y=[]' 2",
        "echo 'z=[]' 1", "echo 'b=[]' 1"), texts("""
        x=1.5
        y=`expr $x \\* 2`; echo "y=[$y]" $?
        z=$(seq 1 x 2>/dev/null); echo "z=[$z]" $?
        b=$(basename 2>/dev/null); echo "b=[$b]" $?
        """));
  }

  /**
   * bash's printf of a word that is no number where one is converted ({@code %02d} of 08, a
   * month from {@code seq -w}): its error, what the word's start gives (0 of 08, 3 of 3.5),
   * formatted as asked, and status 1. swamp gave "0" for {@code $(printf %02d 08)} and {@code
   * printf -v}, not "00", 0 of 3.5, and no error.
   */
  @Test
  void printfOfAWordThatIsNoNumberPrintsWhatItsStartGivesAndBashsError() throws Exception {
    assertEquals(List.of("printf %s $'script.sh: line 1: printf: 08: invalid octal number\\n'", "echo '[00]' 1",
        "printf %s $'script.sh: line 2: printf: 09: invalid octal number\\n'", "echo '[000]' 1",
        "echo '[3|1.50]' 1"), texts("""
        mm=$(printf %02d 08); echo "[$mm]" $?
        printf -v x %03d 09; echo "[$x]" $?
        y=$(printf '%d|%.2f' 3.5 1.5x 2>/dev/null); echo "[$y]" $?
        """));
  }

  /**
   * A builtin's error inside $(...) where the script's errors go to a file ({@code exec > run.log
   * 2>&1}, then {@code d=$(cd "$dir" && pwd)} of a directory not there) goes into that file in the
   * script's order, as bash's does. It was refused before anything ran; one that goes to another
   * file (a function's own {@code 2> f.err}) still is.
   */
  @Test
  void aBuiltinsErrorInASubstitutionGoesIntoTheScriptsErrorFile() throws Exception {
    assertEquals(List.of("true > run.log", "true > run.log", "echo start >> run.log 2>> run.log",
        "printf %s $'script.sh: line 3: cd: /no/such/dir: No such file or directory\\n' >> run.log 2>> run.log",
        "echo 'd=[]' >> run.log 2>> run.log"), texts("""
        exec > run.log 2> run.log
        echo start
        d=$(cd /no/such/dir && pwd)
        echo "d=[$d]"
        """));
    assertRefusedAt("exec 2> err.log\nf() { cd /no/such/dir; } 2> f.err\nx=$(f)\n", 2, "writes a file");
  }

  @Test
  void printfVSetsAnArraysElement() throws Exception {
    assertEquals(List.of("echo ccsm_01.nc ccsm_02.nc 2", "echo v 'a b'", "echo 12"), texts("""
        for i in 0 1; do printf -v "files[$i]" 'ccsm_%02d.nc' $((i + 1)); done
        echo "${files[@]}" ${#files[@]}
        declare -A h; printf -v 'h[k]' %s v; printf -v "h[a b]" '%s' 'a b'; echo ${h[k]} "${h[a b]}"
        declare -i n; printf -v 'n' '%d+%d' 5 7; echo $n
        """));
  }

  @Test
  void anAssignmentsSubscriptMayHoldBlanks() throws Exception {
    assertEquals(List.of("echo c 'a b|1|c'", "echo 2 3", "echo 'a[1' + '2]=z'", "echo 'a[1' '2]'"), texts("""
        declare -A m
        m[a b]=1 m[c]=; echo "${!m[@]}|${m[a b]}|$(echo c)"
        a[1 + 1]=x x=1 a[1 + 2]+=y; echo ${!a[@]}
        echo a[1 + 2]=z
        echo a[1 2]
        """));
  }

  @Test
  void caseChangesTakeAPatternOfTheLettersToChange() throws Exception {
    assertEquals(List.of("echo CCSm_01.nC Ccsm_01.nc ccsm_01.nc CCSM_01.NC", "echo Ab Cd aB cD gFDL 'école'"), texts("""
        f=ccsm_01.nc; echo ${f^^[cs]} ${f^[a-c]} ${f^[s]} ${f^^}
        a=(ab cd); U=GFDL; g=ÉCOLE; echo ${a[@]^} ${a[@]^^[bd]} ${U,,[G]} ${g,,}
        """));
  }

  @Test
  void theLastArgumentIsBangHash() throws Exception {
    assertEquals(List.of("echo c", "echo ccsm", "echo 'out=z.nc n=3'", "echo script.sh"), texts("""
        set -- a b c; echo ${!#}
        model=ccsm; set -- model; echo ${!1}
        f() { local out=${!#}; echo "out=$out n=$#"; }; f x.nc y.nc z.nc
        set --; echo ${!#}
        """));
  }

  @Test
  void commandAndBuiltinPassAFunctionOfTheirNameBy() throws Exception {
    assertEquals(List.of("echo 'wrapper: -O in.nc out.nc'", "ncks --no_tmp_fl -O in.nc out.nc", "mkdir -p sub",
        "echo 'now in sub'", "ncks -M out.nc", "echo hi",
        "printf %s $'script.sh: line 7: builtin: ncks: not a shell builtin\\n' 2>&1", "echo 'status 1'"), texts("""
        ncks() { echo "wrapper: $*"; command ncks --no_tmp_fl "$@"; }
        cd() { builtin cd "$@" && echo "now in ${PWD##*/}"; }
        ncks -O in.nc out.nc
        mkdir -p sub; cd sub
        command ncks -M out.nc
        builtin echo hi
        builtin ncks x 2>&1
        echo "status $?"
        """));
  }

  @Test
  void aBuiltinsErrorGoesWhereItsRedirectionsSendErrors() throws Exception {
    Plan plan = plan("""
        cd /nonexist 2>&1
        x=$(cd /nonexist 2>&1); echo "[$x]"
        y=$(cd /nonexist 2>&1 > /dev/null); echo "[$y]"
        cd /nonexist 2>/dev/null || echo quiet
        cd /nonexist
        """);
    assertEquals(List.of("printf %s $'script.sh: line 1: cd: /nonexist: No such file or directory\\n' 2>&1",
        "echo '[script.sh: line 2: cd: /nonexist: No such file or directory]'",
        "echo '[script.sh: line 3: cd: /nonexist: No such file or directory]'", "echo quiet",
        "printf %s $'script.sh: line 5: cd: /nonexist: No such file or directory\\n'"),
        plan.commands().stream().map(Plan.Command::text).toList());
    assertEquals(List.of(false, false, false, false, true),
        plan.commands().stream().map(Plan.Command::outputIsErrors).toList(), "2>&1 prints it as output");
  }

  /**
   * A function's call inside $(...) with a redirection of its output: bash captures nothing of
   * {@code f > /dev/null}, f's errors too with {@code f 2>&1}, its builtins' and its programs'
   * alike, and only its errors with {@code 2>&1 > /dev/null}; swamp refused these. One that writes
   * a file, which $(...) cannot while planning, is still refused, naming it.
   */
  @Test
  void aFunctionsOutputRedirectedInsideACommandSubstitutionGoesWhereBashSendsIt() throws Exception {
    String f = "f() { echo out; cd /nonexist; ls none.nc; echo warn >&2; }\n";
    assertEquals(List.of("echo '[]'", "echo $'[out\\nscript.sh: line 1: cd: /nonexist: No such file or directory\\n"
        + "ls: cannot access \\'none.nc\\': No such file or directory\\nwarn]'", "echo '[out]'",
        "echo $'[script.sh: line 1: cd: /nonexist: No such file or directory\\n"
        + "ls: cannot access \\'none.nc\\': No such file or directory\\nwarn]'", "printf %s $'hi\\n'", "echo '[]'"), texts(f + """
        x=$(f > /dev/null 2>&1); echo "[$x]"
        y=$(f 2>&1); echo "[$y]"
        v=$(f 2>/dev/null); echo "[$v]"
        w=$(f 2>&1 > /dev/null); echo "[$w]"
        z=$(echo hi >&2; pwd > /dev/null); echo "[$z]"
        """));
    assertRefusedAt(f + "z=$(f &> log.txt)\n", 2, "writes a file ('&> log.txt')");
    assertEquals(List.of("echo '[script.sh: line 1: cd: nowhere: No such file or directory]'", "echo '[shown]'"),
        texts("""
        m=$( { cd nowhere; } 2>&1 ); echo "[$m]"
        q=$( if true; then echo shown; cd none; fi 2>/dev/null ); echo "[$q]"
        """));
    assertRefusedAt("q=$( { echo a; } > log.txt )\n", 1, "writes a file ('> log.txt')");
  }

  /**
   * {@code x=$(f >&2 2>/dev/null)}: the function's output goes where its errors went, the
   * script's standard error, and only its errors to /dev/null. swamp sent both to /dev/null: the
   * output followed the errors to where they went next.
   */
  @Test
  void aFunctionsOutputSentToItsErrorsStaysThereWhenItsErrorsGoElsewhere() throws Exception {
    String f = "f() { echo out; cd /nonexist; echo warn >&2; }\n";
    assertEquals(List.of("printf %s $'out\\n'", "echo '[]'", "echo '[]'"), texts(f + """
        x=$(f >&2 2>/dev/null); echo "[$x]"
        y=$(f 2>/dev/null >&2); echo "[$y]"
        """));
  }

  /**
   * {@code cd sub 2>> err.log}: bash opens the file before cd runs, in the directory it leaves, and
   * it is there even where nothing is written to it; {@code [ -f x ] 2> t.txt} too. swamp refused
   * the first, and made no file of the second.
   */
  @Test
  void aBuiltinsFileRedirectionOpensTheFileInTheDirectoryItRunsIn() throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    String d = dir.toRealPath().toString();
    assertEquals(List.of("true 2>> " + d + "/err.log", "echo 'in sub'", "true 2>> " + d + "/err.log",
        "printf %s $'script.sh: line 2: cd: nowhere: No such file or directory\\n' >> " + d + "/err.log 2>> " + d
        + "/err.log", "echo failed", "true 2> " + d + "/sub/t.txt", "true > " + d + "/sub/where.txt", "true > " + d + "/where.txt",
        "printf %s $'" + d + "/sub\\n' > " + d + "/where.txt"), texts("""
        cd sub 2>> err.log; echo "in ${PWD##*/}"
        cd nowhere 2>> ../err.log || echo failed
        [ -f x ] 2> t.txt
        cd .. > where.txt; cd - > where.txt
        """));
  }

  /** {@code ${!name-default}} and the other operators on the variable a name names, as bash's; they were refused. */
  @Test
  void anIndirectExpansionTakesTheOperatorsOfAnyExpansion() throws Exception {
    assertEquals(List.of("echo hello def def2 alt ''", "echo llo hel heLlo el HELLO", "echo y Y",
        "echo model=unset", "echo after"), texts("""
        a=hello; n=a; m=zz
        echo "${!n-def}" "${!m-def}" "${!m:-def2}" "${!n:+alt}" "${!m+alt}"
        echo "${!n#he}" "${!n%lo}" "${!n/l/L}" "${!n:1:2}" "${!n^^}"
        r="b[1]"; b=(x y); echo "${!r-q}" "${!r/y/Y}"
        echo "model=${!v:-unset}" "exp=${!w-unset}"; model=cesm # v unset: bash's error, the line abandoned
        v=model; echo "model=${!v:-unset}"
        e=; echo "${!e-d}"; echo skipped
        echo after
        """).stream().filter(t -> t.startsWith("echo")).toList());
  }

  /**
   * A glob's matches, ls's names and [[ < ]] are in the order of the script's locale as the
   * script has it at that line, through the C library's collation, as bash's: en_US.UTF-8 puts
   * case and punctuation last, C sorts by byte. Needs en_US.UTF-8 (bin/setup makes it).
   */
  @Test
  void namesSortInTheOrderOfTheScriptsLocaleAtThatLine() throws Exception {
    if (Collation.of("en_US.UTF-8").equals(Collation.of("C"))) {
      String why = "the locale en_US.UTF-8 is not installed here (bin/setup makes it)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        org.junit.jupiter.api.Assertions.fail("CI=true and " + why);
      }
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    for (String f : List.of("tas_CCSM4.nc", "tas_CanESM2.nc", "tas_2000.nc", "tas_2000_01.nc", "tas_a1.nc", "tas_B2.nc")) {
      Files.writeString(dir.resolve(f), f);
    }
    assertEquals(List.of("echo tas_2000_01.nc tas_2000.nc tas_a1.nc tas_B2.nc tas_CanESM2.nc tas_CCSM4.nc",
        "echo a1", "echo $'tas_2000_01.nc\\ntas_2000.nc\\ntas_a1.nc'",
        "echo tas_2000.nc tas_2000_01.nc tas_B2.nc tas_CCSM4.nc tas_CanESM2.nc tas_a1.nc", "echo B2",
        "echo tas_2000_01.nc tas_2000.nc"), texts("""
        LC_ALL=en_US.UTF-8
        echo tas_*
        if [[ tas_a1.nc < tas_B2.nc ]]; then echo a1; else echo B2; fi
        echo "$(ls tas_2* tas_a*)"
        LC_ALL=C
        echo tas_*
        if [[ tas_a1.nc < tas_B2.nc ]]; then echo a1; else echo B2; fi
        unset LC_ALL; LC_COLLATE=en_US.UTF-8
        echo tas_2*
        """));
  }
}
