package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    return Script.plan(script, "script.sh", dir, Map.of("HOME", "/home/sci", "USER", "sci", "PATH", "/usr/bin:/bin"),
        List.of(args));
  }

  private List<String> texts(String script, String... args) throws ScriptException {
    return plan(script, args).commands().stream().map(Plan.Command::text).toList();
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
}
