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
  /**
   * Negative subscripts counted back from the last element, {@code unset 'files[-1]'} (a list of
   * months without December) and {@code a[-1]=z}: the planner unset nothing and set an element
   * -1 before the first, so a loop over the list still took December; one before the first
   * element is bash's error.
   */
  @Test
  void negativeSubscriptsCountBackFromTheLastElement() throws Exception {
    assertEquals(List.of("echo a b 'z 3'", "echo a 'b 2'",
        "printf %s $'script.sh: line 4: unset: [-5]: bad array subscript\\n'", "echo 'rc=1 2'",
        "printf %s $'script.sh: line 5: a[-7]: bad array subscript\\n'", "echo 'after 1'"), Scripts.texts(dir, """
        a=(a b c); a[-1]=z; echo "${a[@]} ${#a[@]}"
        unset 'a[-1]'
        echo "${a[@]} ${#a[@]}"
        unset 'a[-5]'; echo "rc=$? ${#a[@]}"
        a[-7]=q; echo never
        echo "after $?"
        """));
  }

  /**
   * An integer array's elements, {@code declare -Ai n; n[$model]+=1} (files counted per model) and
   * {@code declare -ai d=(1+1 2*3)}: the planner appended the text, "1" where bash counted 3.
   */
  @Test
  void anIntegerArraysElementsAreArithmetic() throws Exception {
    assertEquals(List.of("echo '3 4'", "echo 8 5", "echo 2 6", "echo '3+4abcd 7'"), Scripts.texts(dir, """
        declare -Ai n
        for f in ccsm_01 ccsm_02 ccsm_03 obs_01; do n[${f%%_*}]+=1; done
        n[obs]+=3
        echo "${n[ccsm]} ${n[obs]}"
        declare -ai arr; arr[0]+=4; arr[0]+=4; arr+=(5); echo "${arr[@]}"
        declare -ai d=(1+1 2*3); echo "${d[@]}"
        declare -A s=([k]=3+4); s[k]+=ab; s[k]+=cd; declare -Ai t=([k]=3+4); echo "${s[k]} ${t[k]}"
        """));
  }
}
