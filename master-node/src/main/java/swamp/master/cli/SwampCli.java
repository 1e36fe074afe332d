package swamp.master.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import swamp.client.ClientCli;
import swamp.client.ClientCommand;
import swamp.client.JobCommands;
import swamp.client.MasterClient;
import swamp.master.script.Plan;
import swamp.master.script.Planning;
import swamp.master.script.Script;
import swamp.master.script.ScriptException;

/**
 * {@code bin/swamp run}: it plans a script and may start a master in its own process, so it
 * runs on the master's class path. The other client commands are {@link ClientCli}'s, which
 * {@code bin/swamp} starts on the client's own small class path; {@code run} shares their HTTP
 * client and helpers.
 */
@Command(name = "swamp", description = "Run a script on a swamp master.", subcommands = SwampCli.Run.class)
public final class SwampCli {
  private SwampCli() {}

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** {@code run}; a script that cannot be planned or a master that cannot be reached is a usage error. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SwampCli());
    // 'run script.sh -o out -v': what follows the script is the script's, as with 'bash script.sh'
    cli.getSubcommands().get("run").setStopAtPositional(true);
    cli.setParameterExceptionHandler((e, a) -> {
      System.err.println("swamp: " + e.getMessage());
      e.getCommandLine().usage(System.err);
      return ClientCommand.EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof java.nio.file.FileSystemException file) { // the script: missing, a directory...
        System.err.println(scriptUnreadable(file));
        return ClientCommand.EXIT_USAGE;
      }
      if (e instanceof MasterClient.ApiException || e instanceof ScriptException
          || e instanceof IOException) {
        System.err.println("swamp: " + e.getMessage());
        return ClientCommand.EXIT_USAGE;
      }
      throw e;
    });
    return cli;
  }

  /**
   * Why the script cannot be read; {@code -} (bash's and many tools' standard input, {@code
   * bin/swamp run - < s.sh}) was called a missing file and no more.
   */
  static String scriptUnreadable(java.nio.file.FileSystemException file) {
    String why = file instanceof java.nio.file.NoSuchFileException ? "no such file"
        : file.getReason() != null ? file.getReason() : file.getClass().getSimpleName();
    return "swamp: " + file.getFile() + ": " + why + ("-".equals(file.getFile())
        ? "; a script on standard input is /dev/stdin: bin/swamp run /dev/stdin < script.sh" : "");
  }

  // ---- run ----

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a shell script of commands on the pool: swamp plans it as bash would"
      + " run it, then runs each command as a job; a command that reads what an earlier one writes waits for it,"
      + " the others run in parallel. A line that needs what a job printed or wrote is planned once that job"
      + " has run. Exits with the status bash would.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--url", description = ClientCommand.URL_HELP)
    String url;

    @Parameters(index = "0", paramLabel = "SCRIPT")
    Path script;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "The script's arguments ($1, $2, ...).")
    List<String> args = new ArrayList<>();

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the script starts (default: this directory).")
    Path workDir;

    @Option(names = "--requires", paramLabel = "LABEL", description = "A capability every job requires; repeatable.")
    List<String> requires = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Kill any job after this long, e.g. 90s; a bare number is seconds.")
    String timeout;

    @Option(names = "--plan", description = "Print the planned commands, each with its line, directory and the"
        + " commands it waits for (as far as a line that needs what a job prints); run nothing.")
    boolean planOnly;

    @Option(names = "--dot", description = "Print the plan as a Graphviz graph; run nothing.")
    boolean dot;

    @Option(names = "--slots", paramLabel = "N", description = "Without a master: slots of the master run in this"
        + " process (default: one per processor).")
    Integer slots;

    @Option(names = "--wait-for-master", paramLabel = "DURATION", description = "How long the run waits for a"
        + " master that stops answering (a restart, a standby taking over) before it gives up; the master keeps"
        + " the run's jobs (default: 5m; 0: give up at once).")
    String waitForMaster = "5m";

    @Option(names = "--allow", paramLabel = "PROGRAM", description = "Without a master: a program the master run in"
        + " this process may run besides a worker's allow-list (python3, perl...); repeatable.")
    List<String> allow = new ArrayList<>();

    /** The script's locale, which its jobs run in ({@link swamp.node.JvmLocale#ofScript}). */
    private Map<String, String> jobLocale = Map.of();

    @Override
    public Integer call() throws Exception {
      java.time.Duration patience;
      try {
        patience = swamp.client.Durations.parse(waitForMaster);
      } catch (IllegalArgumentException e) {
        System.err.println("swamp run: --wait-for-master: " + e.getMessage());
        return ClientCommand.EXIT_USAGE;
      }
      Path dir = (workDir != null ? workDir : Path.of("")).toAbsolutePath().normalize();
      Map<String, String> env = new HashMap<>(System.getenv());
      swamp.node.JvmLocale.restore(env); // the script sees the locale it was run in
      jobLocale = swamp.node.JvmLocale.ofScript(env); // and its jobs, on whatever worker
      env.put("PWD", dir.toString());
      Planning planning = Script.planning(script, dir, env, args);
      if (planOnly || dot) {
        PlanPrinter.print(planning, dot, System.out);
        return 0;
      }
      Plan plan = planning.plan();
      if (plan.commands().isEmpty()) {
        System.err.println("swamp: " + script + " runs no command");
        return plan.exitStatus();
      }
      PlanPrinter.assumptions(plan, System.err, 5);
      for (String program : allow) {
        String bad = swamp.worker.Executables.badEntry(program);
        if (bad != null) {
          System.err.println("swamp: --allow is " + bad);
          return ClientCommand.EXIT_USAGE;
        }
      }
      if (url == null && System.getenv("SWAMP_URL") == null && !MasterClient.answers(ClientCommand.DEFAULT_URL)) {
        List<String> allowed = LocalMaster.allowed(allow);
        Function<Plan.Command, String> refuses = AllowedPrograms.of(allowed,
            "'bin/swamp run --allow PROGRAM' lets the master in this process run it");
        String refused = AllowedPrograms.refusal(plan, refuses);
        if (refused != null) { // the master here is this user's: say so before anything runs
          System.err.println("swamp: " + script + ", " + refused + ". Nothing has run");
          return ClientCommand.EXIT_USAGE;
        }
        try (LocalMaster local = LocalMaster.start(slots, allowed)) {
          System.err.println("swamp: no master at " + ClientCommand.DEFAULT_URL + "; running " + script + " on a master in this"
              + " process with " + local.slots() + " slot(s) (its dashboard while it runs: bin/swamp dashboard --url "
              + local.url() + "; set SWAMP_URL to use a pool)");
          return new ScriptRun(new MasterClient(local.url()), script.toString(), planning, this::toJob,
              refuses, java.time.Duration.ZERO, System.out, System.err).call(); // it ends with this process
        }
      }
      if (!allow.isEmpty()) {
        System.err.println("swamp: --allow is for the master run in this process; a pool's workers allow programs"
            + " themselves (bin/swamp worker --allow PROGRAM)");
        return ClientCommand.EXIT_USAGE;
      }
      if (slots != null) { // taken without a word before, '--slots 0' too
        System.err.println("swamp: --slots is for the master run in this process; a pool's workers have"
            + " their own (bin/swamp worker --slots N)");
        return ClientCommand.EXIT_USAGE;
      }
      MasterClient client = ClientCli.client(url);
      // a pool's workers check their own allow-lists; what none of them allows stops the run now
      Function<Plan.Command, String> refuses = poolsPrograms(client);
      String refused = AllowedPrograms.refusal(plan, refuses);
      if (refused != null) {
        System.err.println("swamp: " + script + ", " + refused + ". Nothing has run");
        return ClientCommand.EXIT_USAGE;
      }
      return new ScriptRun(client, script.toString(), planning, this::toJob, refuses, patience,
          System.out, System.err).call();
    }

    /** What the pool's workers allow; nothing known where its master does not answer yet (the run waits for it). */
    private static Function<Plan.Command, String> poolsPrograms(MasterClient client) {
      try {
        return AllowedPrograms.ofPool(client);
      } catch (MasterClient.ApiException e) {
        return AllowedPrograms.UNKNOWN;
      }
    }

    private Map<String, Object> toJob(Plan.Command c) {
      Map<String, String> env = new java.util.TreeMap<>(jobLocale);
      env.putAll(c.env()); // what the script exported over what it started with
      Map<String, Object> job = JobCommands.jobRequest(c.argv(), Path.of(c.dir()), requires, timeout, null, null, env);
      if (c.stages().get(0).redirects() != null) {
        job.put("redirects", c.stages().get(0).redirects());
      }
      if (c.stages().size() > 1) {
        List<Map<String, Object>> pipeline = new ArrayList<>();
        for (swamp.protocol.Stage s : c.stages().subList(1, c.stages().size())) {
          Map<String, Object> stage = new LinkedHashMap<>();
          stage.put("argv", s.argv());
          if (s.redirects() != null) {
            stage.put("redirects", s.redirects());
          }
          pipeline.add(stage);
        }
        job.put("pipeline", pipeline);
        if (c.pipefail()) {
          job.put("pipefail", true);
        }
      }
      return job;
    }
  }

}
