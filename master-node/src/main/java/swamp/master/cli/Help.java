package swamp.master.cli;

import java.io.PrintStream;
import picocli.CommandLine;
import swamp.client.ClientCli;
import swamp.master.MasterMain;
import swamp.master.bench.Bench;
import swamp.worker.WorkerMain;

/**
 * {@code bin/swamp --help}: every command with every flag it takes, printed from the commands'
 * own definitions, so that it cannot fall behind them.
 */
public final class Help {
  private Help() {}

  public static void main(String[] args) {
    print(System.out);
  }

  static void print(PrintStream out) {
    out.println("usage: bin/swamp COMMAND [ARGS]; bin/swamp COMMAND --help shows one command.");
    out.println("Secrets come from the environment (SWAMP_SECRET, SWAMP_API_TOKEN), never from flags.");
    section(out, new CommandLine(new MasterMain()).setCommandName("bin/swamp master"));
    section(out, new CommandLine(new WorkerMain()).setCommandName("bin/swamp worker"));
    CommandLine run = SwampCli.commandLine().setCommandName("bin/swamp").getSubcommands().get("run");
    for (String name : ClientCli.commandNames()) {
      out.println();
      out.print(ClientCli.usage(name, "bin/swamp"));
      if (name.equals("submit")) {
        section(out, run); // run second, after submit
      }
    }
    out.println();
    out.println("bin/swamp demo");
    out.println("  A master and two workers on this machine run the examples, then stop.");
    out.println();
    out.println(Bench.usageText().replaceFirst("^usage: ", ""));
  }

  private static void section(PrintStream out, CommandLine command) {
    out.println();
    out.print(command.getUsageMessage(CommandLine.Help.Ansi.OFF));
  }
}
