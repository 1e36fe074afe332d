package swamp.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.master.script.Planning;
import swamp.master.script.Script;

/** What {@code bin/swamp run --plan} shows of a plan. */
class PlanPrinterTest {

  @TempDir
  Path dir;

  @Test
  void aHereDocumentIsShownUnderItsCommand() throws Exception {
    Planning plan = Script.planning("v=T\ncat > anomaly.nco <<EOF\n${v}c = $v - 273.15f;\n\nEOF\n"
        + "ncap2 -O -S anomaly.nco in.nc out.nc\n", "s.sh", dir, Map.of(), List.of());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PlanPrinter.print(plan, false, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(String.join("\n",
        "#0 line 2 in " + dir,
        "    cat <<EOF > anomaly.nco",
        "    waits for: -",
        "    standard input (2 lines):",
        "    | Tc = T - 273.15f;",
        "    | ",
        "#1 line 6 in " + dir,
        "    ncap2 -O -S anomaly.nco in.nc out.nc",
        "    waits for: #0 (line 2)",
        "2 command(s)", ""), bytes.toString(StandardCharsets.UTF_8));
  }

  /** A script planned as it runs shows the plan as far as the line that waits for a job's output. */
  @Test
  void aPlanMadeAsItRunsShowsWhereItWaits() throws Exception {
    Planning plan = Script.planning("ncra in.nc avg.nc\nv=$(ncks -H avg.nc)\nncks -O $v.nc out.nc\n",
        "s.sh", dir, Map.of(), List.of());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PlanPrinter.print(plan, false, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(String.join("\n",
        "#0 line 1 in " + dir,
        "    ncra in.nc avg.nc",
        "    waits for: -",
        "#1 line 2 in " + dir,
        "    ncks -H avg.nc",
        "    waits for: #0 (line 1)",
        "2 command(s) so far; line 2 needs what #1 print(s): the run plans the rest once it has run", ""),
        bytes.toString(StandardCharsets.UTF_8));
  }
}
