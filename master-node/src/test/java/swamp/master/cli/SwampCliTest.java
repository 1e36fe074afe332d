package swamp.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SwampCliTest {

  @Test
  void whatFollowsTheScriptIsTheScriptsAsWithBash() {
    CommandLine cli = SwampCli.commandLine();
    cli.parseArgs("run", "--plan", "process.sh", "-o", "out", "--plan", "--", "-h", "a.nc");
    SwampCli.Run run = cli.getSubcommands().get("run").getCommand();
    assertEquals(Path.of("process.sh"), run.script);
    assertEquals(List.of("-o", "out", "--plan", "--", "-h", "a.nc"), run.args);
    assertTrue(run.planOnly);
  }
}
