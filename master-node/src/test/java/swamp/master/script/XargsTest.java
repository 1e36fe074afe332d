package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** xargs's commands for an input, as GNU xargs 4.9 starts them (each case checked against it). */
class XargsTest {

  private static List<List<String>> runs(String input, String... args) {
    return Xargs.invocations(List.of(args), input, 1);
  }

  @Test
  void itemsAreSplitAtBlanksAndNewlinesWithXargsQuotes() {
    assertEquals(List.of(List.of("ncks", "-O", "a.nc", "b c.nc", "d'e", "f")),
        runs("a.nc 'b c.nc'\n  \"d'e\"\tf\n", "ncks", "-O"));
    assertEquals(List.of(List.of("echo", "x y")), runs("x\\ y\n"), "echo when no command is given");
    ScriptException e = assertThrows(Refusal.class, () -> runs("it's\n", "echo")).cause;
    assertTrue(e.problem().contains("unmatched single quote"), e.problem());
  }

  @Test
  void dashNBoundsTheItemsOfEachCommand() {
    assertEquals(List.of(List.of("ncks", "-v", "T", "1.nc"), List.of("ncks", "-v", "T", "2.nc"),
        List.of("ncks", "-v", "T", "3.nc")), runs("1.nc 2.nc\n3.nc\n", "-n", "1", "ncks", "-v", "T"));
    assertEquals(List.of(List.of("echo", "1", "2"), List.of("echo", "3")), runs("1 2 3", "-n2", "-P", "4", "echo"));
    assertEquals(List.of(List.of("echo", "1", "2"), List.of("echo", "3")), runs("1 2 3", "--max-args=2", "echo"));
  }

  @Test
  void dashIPutsEachLineInPlaceOfItsString() {
    assertEquals(List.of(List.of("ncks", "-O", "-v", "T", "a b.nc", "T_a b.nc"), List.of("ncks", "-O", "-v", "T",
        "c.nc", "T_c.nc")), runs("  a b.nc\n\nc.nc\n", "-I{}", "ncks", "-O", "-v", "T", "{}", "T_{}"));
    assertEquals(List.of(List.of("mv", "x", "x.bak")), runs("x\n", "-I", "F", "mv", "F", "F.bak"));
    assertEquals(List.of(List.of("cp", "x", "d/")), runs("x\n", "-i", "cp", "{}", "d/"));
    assertEquals(List.of(), runs("", "-I{}", "echo", "{}"), "no line, no command");
  }

  @Test
  void dashLTakesLinesAndABlankAtTheEndGoesOnToTheNext() {
    assertEquals(List.of(List.of("echo", "a", "b"), List.of("echo", "c")), runs("a b\nc\n", "-L1", "echo"));
    assertEquals(List.of(List.of("echo", "a", "b", "c"), List.of("echo", "d")), runs("a \nb c\n\nd\n", "-L", "1", "echo"));
    assertEquals(List.of(List.of("echo", "a", "b")), runs("a\nb\n", "-L", "2", "echo"));
  }

  @Test
  void delimitersAndNoInput() {
    assertEquals(List.of(List.of("rm", "a b", "c")), runs("a b\0c\0", "-0", "rm"));
    assertEquals(List.of(List.of("rm", "a b"), List.of("rm", "c")), runs("a b\nc\n", "-d", "\\n", "-n", "1", "rm"));
    assertEquals(List.of(List.of("echo")), runs("", "echo"), "GNU xargs runs the command once on no input");
    assertEquals(List.of(), runs("\n \n", "-r", "echo"));
    assertEquals(List.of(), runs("", "--no-run-if-empty", "-n", "1", "echo"));
  }

  @Test
  void aLongListIsSplitWhereXargsSplitsIt() {
    String item = "x".repeat(1000);
    List<List<String>> runs = runs((item + "\n").repeat(300), "echo");
    assertEquals(3, runs.size());
    assertEquals(300, runs.stream().mapToInt(r -> r.size() - 1).sum());
    assertTrue(runs.stream().allMatch(r -> String.join(" ", r).length() < Xargs.MAX_CHARS));
  }

  @Test
  void whatNeedsATerminalOrAnotherInputIsRefusedByName() {
    for (String option : List.of("-p", "-t", "-E", "-o", "--process-slot-var=S")) {
      ScriptException e = assertThrows(Refusal.class, () -> runs("a\n", option, "x", "echo")).cause;
      assertTrue(e.problem().startsWith("xargs " + option.split("=")[0]) && e.problem().contains("not supported"),
          e.problem());
    }
    assertEquals("list.txt", Xargs.argFile(List.of("-n1", "-a", "list.txt", "echo"), 1));
    assertEquals("l.txt", Xargs.argFile(List.of("--arg-file=l.txt", "echo"), 1));
    assertEquals(List.of(List.of("echo", "a")), runs("a\n", "-a", "list.txt", "echo"), "the file's text is the input");
    ScriptException e = assertThrows(Refusal.class, () -> runs("a\n", "-n", "two", "echo")).cause;
    assertEquals("xargs -n: invalid number 'two'", e.problem());
  }

  @Test
  void optionsThatExcludeEachOtherAreWarnedOfAsGnuXargsDoes() {
    String warning = "xargs: warning: options %s and %s are mutually exclusive, ignoring previous %s value\n";
    assertEquals(String.format(warning, "--max-args", "--replace/-I/-i", "--max-args"),
        Xargs.warnings(List.of("-n1", "-P4", "-I{}", "echo", "{}"), 1));
    assertEquals("", Xargs.warnings(List.of("-I{}", "-n1", "echo", "{}"), 1), "-n 1 goes with -I");
    assertEquals(String.format(warning, "--max-args", "--replace/-I/-i", "--max-args")
        + String.format(warning, "--replace", "--max-args/-n", "--replace"),
        Xargs.warnings(List.of("-n1", "-I", "{}", "-n2", "echo", "{}"), 1));
    assertEquals(List.of(List.of("echo", "{}", "a")), runs("a\n", "-n1", "-I", "{}", "-n2", "echo", "{}"));
    assertEquals(String.format(warning, "--max-lines", "--max-args/-n", "--max-lines"),
        Xargs.warnings(List.of("-L", "1", "-n", "1", "echo"), 1));
    assertEquals(String.format(warning, "--replace", "-L", "--replace"), Xargs.warnings(List.of("-I{}", "-L1"), 1));
  }
}
