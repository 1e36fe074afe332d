package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that a function, subshell or script this one runs writes after an exit of its own on a
 * job's status ({@code ncbo ... || exit 5}, then {@code ncwa ... gbias.nc}): there only where that
 * exit was not taken, which a glob after it cannot know while planning.
 */
class ExitBoundFilesTest {

  @TempDir
  Path dir;

  /**
   * {@code results=(out/*_gbias.nc)} after the diagnostics: the glob took the files written after
   * a {@code || return 1} or a script's {@code || exit 5} as there, and bin/swamp run said
   * nothing of it, where bash's glob found none when the step before failed.
   */
  @Test
  void aGlobAfterAnExitBoundWriteSaysWhatItAssumed() throws Exception {
    Plan p = Scripts.plan(dir, """
        mkdir -p out
        diag() {
          ncbo -O --op_typ=sub $1.nc ref.nc out/$1_bias.nc || return 1
          ncwa -O -a lat,lon out/$1_bias.nc out/$1_gbias.nc
        }
        diag ccsm
        cat > one.sh <<'EOF'
        ncbo -O --op_typ=sub $1.nc ref.nc out/$1_bias.nc || exit 5
        ncwa -O -a lat,lon out/$1_bias.nc out/$1_gbias.nc
        EOF
        bash one.sh gfdl
        results=(out/*_gbias.nc)
        echo "${results[@]}"
        """);
    assertEquals(List.of(
        dir + "/out/ccsm_gbias.nc is planned as there; line 4 writes it only where 'exit 1' (line 3) is not taken,"
            + " which it is if 'ncbo -O --op_typ=sub ccsm.nc ref.nc out/ccsm_bias.nc' (line 3) fails",
        dir + "/out/gfdl_gbias.nc is planned as there; line 2 writes it only where 'exit 5' (line 1) is not taken,"
            + " which it is if 'ncbo -O --op_typ=sub gfdl.nc ref.nc out/gfdl_bias.nc' (line 1) fails"),
        p.assumed());
  }
}
