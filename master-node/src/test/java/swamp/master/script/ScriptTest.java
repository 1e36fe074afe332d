package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  // ------------------------------------------------------------ dependencies

  /** Each command's dependencies, as the lines of the commands it waits for. */
  static List<Set<Integer>> deps(String script) throws ScriptException {
    List<Plan.Command> cmds = plan(script);
    return cmds.stream().map(c -> c.dependsOn().stream().map(d -> cmds.get(d).line())
        .collect(java.util.stream.Collectors.toSet())).toList();
  }

  static List<Plan.Command> plan(String script) throws ScriptException {
    return Script.plan(script, "test.sh", Path.of("/nonexistent/work"), java.util.Map.of("HOME", "/home/u"),
        List.of()).commands();
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
  void lsWithoutOperandsReadsItsDirectory() throws Exception {
    // '(cd d && ls) > l.txt' lists what the lines before it wrote into d
    assertEquals(List.of(Set.of(), Set.of(1), Set.of(2)), deps("mkdir -p d\nncks in.nc d/a.nc\ncd d\nls > ../l.txt\n"));
  }

  @Test
  void ncoLoopOptionNamesTheInputFiles() throws Exception {
    // NCO's manual: '-n 3,2,1,12 85_12.nc' reads 85_12.nc, 85_01.nc and 85_02.nc
    assertEquals(List.of("85_06.nc", "85_07.nc", "85_08.nc"), NcoFiles.loopFiles("3,2,1", "85_06.nc"));
    assertEquals(List.of("85_12.nc", "85_01.nc", "85_02.nc"), NcoFiles.loopFiles("3,2,1,12", "85_12.nc"));
    assertEquals(List.of("h0010", "h0015", "h0020"), NcoFiles.loopFiles("3,4,5", "h0010"));
    assertEquals(List.of("x.nc"), NcoFiles.loopFiles("3,2,1", "x.nc"));
    // the concatenation waits for every file it reads, not only for the first
    assertEquals(List.of(Set.of(), Set.of(), Set.of(), Set.of(1, 2, 3)), deps("""
        ncks -O a.nc work/T_200001.nc
        ncks -O b.nc work/T_200002.nc
        ncks -O c.nc work/T_200003.nc
        ncrcat -O -n 3,2,1 work/T_200001.nc out.nc
        """));
  }

  @Test
  void ncoAccessSets() {
    ArgvFiles a = ArgvFiles.of(List.of("ncks", "-O", "-v", "T", "-d", "time,0,2", "./data//in.nc", "out/t.nc"));
    assertEquals(Set.of("out/t.nc"), a.writes());
    assertEquals(Set.of("data/in.nc", "T", "time,0,2"), a.reads());
    // a single positional: ncks only reads (prints)
    a = ArgvFiles.of(List.of("/usr/bin/ncks", "-H", "-v", "T", "t.nc"));
    assertEquals(Set.of(), a.writes());
    assertTrue(a.reads().contains("t.nc"));
    // ncap2 -v is a flag, -s takes an expression
    a = ArgvFiles.of(List.of("ncap2", "-v", "-s", "T2=T*2", "in.nc", "out.nc"));
    assertEquals(Set.of("out.nc"), a.writes());
    assertEquals(Set.of("T2=T*2", "in.nc"), a.reads());
    // -p: inputs live under that path
    a = ArgvFiles.of(List.of("ncra", "-p", "/data", "a.nc", "b.nc", "avg.nc"));
    assertEquals(Set.of("avg.nc"), a.writes());
    assertTrue(a.reads().containsAll(Set.of("/data/a.nc", "/data/b.nc", "a.nc", "/data")), a.reads().toString());
  }

  @Test
  void findReadsItsStartingPointsAndWritesThemWhereItsActionsChangeFiles() throws Exception {
    ArgvFiles a = ArgvFiles.of(List.of("find", "out", "in", "-name", "*.nc", "-type", "f"));
    assertEquals(Set.of("out", "in"), a.reads());
    assertEquals(Set.of(), a.writes());
    assertEquals(Set.of("."), ArgvFiles.of(List.of("find", "-name", "*.tmp", "-delete")).writes(), "by default .");
    a = ArgvFiles.of(List.of("find", "-L", "out", "(", "-name", "*.nc", ")", "-exec", "ncatted", "-a", "x,global,o,c,y",
        "{}", ";"));
    assertEquals(Set.of("out"), a.writes());
    // what comes after waits for it, and it for what writes beneath where it starts
    assertEquals(List.of(Set.of(), Set.of(1), Set.of(2), Set.of()), deps("ncks -O in.nc out/a.nc\n"
        + "find out -name '*.nc' -exec ncatted -O -a t,global,o,c,v {} \\;\nncks -M out/a.nc\nncks -M in.nc\n"));
  }

  @Test
  void sedReadsItsFilesAndWritesThemInPlace() throws Exception {
    ArgvFiles a = ArgvFiles.of(List.of("sed", "-E", "s/x/y/", "a.txt", "b.txt"));
    assertEquals(Set.of(), a.writes());
    assertEquals(Set.of("a.txt", "b.txt"), a.reads(), "the first operand is the script");
    a = ArgvFiles.of(List.of("sed", "-n", "-e", "1p", "-f", "edit.sed", "a.txt"));
    assertEquals(Set.of("edit.sed", "a.txt"), a.reads());
    a = ArgvFiles.of(List.of("sed", "-i.bak", "s/x/y/", "d/a.txt"));
    assertEquals(Set.of("d/a.txt", "d/a.txt.bak"), a.writes());
    a = ArgvFiles.of(List.of("sed", "--in-place=old_*", "-e", "s/x/y/", "d/a.txt"));
    assertEquals(Set.of("d/a.txt", "d/old_a.txt"), a.writes());
    assertEquals(List.of(Set.of(), Set.of(1)), deps("ncks -m in.nc > vars.txt\nsed -i 's/ //g' vars.txt\n"),
        "sed -i waits for what writes its file");
  }

  @Test
  void ncattedAndNcrenameInPlace() throws Exception {
    ArgvFiles a = ArgvFiles.of(List.of("ncatted", "-a", "units,T,o,c,K", "t.nc"));
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
    List<Plan.Command> cmds = plan("# make\nncks -v T in.nc t.nc\n\n# use\nncks -H t.nc\n");
    assertEquals(2, cmds.get(0).line());
    assertEquals(5, cmds.get(1).line());
    assertEquals(Set.of(0), cmds.get(1).dependsOn());
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
    ArgvFiles a = ArgvFiles.of(List.of("mv", "-f", "a.nc", "b.nc", "dir/"));
    assertEquals(Set.of("dir", "dir/a.nc", "dir/b.nc", "a.nc", "b.nc"), a.writes());
    a = ArgvFiles.of(List.of("cp", "-t", "dir", "a.nc", "b.nc"));
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
    assertEquals(Set.of("a/b/c", "a/b", "a"), ArgvFiles.of(List.of("mkdir", "-p", "a/b/c")).writes());
    assertEquals(Set.of("d"), ArgvFiles.of(List.of("mkdir", "-m", "755", "d")).writes());
    ArgvFiles t = ArgvFiles.of(List.of("touch", "-r", "ref", "f"));
    assertEquals(Set.of("f"), t.writes());
    assertEquals(Set.of("ref"), t.reads());
  }

  /**
   * A program swamp does not know may write any path it names: {@code cat out.nc} waits for
   * {@code python3 make.py out.nc}, {@code cdo} for the line that writes its input, and the
   * reader of its output for it; the interpreter's script, and a word that names no path (a
   * variable's name), are only read. Launchers ({@code nice}, {@code env}, {@code timeout}) touch
   * what they run touches.
   */
  @Test
  void unknownProgramsMayWriteEveryPathTheyName() throws Exception {
    assertEquals(List.of(Set.of(), Set.of(1)), deps("python3 make.py out.nc\ncat out.nc\n"));
    assertEquals(List.of(Set.of(), Set.of(1), Set.of(2)),
        deps("ncks -O -v T in.nc t.nc\ncdo -O timmean t.nc tm.nc\nncks -H tm.nc\n"));
    assertEquals(List.of(Set.of(), Set.of(), Set.of(1, 2)),
        deps("python3 plot.py a.nc a.png\npython3 plot.py b.nc b.png\nmontage a.png b.png ab.png\n"));
    ArgvFiles py = ArgvFiles.of(List.of("python3", "-u", "plot.py", "-v", "T", "--out=figs/t.png", "gm.nc"));
    assertTrue(py.guessed());
    assertEquals(Set.of("plot.py", "T", "figs/t.png", "gm.nc"), py.reads());
    assertEquals(Set.of("figs/t.png", "gm.nc"), py.writes());
    assertEquals(List.of(Set.of(), Set.of()), deps("wc -l a.txt\ngrep x a.txt\n"), "readers only");
    assertFalse(ArgvFiles.of(List.of("grep", "-c", "float", "meta.txt")).guessed());
    ArgvFiles nice = ArgvFiles.of(List.of("nice", "-n", "10", "ncks", "-O", "in.nc", "out.nc"));
    assertEquals(Set.of("in.nc"), nice.reads());
    assertEquals(Set.of("out.nc"), nice.writes());
    assertEquals(Set.of("o.nc"), ArgvFiles.of(List.of("env", "OMP_NUM_THREADS=1", "ncwa", "-a", "lat", "i.nc", "o.nc")).writes());
    assertEquals(Set.of("o.nc"), ArgvFiles.of(List.of("timeout", "-s", "KILL", "60", "ncra", "i.nc", "o.nc")).writes());
    assertEquals(List.of(Set.of(), Set.of(1)), deps("touch f\nwc -l ./f\n"));
    assertEquals(List.of(Set.of(), Set.of(1)), deps("cp /opt/tools/regrid bin/regrid\nbin/regrid in.nc\n"), "the program itself");
  }

  /**
   * {@code chmod +x run.sh} comes after the line that writes run.sh, and leaves its text known:
   * {@code bash run.sh} and {@code ./run.sh} are planned from it (a text with no {@code #!} line,
   * or one that names bash or sh); one whose {@code #!} names another program runs as a job.
   */
  @Test
  void chmodOrdersItsFilesAndKeepsTheirText() throws Exception {
    String script = "cat > run.sh <<'EOF'\nncks -O in.nc out.nc\nEOF\nchmod +x run.sh\nbash run.sh\n./run.sh\n";
    List<Plan.Command> cmds = plan(script);
    assertEquals(List.of("cat <<EOF > run.sh", "chmod +x run.sh", "ncks -O in.nc out.nc", "ncks -O in.nc out.nc"),
        cmds.stream().map(c -> c.text().replaceFirst("\\n.*", "").replaceFirst("<< *'?EOF'?", "<<EOF")).toList());
    // by line: run.sh's ncks is its line 1, and the second writes out.nc after the first
    assertEquals(List.of(Set.of(), Set.of(1), Set.of(), Set.of(1)), deps(script));
    assertEquals(List.of("cat <<EOF > run.sh", "chmod +x run.sh", "ncks -O in.nc out.nc"),
        plan("cat > run.sh <<'EOF'\n#!/bin/bash\nncks -O in.nc out.nc\nEOF\nchmod +x run.sh\n./run.sh\n").stream()
            .map(c -> c.text().replaceFirst("\\n.*", "").replaceFirst("<< *'?EOF'?", "<<EOF")).toList());
    assertEquals(List.of("cat <<EOF > run.py", "chmod +x run.py", "./run.py"),
        plan("cat > run.py <<'EOF'\n#!/usr/bin/python3\nprint(1)\nEOF\nchmod +x run.py\n./run.py\n").stream()
            .map(c -> c.text().replaceFirst("\\n.*", "").replaceFirst("<< *'?EOF'?", "<<EOF")).toList());
    assertEquals(Set.of("a.nc", "b.nc"), ArgvFiles.of(List.of("chmod", "-R", "u+w", "a.nc", "b.nc")).writes());
    assertEquals(Set.of("a.nc"), ArgvFiles.of(List.of("chmod", "-w", "a.nc")).writes());
  }

  @Test
  void pathNormalization() {
    assertEquals("x.nc", ArgvFiles.normalize("./x.nc"));
    assertEquals("a/b", ArgvFiles.normalize("a//b/"));
    assertEquals("a/b", ArgvFiles.normalize("./a/./b"));
    assertEquals(".", ArgvFiles.normalize("./"));
    assertEquals("/", ArgvFiles.normalize("//"));
    assertEquals("/tmp/x", ArgvFiles.normalize("/tmp//x"));
    assertEquals("../x", ArgvFiles.normalize("../x"));
  }

  @Test
  void readingTheWorkingDirectoryWaitsForRelativeWrites() throws Exception {
    assertEquals(List.of(Set.of(), Set.of(), Set.of(1)), deps("touch a\ntouch /tmp/b\nls .\n"));
  }

  @Test
  void aScriptFileIsTextInUtf8OrLatin1AndNothingElse(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("latin.sh"),
        "# r\u00e9sum\u00e9\necho ok\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertEquals("echo ok", Script.plan(dir.resolve("latin.sh"), dir, java.util.Map.of(),
        List.of()).commands().get(0).text());
    Files.write(dir.resolve("binary.sh"), new byte[] {0x7f, 'E', 'L', 'F', 0, 1});
    IOException binary = assertThrows(IOException.class,
        () -> Script.plan(dir.resolve("binary.sh"), dir, java.util.Map.of(), List.of()));
    assertEquals(dir.resolve("binary.sh") + ": a binary file, not a script", binary.getMessage());
    IOException directory = assertThrows(IOException.class,
        () -> Script.plan(dir, dir, java.util.Map.of(), List.of()));
    assertEquals(dir + ": a directory, not a script", directory.getMessage());
  }
}
