package swamp.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Programs that run another program named in their arguments: {@code env}, {@code nice}, {@code
 * timeout}, {@code nohup}, {@code setsid}, {@code stdbuf}, {@code xargs}, {@code find} with {@code
 * -exec}, {@code sort --compress-program}. When one is allowed, what it would run is checked
 * against the allow-list like the job's own program, so allowing {@code nice} does not allow
 * {@code nice bash}. Their options are read the way their GNU versions read them (long options by
 * any unambiguous prefix); an option this does not know is refused rather than guessed at.
 *
 * <p>Shells and interpreters ({@link #RUNS_ANYTHING}) run whatever their arguments say: a worker
 * that allows one allows every program, and says so when it starts. sed is not one, and gawk
 * (and awk where it is gawk) is none either: a worker runs them in their sandbox. A worker
 * checks jobs with this; a master plans a script's lines through {@link #wrapped}.
 */
public final class Launchers {
  private Launchers() {}

  /** The launchers that run the one command their arguments end with, and nothing else. */
  private static final Set<String> WRAPPERS = Set.of("env", "nice", "timeout", "nohup", "setsid", "stdbuf");

  /**
   * The command that {@code argv} runs when its program is {@code env}, {@code nice}, {@code
   * timeout}, {@code nohup}, {@code setsid} or {@code stdbuf} ({@code nice -n 10 ncks ...}: {@code
   * ncks ...}; empty for {@code env} alone); null for any other program, or options refused.
   */
  public static List<String> wrapped(List<String> argv) {
    String name = argv.isEmpty() ? "" : argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
    if (!WRAPPERS.contains(name)) {
      return null;
    }
    Launch launch = of(name, argv);
    if (launch.refusal() != null) {
      return null;
    }
    return launch.commands().isEmpty() ? List.of() : launch.commands().get(0);
  }

  /**
   * What a launcher would run: commands to check like a job's own (an empty one runs nothing),
   * the variables it sets, or why it is refused.
   */
  public record Launch(List<List<String>> commands, List<String> assignments, String refusal) {
    static Launch refused(String why) {
      return new Launch(List.of(), List.of(), why);
    }

    static Launch of(List<String> command) {
      return new Launch(command.isEmpty() ? List.of() : List.of(command), List.of(), null);
    }
  }

  /**
   * Programs whose arguments can make them run any program (by file name, before any dot). NCO's
   * {@code ncremap} and {@code ncclimo} are bash scripts that run the command their {@code
   * --mpi_pfx} names and {@code eval} command lines built from their arguments.
   */
  static final Set<String> RUNS_ANYTHING = Set.of("sh", "bash", "dash", "zsh", "ksh", "mksh",
      "csh", "tcsh", "fish", "busybox", "python", "python2", "python3", "perl", "ruby", "node",
      "php", "lua", "tclsh", "wish", "Rscript", "R", "awk", "gawk", "mawk", "nawk", "make",
      "tar", "sudo", "su", "doas", "runuser", "ssh", "parallel", "watch", "strace", "ltrace",
      "gdb", "valgrind", "flock", "ionice", "chrt", "taskset", "chroot", "unshare", "nsenter",
      "time", "script", "expect", "java", "jshell", "julia", "octave", "matlab", "ncl", "gnuplot",
      "ncremap", "ncclimo");

  /** Whether a program of this file name can be made to run any other. */
  public static boolean runsAnything(String fileName) {
    int dot = fileName.indexOf('.'); // python3.11, perl5.36
    return RUNS_ANYTHING.contains(fileName)
        || (dot > 0 && RUNS_ANYTHING.contains(fileName.substring(0, dot)));
  }

  /** How a launcher's options are read: short flags, short options with a value, long ones. */
  private record Options(String flags, String withValue, String optionalValue,
      List<String> longFlags, List<String> longWithValue, Map<String, String> refused) {}

  private static final String CHDIR = "the command would be looked up in another directory";

  private static final Map<String, Options> OPTIONS = Map.of(
      "env", new Options("i0v", "uC", "", List.of("ignore-environment", "null", "debug",
          "list-signal-handling", "help", "version"),
          List.of("unset", "chdir", "default-signal", "ignore-signal", "block-signal"),
          Map.of("S", "it splits a string into a command", "split-string",
              "it splits a string into a command", "C", CHDIR, "chdir", CHDIR)),
      "nice", new Options("", "n", "", List.of("help", "version"), List.of("adjustment"), Map.of()),
      "timeout", new Options("v", "ks", "", List.of("preserve-status", "foreground", "verbose",
          "help", "version"), List.of("kill-after", "signal"), Map.of()),
      "nohup", new Options("", "", "", List.of("help", "version"), List.of(), Map.of()),
      "setsid", new Options("cfwhV", "", "", List.of("ctty", "fork", "wait", "help", "version"),
          List.of(), Map.of()),
      "stdbuf", new Options("", "ioe", "", List.of("help", "version"),
          List.of("input", "output", "error"), Map.of()),
      "xargs", new Options("0oprtx", "adEILnPs", "eil", List.of("null", "open-tty", "interactive",
          "no-run-if-empty", "verbose", "exit", "show-limits", "help", "version"),
          List.of("arg-file", "delimiter", "max-lines", "max-args", "max-procs", "max-chars",
              "process-slot-var", "replace", "eof"), Map.of()));

  /**
   * The programs {@code argv} runs, by name: its own and, through launchers ({@code env NAME=V
   * cmd}, {@code nice}, {@code xargs}, {@code find -exec}...), theirs; one named by a path is
   * left out (which file that is, the worker finds).
   */
  public static Set<String> programsOf(List<String> argv) {
    Set<String> names = new java.util.TreeSet<>();
    List<List<String>> pending = List.of(argv);
    for (int depth = 0; !pending.isEmpty() && depth < 8; depth++) {
      List<List<String>> next = new ArrayList<>();
      for (List<String> command : pending) {
        if (command.isEmpty() || command.get(0).contains("/")) {
          continue;
        }
        names.add(command.get(0));
        Launch launch = of(command.get(0), command);
        if (launch != null && launch.refusal() == null) {
          next.addAll(launch.commands());
        }
      }
      pending = next;
    }
    return names;
  }

  /** What {@code argv} would run when its program (named {@code name}) is a launcher. */
  public static Launch of(String name, List<String> argv) {
    List<String> args = argv.subList(1, argv.size());
    return switch (name) {
      case "find" -> find(args);
      case "sort" -> sort(args);
      case "env", "nice", "timeout", "nohup", "setsid", "stdbuf", "xargs" -> {
        Parsed p = options(name, OPTIONS.get(name), args);
        if (p.refusal() != null) {
          yield Launch.refused(p.refusal());
        }
        int i = p.operands();
        List<String> assignments = new ArrayList<>();
        if (name.equals("env")) {
          while (i < args.size() && args.get(i).indexOf('=') > 0) {
            assignments.add(args.get(i).substring(0, args.get(i).indexOf('=')));
            i++;
          }
        } else if (name.equals("timeout")) {
          i++; // the duration
        }
        List<String> command = i < args.size() ? args.subList(i, args.size()) : List.of();
        if (name.equals("xargs") && command.isEmpty()) {
          command = List.of("echo"); // what xargs runs when told nothing
        }
        yield new Launch(command.isEmpty() ? List.of() : List.of(List.copyOf(command)),
            List.copyOf(assignments), null);
      }
      default -> null;
    };
  }

  private record Parsed(int operands, String refusal) {}

  /** Reads options up to the first operand, as GNU getopt does for these programs. */
  private static Parsed options(String program, Options o, List<String> args) {
    int i = 0;
    while (i < args.size()) {
      String a = args.get(i);
      if (a.equals("--")) {
        return new Parsed(i + 1, null);
      }
      if (a.startsWith("--")) {
        String given = a.substring(2);
        int eq = given.indexOf('=');
        String opt = eq < 0 ? given : given.substring(0, eq);
        String match = longOption(opt, o);
        if (match == null) {
          return new Parsed(i, program + " option --" + opt + " is not understood");
        }
        if (o.refused().containsKey(match)) {
          return new Parsed(i, program + " --" + match + " is refused: " + o.refused().get(match));
        }
        i += o.longWithValue().contains(match) && eq < 0 ? 2 : 1;
        continue;
      }
      if (program.equals("env") && a.equals("-")) { // env - is env -i
        i++;
        continue;
      }
      if (program.equals("nice") && a.matches("-\\d+")) { // nice -5
        i++;
        continue;
      }
      if (!a.startsWith("-") || a.length() == 1) {
        return new Parsed(i, null);
      }
      int next = i + 1;
      for (int c = 1; c < a.length(); c++) {
        String ch = String.valueOf(a.charAt(c));
        if (o.refused().containsKey(ch)) {
          return new Parsed(i, program + " -" + ch + " is refused: " + o.refused().get(ch));
        }
        if (o.withValue().contains(ch)) {
          next = c + 1 < a.length() ? i + 1 : i + 2; // -uNAME or -u NAME
          break;
        }
        if (o.optionalValue().contains(ch)) {
          break; // -e, -eEOF: the value is attached or absent
        }
        if (!o.flags().contains(ch)) {
          return new Parsed(i, program + " option -" + ch + " is not understood");
        }
      }
      i = next;
    }
    return new Parsed(i, null);
  }

  /** The long option that {@code given} names by itself or as an unambiguous prefix. */
  private static String longOption(String given, Options o) {
    List<String> all = new ArrayList<>(o.longFlags());
    all.addAll(o.longWithValue());
    all.addAll(o.refused().keySet().stream().filter(k -> k.length() > 1).toList());
    if (all.contains(given)) {
      return given;
    }
    List<String> candidates = all.stream().filter(l -> !given.isEmpty() && l.startsWith(given)).toList();
    return candidates.size() == 1 ? candidates.get(0) : null;
  }

  /** Every command of {@code -exec}, {@code -execdir}, {@code -ok}, {@code -okdir}. */
  private static Launch find(List<String> args) {
    List<List<String>> commands = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-exec") || a.equals("-execdir") || a.equals("-ok") || a.equals("-okdir")) {
        int end = i + 1;
        while (end < args.size() && !args.get(end).equals(";") && !args.get(end).equals("+")) {
          end++;
        }
        if (end == args.size() || end == i + 1) {
          return Launch.refused("find " + a + " without a command ended by ';' or '+'");
        }
        String program = args.get(i + 1);
        if (program.contains("/") && !program.startsWith("/")) {
          return Launch.refused("find " + a + " " + program + ": a relative path would be looked"
              + " up in each directory found");
        }
        commands.add(List.copyOf(args.subList(i + 1, end)));
        i = end;
      }
    }
    return new Launch(commands, List.of(), null);
  }

  /** The program of {@code --compress-program}, which GNU sort runs. */
  private static Launch sort(List<String> args) {
    List<List<String>> commands = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--")) {
        break;
      }
      int eq = a.indexOf('=');
      String opt = eq < 0 ? a : a.substring(0, eq);
      if (opt.length() >= 4 && "--compress-program".startsWith(opt)) {
        String program = eq >= 0 ? a.substring(eq + 1) : i + 1 < args.size() ? args.get(++i) : "";
        if (program.isEmpty()) {
          return Launch.refused("sort --compress-program without a program");
        }
        commands.add(List.of(program));
      }
    }
    return new Launch(commands, List.of(), null);
  }
}
