package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code case $rc in 0) ...;; 3) ...;; *) ...;; esac} after a job or a script this one runs: the
 * exit codes a caller checks, decided once the job has run.
 */
class CaseOnStatusTest {

  @TempDir
  Path dir;

  /**
   * A driver that sorts what its diagnostics exited with: the plan stopped before anything ran
   * ("'case' needs it while planning"), where bash runs the branch of the status.
   */
  @Test
  void aCaseOnAJobsStatusTakesTheBranchOfItsNumber() throws Exception {
    List<Plan.Command> c = Scripts.plan(dir, """
        ncks -m x.nc
        rc=$?
        case $rc in
          0) echo ok ;;
          3|4) echo skipped ;;
          *) echo "failed ($rc)" ;;
        esac
        """).commands();
    // (a guard list innermost first) #0 ncks; #1 rc -eq 0, #2 its echo; #3 rc -eq 3, #4 its echo; #5 rc -eq 4, #6 its echo, #7 the last
    assertEquals(new Plan.Join(List.of(), 0, 0, -1, 0, "-eq", 0), c.get(1).join());
    assertEquals("echo ok", c.get(2).text());
    assertEquals(List.of(new Plan.Guard(1, true)), c.get(2).guards());
    assertEquals(new Plan.Join(List.of(), 0, 0, -1, 0, "-eq", 3), c.get(3).join());
    assertEquals(List.of(new Plan.Guard(1, false)), c.get(3).guards());
    assertEquals("echo skipped", c.get(4).text());
    assertEquals(List.of(new Plan.Guard(3, true), new Plan.Guard(1, false)), c.get(4).guards());
    assertEquals(new Plan.Join(List.of(), 0, 0, -1, 0, "-eq", 4), c.get(5).join());
    assertEquals("echo skipped", c.get(6).text());
    assertEquals(List.of(new Plan.Guard(5, true), new Plan.Guard(3, false), new Plan.Guard(1, false)), c.get(6).guards());
    assertEquals("echo 'failed ($?)'", c.get(7).text());
    assertEquals(List.of(new Plan.Guard(5, false), new Plan.Guard(3, false), new Plan.Guard(1, false)), c.get(7).guards());
  }
}
