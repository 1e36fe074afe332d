package swamp.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptTest {

  // ------------------------------------------------------------ word splitting

  @Test
  void splitsOnUnquotedBlanks() throws Exception {
    assertEquals(List.of("ncks", "-v", "T", "in.nc", "out.nc"), Script.split("  ncks  -v\tT in.nc   out.nc  "));
    assertEquals(List.of(), Script.split(""));
    assertEquals(List.of(), Script.split("   \t "));
  }

  @Test
  void singleQuotesAreLiteral() throws Exception {
    assertEquals(List.of("echo", "a  b", "$HOME \\n \"x\""), Script.split("echo 'a  b' '$HOME \\n \"x\"'"));
  }

  @Test
  void doubleQuotesEscapeOnlyBackslashQuoteDollarBacktick() throws Exception {
    assertEquals(List.of("echo", "a \" \\ $ ` \\n \\x"), Script.split("echo \"a \\\" \\\\ \\$ \\` \\n \\x\""));
    assertEquals(List.of("echo", "it's"), Script.split("echo \"it's\""));
  }

  @Test
  void backslashOutsideQuotesEscapesNextCharacter() throws Exception {
    assertEquals(List.of("echo", "a b", "'", "\"", "\\", "#x", "|"), Script.split("echo a\\ b \\' \\\" \\\\ \\#x \\|"));
  }

  @Test
  void quotedPartsJoinAdjacentText() throws Exception {
    assertEquals(List.of("ncap2", "-s", "T2=T*2", "pre'fix'\"suf\"x"),
        Script.split("ncap2 -s 'T2=T*2' pre\"'fix'\"'\"suf\"'x"));
    assertEquals(List.of("--opt=a b"), Script.split("--opt='a b'"));
  }

  @Test
  void emptyQuotesMakeEmptyWords() throws Exception {
    assertEquals(List.of("printf", "", "x", ""), Script.split("printf '' x \"\""));
  }

  @Test
  void noExpansion() throws Exception {
    assertEquals(List.of("echo", "$HOME", "*.nc", "~", "`date`", "${X}"), Script.split("echo $HOME *.nc ~ `date` ${X}"));
  }

  @Test
  void hashStartsCommentOnlyAtStartOfWord() throws Exception {
    assertEquals(List.of("echo", "a#b", "c"), Script.split("echo a#b c # a comment 'unterminated"));
    assertEquals(List.of("echo", "#quoted", "#"), Script.split("echo '#quoted' \"#\" #rest"));
    assertEquals(List.of(), Script.split("# only a comment"));
    assertEquals(List.of("echo", "#x"), Script.split("echo ''#x"));
  }

  @Test
  void splitErrors() {
    Script.ParseException e = assertThrows(Script.ParseException.class, () -> Script.split("echo 'abc"));
    assertEquals("unterminated single quote", e.getMessage());
    e = assertThrows(Script.ParseException.class, () -> Script.split("echo \"abc", 7));
    assertEquals("line 7: unterminated double quote", e.getMessage());
    assertEquals(7, e.line());
    e = assertThrows(Script.ParseException.class, () -> Script.split("echo abc \\", 2));
    assertTrue(e.getMessage().startsWith("line 2: trailing backslash"), e.getMessage());
    e = assertThrows(Script.ParseException.class, () -> Script.split("echo \"abc\\\"", 2));
    assertEquals("line 2: unterminated double quote", e.getMessage());
  }

  @Test
  void shellOperatorsAreRefused() {
    for (String line : List.of("ncks -H in.nc | grep T", "ncks -H in.nc > out.txt", "sort < in.txt",
        "true && false", "true || false", "true ; false", "sleep 10 &", "echo x >> log")) {
      Script.ParseException e = assertThrows(Script.ParseException.class, () -> Script.split(line, 4), line);
      assertTrue(e.getMessage().startsWith("line 4: '"), e.getMessage());
      assertTrue(e.getMessage().contains("is a shell operator; swamp runs each line as one command without a shell"),
          e.getMessage());
    }
    Script.ParseException e = assertThrows(Script.ParseException.class, () -> Script.split("ncks -H in.nc | grep T", 4));
    assertTrue(e.getMessage().startsWith("line 4: '|' is a shell operator; swamp runs each line as one command without a shell"),
        e.getMessage());
    e = assertThrows(Script.ParseException.class, () -> Script.split("echo x >>log"));
    assertTrue(e.getMessage().startsWith("'>>' is a shell operator"), e.getMessage());
    e = assertThrows(Script.ParseException.class, () -> Script.split("cmd 2>&1"));
    assertTrue(e.getMessage().startsWith("'>&' is a shell operator"), e.getMessage());
  }

  @Test
  void quotedOrEscapedOperatorsAreArguments() throws Exception {
    assertEquals(List.of("echo", "|", "a > b", "&&", ";"), Script.split("echo '|' \"a > b\" \\&\\& \\;"));
    assertEquals(List.of("ncap2", "-s", "where(T>300) T=300"), Script.split("ncap2 -s 'where(T>300) T=300'"));
  }

  // ------------------------------------------------------------ whole scripts

  @Test
  void parseSkipsBlankLinesAndCommentsAndKeepsLineNumbers() throws Exception {
    List<Script.Command> cmds = Script.parse("# header\n\necho one\n   # indented comment\necho 'two words'\n\n");
    assertEquals(2, cmds.size());
    assertEquals(3, cmds.get(0).line());
    assertEquals(List.of("echo", "one"), cmds.get(0).argv());
    assertEquals(5, cmds.get(1).line());
    assertEquals(List.of("echo", "two words"), cmds.get(1).argv());
  }

  @Test
  void parseEmptyScript() throws Exception {
    assertEquals(List.of(), Script.parse(""));
    assertEquals(List.of(), Script.parse("# nothing\n\n"));
  }

  @Test
  void parseHandlesCrLf() throws Exception {
    List<Script.Command> cmds = Script.parse("echo a\r\necho 'b'\r\n");
    assertEquals(List.of("echo", "a"), cmds.get(0).argv());
    assertEquals(List.of("echo", "b"), cmds.get(1).argv());
  }

  @Test
  void backslashNewlineContinuesTheCommand() throws Exception {
    List<Script.Command> cmds = Script.parse("ncks -v T \\\n   in.nc \\\n   out.nc\necho \"a\\\nb\"\necho done");
    assertEquals(3, cmds.size());
    assertEquals(1, cmds.get(0).line());
    assertEquals(List.of("ncks", "-v", "T", "in.nc", "out.nc"), cmds.get(0).argv());
    assertEquals(4, cmds.get(1).line());
    assertEquals(List.of("echo", "ab"), cmds.get(1).argv());
    assertEquals(6, cmds.get(2).line());
    Script.ParseException e = assertThrows(Script.ParseException.class, () -> Script.parse("echo a\necho b \\"));
    assertEquals(2, e.line());
  }

  @Test
  void parseErrorsNameTheLine() {
    Script.ParseException e = assertThrows(Script.ParseException.class,
        () -> Script.parse("echo ok\n\necho \"oops\necho fine"));
    assertEquals("line 3: unterminated double quote", e.getMessage());
    assertEquals(3, e.line());
    assertEquals("unterminated double quote", e.problem());

    e = assertThrows(Script.ParseException.class, () -> Script.parse("# c\necho 'x\n"));
    assertEquals("line 2: unterminated single quote", e.getMessage());

    e = assertThrows(Script.ParseException.class, () -> Script.parse("echo a\necho b\n\nncks -H in.nc | less\n"));
    assertTrue(e.getMessage().startsWith("line 4: '|' is a shell operator; swamp runs each line as one command without a shell"),
        e.getMessage());

    e = assertThrows(Script.ParseException.class, () -> Script.parse("echo a\n'' x\n"));
    assertEquals("line 2: empty command name", e.getMessage());
  }

  @Test
  void parseFile(@TempDir Path dir) throws IOException, Script.ParseException {
    Path f = dir.resolve("s.swamp");
    Files.writeString(f, "# demo\necho hello\nsleep 1\n");
    List<Script.Command> cmds = Script.parse(f);
    assertEquals(List.of(2, 3), cmds.stream().map(Script.Command::line).toList());
  }

  // ------------------------------------------------------------ dependencies

  private static List<Set<Integer>> deps(String script) throws Script.ParseException {
    return Script.parse(script).stream().map(Script.Command::dependsOn).toList();
  }

  @Test
  void independentEchoLinesRunInParallel() throws Exception {
    assertEquals(List.of(Set.of(), Set.of(), Set.of()), deps("echo a\necho b\necho a b\n"));
  }

  @Test
  void ncoExtractionsOfOneInputAreIndependent() throws Exception {
    assertEquals(List.of(Set.of(), Set.of()), deps("ncks -v T in.nc t.nc\nncks -v P in.nc p.nc\n"));
  }

  @Test
  void ncoChainWaits() throws Exception {
    String s = """
        ncks -v T in.nc t1.nc
        ncks -v T -d time,1 in.nc t2.nc
        ncra t1.nc t2.nc avg.nc
        ncks -H avg.nc
        ncks -H in.nc
        """;
    assertEquals(List.of(Set.of(), Set.of(), Set.of(1, 2), Set.of(3), Set.of()), deps(s));
  }

  @Test
  void ncoOutputOptionForms() throws Exception {
    assertEquals(List.of(Set.of(), Set.of(1)), deps("ncra -O -o avg.nc a.nc b.nc c.nc\nncks -H avg.nc\n"));
    assertEquals(List.of(Set.of(), Set.of(1)), deps("ncra --output avg.nc a.nc b.nc\nncks -H ./avg.nc\n"));
    assertEquals(List.of(Set.of(), Set.of(1)), deps("ncra --output=avg.nc a.nc b.nc\nncks -H avg.nc\n"));
    assertEquals(List.of(Set.of(), Set.of(1)), deps("ncwa -a lat,lon --fl_out avg.nc in.nc\nncks avg.nc\n"));
    assertEquals(List.of(Set.of(), Set.of(1)), deps("ncwa -a lat,lon -o=avg.nc in.nc\nncks avg.nc\n"));
    assertEquals(List.of(Set.of(), Set.of(1)), deps("ncwa -a lat,lon -oavg.nc in.nc\nncks avg.nc\n"));
    // options after the positionals, as getopt allows
    assertEquals(List.of(Set.of(), Set.of(1)), deps("ncks in.nc t.nc -v T\nncks -H t.nc\n"));
  }

  @Test
  void ncoAccessSets() {
    Script.Access a = Script.access(List.of("ncks", "-O", "-v", "T", "-d", "time,0,2", "./data//in.nc", "out/t.nc"));
    assertEquals(Set.of("out/t.nc"), a.writes());
    assertEquals(Set.of("data/in.nc", "T", "time,0,2"), a.reads());
    // a single positional: ncks only reads (prints)
    a = Script.access(List.of("/usr/bin/ncks", "-H", "-v", "T", "t.nc"));
    assertEquals(Set.of(), a.writes());
    assertTrue(a.reads().contains("t.nc"));
    // ncap2 -v is a flag, -s takes an expression
    a = Script.access(List.of("ncap2", "-v", "-s", "T2=T*2", "in.nc", "out.nc"));
    assertEquals(Set.of("out.nc"), a.writes());
    assertEquals(Set.of("T2=T*2", "in.nc"), a.reads());
    // -p: inputs live under that path
    a = Script.access(List.of("ncra", "-p", "/data", "a.nc", "b.nc", "avg.nc"));
    assertEquals(Set.of("avg.nc"), a.writes());
    assertTrue(a.reads().containsAll(Set.of("/data/a.nc", "/data/b.nc", "a.nc", "/data")), a.reads().toString());
  }

  @Test
  void ncattedAndNcrenameInPlace() throws Exception {
    Script.Access a = Script.access(List.of("ncatted", "-a", "units,T,o,c,K", "t.nc"));
    assertEquals(Set.of("t.nc"), a.writes());
    assertTrue(a.reads().contains("t.nc"));
    String s = """
        ncks -v T in.nc t.nc
        ncatted -a units,T,o,c,K t.nc
        ncrename -v T,temp t.nc
        ncks -H t.nc
        ncrename -v T,temp in.nc renamed.nc
        """;
    // in-place edits serialize; the copy to renamed.nc only reads in.nc, which nobody writes
    assertEquals(List.of(Set.of(), Set.of(1), Set.of(2), Set.of(3), Set.of()), deps(s));
  }

  @Test
  void writeAfterReadWaits() throws Exception {
    // line 2 overwrites what line 1 reads (WAR); line 3 rewrites what line 2 wrote (WAW)
    assertEquals(List.of(Set.of(), Set.of(1), Set.of(2)), deps("ncks -H a.nc\nncks -O b.nc a.nc\nncks -O c.nc a.nc\n"));
  }

  @Test
  void dependenciesAreTransitivelyReduced() throws Exception {
    String s = "ncks in.nc a.nc\nncks a.nc b.nc\nncbo a.nc b.nc c.nc\n";
    // line 3 conflicts with 1 and 2, but 2 already waits for 1
    assertEquals(List.of(Set.of(), Set.of(1), Set.of(2)), deps(s));
  }

  @Test
  void dependenciesUseFileLineNumbers() throws Exception {
    List<Script.Command> cmds = Script.parse("# make\nncks -v T in.nc t.nc\n\n# use\nncks -H t.nc\n");
    assertEquals(2, cmds.get(0).line());
    assertEquals(5, cmds.get(1).line());
    assertEquals(Set.of(2), cmds.get(1).dependsOn());
  }

  @Test
  void cpAndMv() throws Exception {
    String s = """
        cp in.nc copy.nc
        ncks -H copy.nc
        mv copy.nc moved.nc
        cat moved.nc
        cat in.nc
        """;
    // 2 reads 1's output; 3 removes copy.nc that 2 reads; 4 reads 3's output; 5 only reads
    assertEquals(List.of(Set.of(), Set.of(1), Set.of(2), Set.of(3), Set.of()), deps(s));
    Script.Access a = Script.access(List.of("mv", "-f", "a.nc", "b.nc", "dir/"));
    assertEquals(Set.of("dir", "dir/a.nc", "dir/b.nc", "a.nc", "b.nc"), a.writes());
    a = Script.access(List.of("cp", "-t", "dir", "a.nc", "b.nc"));
    assertEquals(Set.of("dir", "dir/a.nc", "dir/b.nc"), a.writes());
    assertEquals(Set.of("a.nc", "b.nc"), a.reads());
    // copying into a directory: a reader of dir/x.nc waits
    assertEquals(List.of(Set.of(), Set.of(1)), deps("cp x.nc backup/\nncks -H backup/x.nc\n"));
  }

  @Test
  void rmMkdirTouch() throws Exception {
    String s = """
        mkdir out
        ncks -v T in.nc out/t.nc
        ncks -v P in.nc out/p.nc
        touch stamp
        rm -f out/t.nc
        rm -rf out
        """;
    // mkdir before writing into out/; t and p independent; touch independent;
    // rm of out/t.nc after its writer; rm -rf out after everything in it
    assertEquals(List.of(Set.of(), Set.of(1), Set.of(1), Set.of(), Set.of(2), Set.of(3, 5)), deps(s));
    assertEquals(Set.of("a/b/c", "a/b", "a"), Script.access(List.of("mkdir", "-p", "a/b/c")).writes());
    assertEquals(Set.of("d"), Script.access(List.of("mkdir", "-m", "755", "d")).writes());
    Script.Access t = Script.access(List.of("touch", "-r", "ref", "f"));
    assertEquals(Set.of("f"), t.writes());
    assertEquals(Set.of("ref"), t.reads());
  }

  @Test
  void unknownProgramsWriteNothing() throws Exception {
    assertEquals(List.of(Set.of(), Set.of()), deps("python3 make.py out.nc\ncat out.nc\n"));
    assertEquals(List.of(Set.of(), Set.of(1)), deps("touch f\nwc -l ./f\n"));
  }

  @Test
  void pathNormalization() {
    assertEquals("x.nc", Script.normalize("./x.nc"));
    assertEquals("a/b", Script.normalize("a//b/"));
    assertEquals("a/b", Script.normalize("./a/./b"));
    assertEquals(".", Script.normalize("./"));
    assertEquals("/", Script.normalize("//"));
    assertEquals("/tmp/x", Script.normalize("/tmp//x"));
    assertEquals("../x", Script.normalize("../x"));
  }

  @Test
  void readingTheWorkingDirectoryWaitsForRelativeWrites() throws Exception {
    assertEquals(List.of(Set.of(), Set.of(), Set.of(1)), deps("touch a\ntouch /tmp/b\nls .\n"));
  }
}
