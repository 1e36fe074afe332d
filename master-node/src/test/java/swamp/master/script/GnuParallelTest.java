package swamp.master.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The commands GNU parallel gives a shell: those of GNU parallel 20221122 (its --dry-run, each case), quoted as swamp quotes. */
class GnuParallelTest {

  private static List<String> texts(List<List<String>> input, String... args) {
    GnuParallel.Call call = GnuParallel.call(List.of(args), 1);
    List<List<String>> values = new java.util.ArrayList<>(input);
    call.sources().forEach(s -> values.add(s.words()));
    return GnuParallel.texts(call, values, 1);
  }

  @Test
  void eachArgumentTakesThePlaceOfItsReplacementStringQuoted() {
    assertEquals(List.of("ncks -O -v T in/a.nc T/a_T.nc", "ncks -O -v T 'in/b c.nc' T/'b c'_T.nc"),
        texts(List.of(), "-j", "4", "ncks", "-O", "-v", "T", "{}", "T/{/.}_T.nc", ":::", "in/a.nc", "in/b c.nc"));
    assertEquals(List.of("echo x.tar x.tar.gz . 1", "echo d/y y.nc d 2"),
        texts(List.of(), "echo", "{.}", "{/}", "{//}", "{#}", ":::", "x.tar.gz", "d/y.nc"));
    assertEquals(List.of("gzip a", "gzip b"), texts(List.of(), "-k", "gzip", ":::", "a", "b"),
        "without a replacement string the arguments go at the end");
  }

  @Test
  void severalSourcesGiveEveryCombinationTheFirstSlowest() {
    assertEquals(List.of("echo a-1", "echo a-2", "echo b-1", "echo b-2"),
        texts(List.of(), "echo", "{1}-{2}", ":::", "a", "b", ":::", "1", "2"));
    assertEquals(List.of("echo a 1", "echo a 2"), texts(List.of(), "echo", ":::", "a", ":::", "1", "2"));
  }

  @Test
  void theInputsLinesAreTheArgumentsOrWithoutACommandTheCommands() {
    assertEquals(List.of("wc -l a.txt", "wc -l 'b c.txt'"), texts(List.of(GnuParallel.lines("a.txt\nb c.txt\n")), "wc", "-l"));
    assertEquals(List.of("echo one", "ncks -O a.nc b.nc"), texts(List.of(GnuParallel.lines("echo one\nncks -O a.nc b.nc\n"))));
  }

  @Test
  void theCommandsWordsAreJoinedForTheShellUnlessQuoted() {
    assertEquals(List.of("ncap2 -s T=T*2 a.nc o_a.nc > log"),
        texts(List.of(), "ncap2", "-s", "T=T*2", "{}", "o_{}", ">", "log", ":::", "a.nc"));
    assertEquals(List.of("ncap2 -s 'T=T*2' a.nc o_a.nc '>' log"),
        texts(List.of(), "-q", "ncap2", "-s", "T=T*2", "{}", "o_{}", ">", "log", ":::", "a.nc"));
  }

  @Test
  void whatTheyCannotPlanIsRefusedByName() {
    for (String option : List.of("--pipe", "--halt", "-N", "--dry-run", "--results")) {
      ScriptException e = assertThrows(Refusal.class, () -> texts(List.of(), option, "x", "echo", ":::", "a")).cause;
      assertTrue(e.problem().startsWith("parallel " + option + " is not supported"), e.problem());
    }
    ScriptException slot = assertThrows(Refusal.class, () -> texts(List.of(), "echo", "{%}", ":::", "a")).cause;
    assertTrue(slot.problem().contains("job slot"), slot.problem());
    ScriptException linked = assertThrows(Refusal.class, () -> texts(List.of(), "echo", ":::", "a", ":::+", "b")).cause;
    assertTrue(linked.problem().contains("linked sources"), linked.problem());
  }
}
