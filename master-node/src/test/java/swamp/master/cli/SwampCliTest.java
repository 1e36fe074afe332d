package swamp.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;

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

  /** 'run - < s.sh', as bash reads standard input, said only "-: no such file". */
  @Test
  void aScriptNamedDashSaysHowToGiveStandardInput() {
    assertEquals("swamp: -: no such file; a script on standard input is /dev/stdin: bin/swamp run"
        + " /dev/stdin < script.sh", SwampCli.scriptUnreadable(new java.nio.file.NoSuchFileException("-")));
    assertEquals("swamp: s.sh: no such file",
        SwampCli.scriptUnreadable(new java.nio.file.NoSuchFileException("s.sh")));
  }

  /**
   * run --allow's help names, as examples, programs a script would need it for: none that the
   * default allow-list takes (awk is GNU awk where bin/setup installs gawk, and gawk is on it).
   */
  @Test
  void allowsHelpExamplesAreProgramsTheDefaultListRefuses() {
    String allow = String.join(" ", SwampCli.commandLine().getSubcommands().get("run")
        .getCommandSpec().findOption("--allow").description());
    String examples = allow.substring(allow.indexOf('(') + 1, allow.indexOf(')'));
    List<String> defaults = ConfigFactory.defaultReference()
        .getStringList("swamp.worker.allowed-executables");
    for (String example : examples.replace("...", "").split(", ")) {
      assertFalse(defaults.contains(example) || example.equals("awk"), example + " in " + allow);
    }
  }
}
