package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arithmetic on a count that jobs' statuses keep, once the walk has waited for them. */
class StatusArithmeticTest {

  @TempDir
  Path dir;

  /**
   * {@code exit $(( nerr > 0 ? 2 : 0 ))} after a loop that counts its failures: the run stopped
   * there with "arithmetic needs it while planning" and exit 2 whether or not a job had failed,
   * where bash exits 0; now the walk waits for the jobs before it, as for {@code [ -s f ]}, and
   * computes with the count they left.
   */
  @Test
  void arithmeticOnACountOfFailuresWaitsForTheJobs() throws Exception {
    String script = """
        nerr=0
        for f in a b; do
          ncks -O $f.nc $f.out.nc || nerr=$((nerr + 1))
        done
        echo "errors: $nerr"
        exit $(( nerr > 0 ? 2 : 0 ))
        """;
    Planning p = Script.planning(script, "script.sh", dir, Map.of("HOME", "/home/sci", "PATH", "/usr/bin:/bin"), List.of());
    List<Integer> awaited = p.awaits();
    assertTrue(!awaited.isEmpty(), "it waits for the jobs whose statuses keep the count");
    p.resume(step -> "", step -> 0); // both succeeded: the count stays 0
    assertTrue(p.done());
    assertEquals(0, p.plan().exitStatus());
    // a.nc failed: #0 ncks 1, #1 the count after it 1, #2 ncks 0, #3 the count after it 1
    p = Script.planning(script, "script.sh", dir, Map.of("HOME", "/home/sci", "PATH", "/usr/bin:/bin"), List.of());
    assertEquals(List.of(0, 1, 2, 3, 4), p.awaits());
    p.resume(step -> "", step -> step == 2 || step == 4 ? 0 : 1);
    assertTrue(p.done());
    assertEquals(2, p.plan().exitStatus());
  }
}
