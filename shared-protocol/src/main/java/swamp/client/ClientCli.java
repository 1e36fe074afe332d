package swamp.client;

import static swamp.client.ClientCommand.DEFAULT_URL;
import static swamp.client.ClientCommand.EXIT_USAGE;
import static swamp.client.ClientCommand.URL_HELP;

import java.io.IOException;
import java.util.List;

/**
 * The client commands of {@code bin/swamp} that answer at once: submit, status, runs, workers,
 * cancel, dismiss. Each is one or a few HTTP requests to the master; {@code --json} prints the
 * API's own JSON. {@code run}, which plans a script and may start a master in its own process,
 * lives with the master ({@code swamp.master.cli}) and shares {@link MasterClient}, {@link
 * ClientCommand}'s constants and {@link JobCommands#jobRequest}. The commands are in {@link
 * JobCommands}, {@link PoolCommands} and {@link Dashboard}; here they are found by name and run.
 */
public final class ClientCli {
  private ClientCli() {}

  /** The commands in the order {@code bin/swamp --help} lists them. */
  private static final List<ClientCommand> COMMANDS = List.of(
      new ClientCommand(JobCommands.submitArgs(), JobCommands::submit),
      new ClientCommand(JobCommands.statusArgs(), JobCommands::status),
      new ClientCommand(PoolCommands.runsArgs(), PoolCommands::runs),
      new ClientCommand(PoolCommands.workersArgs(), PoolCommands::workers),
      new ClientCommand(JobCommands.cancelArgs(), JobCommands::cancel),
      new ClientCommand(new Args("dismiss", "Dismiss a worker, or all: it drains, leaves and its process exits 0.")
          .value("--url", "URL", URL_HELP).flag("--all", "Dismiss every worker.")
          .params("WORKER_ID", 0, 1, ""), PoolCommands::dismiss),
      new ClientCommand(new Args("dashboard", "Print the dashboard's URL (with the API token) and open it"
          + " in a browser where there is one.").value("--url", "URL", URL_HELP)
          .flag("--no-open", "Only print the URL."), Dashboard::open));

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs {@code bin/swamp COMMAND ARGS...}; returns the exit code. */
  public static int execute(String... argv) {
    if (argv.length == 0) {
      System.err.println("swamp: name a command: " + String.join(", ", commandNames()));
      return EXIT_USAGE;
    }
    ClientCommand command = COMMANDS.stream().filter(c -> c.args().name().equals(argv[0])).findFirst()
        .orElse(null);
    if (command == null) {
      System.err.println("swamp: unknown command '" + argv[0] + "'; the client commands are "
          + String.join(", ", commandNames()));
      return EXIT_USAGE;
    }
    Args.Parsed parsed;
    try {
      parsed = command.args().parse(List.of(argv).subList(1, argv.length));
    } catch (Args.UsageException e) {
      System.err.println("swamp: " + e.getMessage());
      System.err.print(command.args().usage("swamp"));
      return EXIT_USAGE;
    }
    if (parsed.flag(Args.HELP.name())) {
      System.out.print(command.args().usage("swamp"));
      return 0;
    }
    try {
      return command.action().run(client(parsed.value("--url")), parsed);
    } catch (MasterClient.ApiException | IOException | IllegalArgumentException | Args.UsageException e) {
      System.err.println("swamp: " + e.getMessage());
      return EXIT_USAGE;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The names of the client commands, in order. */
  public static List<String> commandNames() {
    return COMMANDS.stream().map(c -> c.args().name()).toList();
  }

  /** The usage of client command {@code name}, its synopsis under {@code prefix}. */
  public static String usage(String name, String prefix) {
    return COMMANDS.stream().filter(c -> c.args().name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no client command " + name))
        .args().usage(prefix);
  }

  /** The master at {@code url}, else at $SWAMP_URL, else at {@link #DEFAULT_URL}. */
  public static MasterClient client(String url) {
    return new MasterClient(url != null ? url : System.getenv().getOrDefault("SWAMP_URL", DEFAULT_URL));
  }
}
