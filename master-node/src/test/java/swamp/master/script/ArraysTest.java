package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Arrays' elements as scripts assign them, and slices of them and of strings: each expected plan what bash 5.2 prints. */
class ArraysTest {

  @TempDir
  Path dir;

  /**
   * A subscript that holds an array's element, {@code cfg[${BASH_REMATCH[1]}]=v} (a namelist read
   * into an associative array) or {@code out[${idx[0]}]=x}: its {@code ]} ended the subscript, the
   * word was no assignment, and the run started the program {@code cfg[case_name]=piControl}
   * ("not found on the PATH") where bash assigned.
   */
  @Test
  void aSubscriptMayHoldAnArraysElement() throws Exception {
    assertEquals(List.of("echo 'piControl T'", "echo b a", "echo 'x y'"), Scripts.texts(dir, """
        declare -A cfg
        if [[ "case_name=piControl" =~ ^([a-z_]+)=(.*)$ ]]; then
          cfg[${BASH_REMATCH[1]}]="${BASH_REMATCH[2]}"
        fi
        line="variable=T"
        cfg[${line%%=*}]=${line#*=}
        echo "${cfg[case_name]} ${cfg[variable]}"
        idx=(1 0)
        out[${idx[0]}]=a
        out[$(( idx[1] ))]=b
        echo "${out[@]}"
        declare -A m=([${idx[0]}]=x [$(echo 2)]=y)
        echo "${m[1]} ${m[2]}"
        """));
  }

  /**
   * A negative offset before the start, {@code ${yrs: -6:4}} of {@code ccsm}, {@code ${a[@]: -5:2}}:
   * bash expands it to nothing; the planner started at the first character or element, so a
   * summary read "ccsm-ccsm" where bash's read "ccsm-".
   */
  @Test
  void aNegativeOffsetBeforeTheStartIsNothing() throws Exception {
    assertEquals(List.of("echo '[] [] [cc] [] [s]'", "echo '[] [q' 'r] []'",
        "echo '[] [y' 'z] [script.sh' 'x]'"), Scripts.texts(dir, """
        v=ccsm
        echo "[${v: -6:4}] [${v: -6}] [${v: -4:2}] [${v:6}] [${v:2:-1}]"
        a=(p q r)
        echo "[${a[@]: -5:2}] [${a[@]: -2}] [${a[@]:5}]"
        set -- x y z
        echo "[${@: -5:2}] [${@: -2}] [${@:0:2}]"
        """));
  }

  /**
   * A negative length that ends before the offset, {@code ${v:3:-2}} of {@code ccsm}: bash's error
   * "-2: substring expression < 0" abandons the line, status 1; the planner printed "[]".
   */
  @Test
  void aLengthEndingBeforeTheOffsetIsBashsError() throws Exception {
    assertEquals(List.of("printf %s $'script.sh: line 2: -2: substring expression < 0\\n'", "echo 'after 1' '[] []'"),
        Scripts.texts(dir, """
        v=ccsm
        echo "[${v:3:-2}]"
        echo "after $?" "[${v: -6:-2}] [${v:5:-2}]"
        """));
  }
}
