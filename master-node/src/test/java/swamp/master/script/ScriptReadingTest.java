package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The script file's lines as bash 5.2 reads them ({@link ScriptReading}): {@code set -v} prints
 * them on standard error, and a here-document the end of the file ends is bash's warning.
 */
class ScriptReadingTest {

  @TempDir
  Path dir;

  private List<String> texts(String script) throws ScriptException {
    return Scripts.texts(dir, script);
  }

  /**
   * {@code set -v}: each line as bash reads it, a complete command at a time (a loop or a
   * function's definition whole, the comments and blank lines before it too), before it runs; a
   * function's lines where it is defined, not where it is called; {@code $-} holds v. swamp
   * accepted set -v and printed nothing.
   */
  @Test
  void setVPrintsEachLineAsBashReadsIt() throws Exception {
    assertEquals(List.of("echo start", "printf %s $'# a comment\\n\\necho hi; echo two\\n'", "echo hi", "echo two",
        "printf %s $'for i in 1 2; do\\n  echo $i\\ndone\\n'", "echo 1", "echo 2",
        "printf %s $'f() {\\n  echo in f\\n}\\n'", "printf %s $'f\\n'", "echo in f",
        "printf %s $'if true\\nthen echo \"$-\"\\nfi\\n'", "echo hvB", "printf %s $'set +v\\n'", "echo off"), texts("""
        echo start
        set -v
        # a comment

        echo hi; echo two
        for i in 1 2; do
          echo $i
        done
        f() {
          echo in f
        }
        f
        if true
        then echo "$-"
        fi
        set +v
        echo off
        """));
    assertEquals(List.of("printf %s $'echo a \\\\\\n  b\\n'", "echo a b", "printf %s $'# the end\\n# trailing\\n'"),
        texts("set -o verbose\necho a \\\n  b\n# the end\n# trailing"));
    assertEquals(List.of("printf %s $'echo \"$((\\n1))\" `\\necho b`\\n'", "echo 1 b"),
        texts("set -v\necho \"$((\n1))\" `\necho b`\n"));
  }

  /**
   * Where bash prints lines swamp does not read as it runs them (eval's, a sourced file's, a
   * trap's), or leaves lines out (a {@code $(} over lines): refused.
   */
  @Test
  void setVIsRefusedWhereBashPrintsOtherTexts() {
    assertRefusedAt("set -v\neval 'echo a'\n", 2, "'eval' under set -v");
    assertRefusedAt("set -v\ntrap 'echo t' EXIT\necho a\n", 3, "the EXIT trap under set -v");
    assertRefusedAt("eval 'set -v'\necho a\n", 1, "set -v in the text of eval");
    // bash 5.2 prints 'x=$(' and leaves out the lines after it up to its ')'
    assertRefusedAt("set -v\necho a\nx=$(\n  echo q\n)\n", 3, "command substitution '$(' goes on over lines");
  }

  /**
   * A here-document without its delimiter's line: bash's warning as it reads that command, and
   * the rest of the file its text. swamp refused the script.
   */
  @Test
  void aHereDocumentTheEndOfTheFileEnds() throws Exception {
    String warning = "script.sh: line %d: warning: here-document at line %d delimited by end-of-file"
        + " (wanted `%s\\')\\n";
    assertEquals(List.of("echo a", "printf %s $'" + warning.formatted(4, 2, "EOF") + "'", "echo '[x sci]'",
        "echo $'[\\ty]'"), texts("echo a\nwhile IFS= read -r l; do echo \"[$l]\"; done <<EOF\nx $USER\n\ty"));
    assertEquals(List.of("printf %s $'" + warning.formatted(2, 1, "EOF") + "'",
        "printf %s $'" + warning.formatted(2, 2, "E2") + "'", "echo '[x]'", "cat <<EOF"),
        texts("while read -r l; do echo \"[$l]\"; done <<-EOF; cat <<E2\n\tx\n"));
    assertEquals(List.of("printf %s $'read v <<EOF\\nx\\n'", "printf %s $'" + warning.formatted(3, 2, "EOF") + "'"),
        texts("set -v\nread v <<EOF\nx\n"));
  }

  private void assertRefusedAt(String script, int line, String construct) {
    ScriptException e = assertThrows(ScriptException.class, () -> texts(script));
    assertEquals(line, e.line(), e.getMessage());
    assertTrue(e.problem().contains(construct), e.getMessage());
  }
}
