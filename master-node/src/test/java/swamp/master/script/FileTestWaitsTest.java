package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of a file that only the run can tell ({@code -s} of what a job or a group's output
 * wrote), waited for as {@code [ -s f ]} is, in each way bash writes it.
 */
class FileTestWaitsTest {

  @TempDir
  Path dir;

  private Planning planning(String script) throws ScriptException {
    return Script.planning(script, "script.sh", dir, Map.of("HOME", "/home/sci", "PATH", "/usr/bin:/bin"), List.of());
  }

  /**
   * {@code [[ -s $script ]] || gen_script ...} in a loop that writes the script once per model:
   * the plan stopped before anything ran ("'[ -s ccsm.nco ]' asks whether ... it waits for that,
   * but not ... as here"), where {@code [ -s ... ]} waits for the jobs before it.
   */
  @Test
  void aDoubleBracketFileTestWaitsAsASingleBracketOne() throws Exception {
    Planning p = planning("""
        for f in ccsm_01 ccsm_02; do
          [[ -s ccsm.nco ]] || { echo "T=T-273.15f;"; } > ccsm.nco
          echo "$f"
        done
        """);
    assertEquals(List.of(0, 1, 2), p.awaits(), "the second [[ -s ]]: once the group's echo wrote it");
    Files.writeString(dir.resolve("ccsm.nco"), "T=T-273.15f;\n");
    p.resume(step -> "", step -> 0);
    assertTrue(p.done());
    assertEquals(List.of("true > ccsm.nco", "echo 'T=T-273.15f;' >> ccsm.nco", "echo ccsm_01", "echo ccsm_02"),
        p.plan().commands().stream().map(Plan.Command::text).toList());
  }
}
