package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options of {@code shopt} that change what a glob matches, against what the planner writes in words. */
class GlobOptionsTest {

  @TempDir
  Path dir;

  /**
   * Under {@code shopt -s nullglob} an unquoted count that a job's status sets, {@code [ $failed
   * -eq 0 ] || exit 1}: the mark that stands for the status while planning holds a {@code ?},
   * which was taken for a glob that matched nothing and dropped, so the run printed "[: -eq: unary
   * operator expected" and exited 1 where bash's count was a number.
   */
  @Test
  void aJobsStatusIsNoGlobUnderNullglob() throws Exception {
    List<Plan.Command> c = Scripts.plan(dir, """
        shopt -s nullglob
        failed=0
        ncks -m a.nc > /dev/null 2>&1 || failed=$((failed + 1))
        [ $failed -eq 1 ] || exit 1
        echo one failed
        for rc in $? x; do echo $rc; done
        """).commands();
    List<String> texts = c.stream().map(Plan.Command::text).toList();
    assertEquals("echo one failed", texts.get(texts.size() - 3), String.join("\n", texts));
    assertEquals(List.of("echo '$?'", "echo x"), texts.subList(texts.size() - 2, texts.size()));
  }
  /**
   * {@code GLOBIGNORE='*_0[2-9].nc:*_1?.nc'}, the months a script leaves out of {@code ccsm_*.nc}:
   * the planner ignored it and the glob took all twelve; as bash's, it drops the names it
   * matches (all dropped: the pattern stays as written), and, set, lets a wildcard match a leading dot.
   */
  @Test
  void globignoreDropsTheNamesItMatches() throws Exception {
    for (String f : List.of("ccsm_01.nc", "ccsm_02.nc", "ccsm_11.nc", ".hidden.nc")) {
      java.nio.file.Files.writeString(dir.resolve(f), "");
    }
    assertEquals(List.of("echo ccsm_01.nc", "echo '*.cdl'", "echo .hidden.nc ccsm_01.nc", "echo ccsm_01.nc ccsm_02.nc ccsm_11.nc"),
        Scripts.texts(dir, """
        GLOBIGNORE='*_0[2-9].nc:*_1?.nc'
        echo ccsm_*.nc
        echo *.cdl
        echo *.nc
        unset GLOBIGNORE
        echo *.nc
        """));
  }
}
