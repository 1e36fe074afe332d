package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regular expression of {@code [[ WORD =~ REGEX ]]}, as bash reads it: a POSIX extended one
 * (regcomp's), which scripts use to pick a namelist's {@code key = 'value'} lines apart.
 */
class RegexTest {

  @TempDir
  Path dir;

  /**
   * A regular expression that starts with its group, {@code =~ ([a-z_]+)=}: the planner read the
   * {@code (} as a subshell's and stopped the script with "invalid regular expression '('".
   */
  @Test
  void aRegexMayStartWithAGroup() throws Exception {
    assertEquals(List.of("echo key=case_name", "echo 'all (ccsm)'"), Scripts.texts(dir, """
        line="case_name='piControl'"
        [[ $line =~ ([a-z_]+)= ]] && echo "key=${BASH_REMATCH[1]}"
        [[ ccsm_01.nc =~ (ccsm|gfdl)_ ]] && echo "all (${BASH_REMATCH[1]})"
        """));
  }

  /**
   * POSIX's character classes in brackets, {@code [[:space:]]}, {@code [[:alpha:]]}: Java's
   * regular expressions took {@code [[:space:]]} for the characters {@code :space}, so a namelist's
   * line matched nothing and the script went on without its settings, where bash's matched.
   */
  @Test
  void posixClassesInBracketsAreThoseOfBash() throws Exception {
    assertEquals(List.of("echo 'case_name piControl'", "echo blank", "echo 'alpha: s'",
        "echo 'bracket first: ]'", "echo 'no backslash: a quoted dot'"), Scripts.texts(dir, """
        line="  case_name   = 'piControl'"
        if [[ $line =~ ^[[:space:]]*([a-z_]+)[[:space:]]*=[[:space:]]*\\'(.*)\\'[[:space:]]*$ ]]; then
          echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
        fi
        [[ "a b" =~ a[[:blank:]]b ]] && echo blank
        [[ "::s" =~ :([[:alpha:]]) ]] && echo "alpha: ${BASH_REMATCH[1]}"
        [[ "x]y" =~ x([]a])y ]] && echo "bracket first: ${BASH_REMATCH[1]}"
        [[ 'a\\b' =~ a[\\.]b ]] || echo "no backslash: a quoted dot"
        """));
  }
}
