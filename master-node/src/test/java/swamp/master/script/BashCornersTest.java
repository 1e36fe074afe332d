package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
