package swamp.master.script;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The commands of a command substitution, run while planning: the few that scripts compute
 * names with ({@link Coreutils}, {@code ls} of what exists or earlier lines write, {@code pwd})
 * here, and any other on this machine, only when no earlier line of the script writes a file it
 * names (else the plan stops, naming the line).
 */
final class HereCommands {

  /** Commands run while planning with no check: they read no file a script writes. */
  private static final Set<String> PURE = Set.of("date", "hostname", "whoami", "id", "uname", "nproc");
  /** The programs evaluated here whose errors of use the system's own prints, as bash's would run it. */
  private static final Set<String> CHECKED_HERE = Set.of("expr", "seq", "basename", "dirname");

  /**
   * Where a command's standard error goes: the run's, nowhere ({@code 2>/dev/null}), with its
   * output ({@code 2>&1}), or into the captured text with its output elsewhere ({@code $(f 2>&1
   * > /dev/null)}, into {@link #apart}).
   */
  private enum Errors { TERMINAL, DISCARDED, TO_OUTPUT, APART }

  /** A command of a pipeline with its words expanded, its redirections not yet resolved. */
  record Draft(List<String> argv, List<Ast.Redirect> redirects, int line) {}

  private final ShellState state;
  private final Expander expander;
  /** The errors of the stage that runs now, when they go into the captured text ({@link Errors#APART}). */
  private final StringBuilder apart = new StringBuilder();

  HereCommands(ShellState state, Expander expander) {
    this.state = state;
    this.expander = expander;
  }

  /**
   * Runs a command or pipeline; what it prints goes to {@code captured}, and its status
   * (pipefail's, when set) is returned.
   */
  int run(List<Draft> stages, int line, Map<String, String> prefix, StringBuilder captured) {
    return run(stages, line, prefix, captured, null);
  }

  /**
   * As {@link #run}, the first stage reading {@code input} (null: none) unless it redirects its
   * own; inside a command substitution, where the calls around it route what it prints ({@code
   * $(f 2>&1)}: {@link CaptureRoute}).
   */
  int run(List<Draft> stages, int line, Map<String, String> prefix, StringBuilder captured, String input) {
    return run(stages, line, prefix, captured, input, CaptureRoute.of(state.outputs));
  }

  /** As {@link #run}, what the last stage prints and the errors of each routed as {@code routed} says. */
  int run(List<Draft> stages, int line, Map<String, String> prefix, StringBuilder captured, String input,
      CaptureRoute routed) {
    int status = 0;
    for (int i = 0; i < stages.size(); i++) {
      Draft stage = stages.get(i);
      List<String> argv = stage.argv();
      if (argv.stream().anyMatch(Marks::holdsStatus)) {
        throw Refusal.jobStatus(line, "a command substitution, $(...), which runs while planning,");
      }
      String name = argv.get(0);
      for (Ast.Redirect r : stage.redirects()) {
        if (ReadInput.isText(r)) { // a here-document or here-string: its text is the input
          input = ReadInput.text(state, expander, r);
        } else if (r.op().equals("<")) {
          input = ReadInput.file(state, expander.expandString(r.target().raw(), r.line()), r.line());
        }
      }
      CaptureRoute route = routed.forStage(i == stages.size() - 1).with(stage.redirects(), expander);
      Errors errors = errors(route);
      List<String> args = argv.subList(1, argv.size());
      Coreutils.Output out;
      try {
        out = switch (name) {
          case "echo" -> state.dashEcho ? Coreutils.dashEcho(args) : Coreutils.echo(args);
          case "printf" -> printf(args, line, errors);
          case "seq" -> Coreutils.seq(args);
          case "basename" -> Coreutils.basename(args);
          case "dirname" -> Coreutils.dirname(args);
          case "expr" -> Expr.evaluate(args);
          case "ls" -> LS_FLAGS.matcher(String.join(" ", args)).find() ? lsHere(argv, input, line, prefix, errors) : ls(args, errors);
          case "pwd" -> Coreutils.Output.ok(state.cwd + "\n");
          case "cat" -> knownTexts(args, input) != null ? Coreutils.Output.ok(knownTexts(args, input))
              : external(argv, input, line, prefix, errors);
          default -> external(argv, input, line, prefix, errors);
        };
      } catch (Coreutils.UsageException e) {
        if (!CHECKED_HERE.contains(name) || e.getMessage().startsWith("seq: more than")) {
          throw Refusal.at(line, e.getMessage());
        }
        // 'y=`expr $x \* 2`' of x=1.5: the program's own error where its errors go, and its status
        // (2), as bash goes on with an empty y; the program has nothing to read or write
        out = external(argv, input, line, prefix, errors);
      }
      captured.append(apart); // before what it prints, as 2>&1 puts them
      apart.setLength(0);
      input = switch (route.out()) {
        case CAPTURED, PIPE -> out.text();
        case ERRORS -> { // '$(echo "no input" >&2)': on the script's standard error, not captured
          state.substitutionErrors.append(out.text());
          yield "";
        }
        default -> "";
      };
      status = state.pipefail && out.status() != 0 ? out.status() : (state.pipefail && status != 0 ? status : out.status());
    }
    captured.append(input);
    return status;
  }

  /** Where a stage's errors go, as {@link #external} and {@link #ls} take it. */
  private static Errors errors(CaptureRoute route) {
    return switch (route.err()) {
      case DISCARDED -> Errors.DISCARDED;
      // FILE ('exec 2> log'): a program run here prints its errors on the run's, as it did
      case ERRORS, FILE -> route.out() == route.err() ? Errors.TO_OUTPUT : Errors.TERMINAL;
      default -> {
        yield route.out() == route.err() ? Errors.TO_OUTPUT : Errors.APART; // captured, its output elsewhere
      }
    };
  }

  /**
   * What {@code cat FILES} prints when every file's text is known while planning (an earlier
   * line wrote it with a command run here: {@code ls *.nc > list.txt}); null otherwise.
   */
  private String knownTexts(List<String> files, String input) {
    if (files.isEmpty()) {
      return input;
    }
    StringBuilder all = new StringBuilder();
    for (String f : files) {
      String text = f.startsWith("-") ? null : state.files.text(PlannedFiles.resolve(state.cwd, f));
      if (text == null) {
        return null;
      }
      all.append(text);
    }
    return all.toString();
  }

  /**
   * bash's printf: what it prints, and its errors of arguments that are no numbers ("SCRIPT: line
   * N: printf: 08: invalid octal number") where {@code errors} go, before what it prints.
   */
  private Coreutils.Output printf(List<String> args, int line, Errors errors) throws Coreutils.UsageException {
    StringBuilder invalid = new StringBuilder();
    Coreutils.Output out = Printf.format(args, invalid);
    StringBuilder text = new StringBuilder();
    invalid.toString().lines().forEach(e -> text.append(Subshells.shellErrorText(state, e, line)));
    if (errors == Errors.APART) {
      apart.append(text);
    } else if (errors == Errors.TO_OUTPUT) {
      return new Coreutils.Output(text + out.text(), out.status());
    } else if (errors == Errors.TERMINAL) {
      state.substitutionErrors.append(text);
    }
    return out;
  }

  /** ls options whose answer needs the files' sizes, times or contents: the real ls gives it. */
  private static final java.util.regex.Pattern LS_FLAGS = java.util.regex.Pattern.compile("(^| )-[^- ]*[lsRtSrcu]");

  /**
   * {@code $(ls -t restart_*.nc | head -1)}: the real {@code ls}, on this machine, when no earlier
   * line writes what it lists (the newest of files still to be written is not known yet).
   */
  private Coreutils.Output lsHere(List<String> argv, String input, int line, Map<String, String> prefix,
      Errors errors) {
    boolean operands = argv.subList(1, argv.size()).stream().anyMatch(a -> !a.startsWith("-"));
    if (!operands && state.files.touched(state.cwd)) {
      throw Refusal.at(line, "'" + String.join(" ", argv) + "' in a command substitution lists " + state.cwd
          + ", where an earlier line writes: what it would print is not known while planning");
    }
    return external(argv, input, line, prefix, errors);
  }

  /**
   * {@code ls} of files that exist or that earlier lines write, as GNU ls lists them; an operand
   * that is neither is its error ("ls: cannot access 'x': No such file or directory", before
   * what it lists) where {@code errors} go, and status 2.
   */
  private Coreutils.Output ls(List<String> args, Errors errors) {
    List<String> operands = args.stream().filter(a -> !a.startsWith("-") || a.equals("-")).toList();
    boolean directoryItself = args.stream().anyMatch(a -> a.startsWith("-") && a.contains("d"));
    boolean hidden = args.stream().anyMatch(a -> a.startsWith("-") && (a.contains("a") || a.contains("A")));
    StringBuilder out = new StringBuilder();
    StringBuilder missing = new StringBuilder();
    int status = 0;
    List<String> fileOperands = new ArrayList<>();
    List<String> dirOperands = new ArrayList<>();
    for (String o : operands.isEmpty() ? List.of(".") : operands) {
      String abs = PlannedFiles.resolve(state.cwd, o);
      state.files.consulted(abs);
      if (!state.files.exists(abs)) {
        status = 2;
        missing.append("ls: cannot access ").append(Coreutils.quotedForError(o)).append(": No such file or directory\n");
      } else if (state.files.isDirectory(abs) && !directoryItself) {
        dirOperands.add(o);
      } else {
        fileOperands.add(o);
      }
    }
    fileOperands.sort(Collation.of(state));
    fileOperands.forEach(f -> out.append(f).append('\n'));
    for (String d : dirOperands) {
      String dir = PlannedFiles.resolve(state.cwd, d);
      List<String> names = new ArrayList<>(state.files.list(dir, hidden));
      names.sort(Collation.of(state)); // as ls sorts them
      for (String name : names) {
        state.files.consulted(PlannedFiles.resolve(dir, name));
        out.append(name).append('\n');
      }
    }
    if (errors == Errors.APART) {
      apart.append(missing);
    } else if (errors == Errors.TO_OUTPUT) {
      out.insert(0, missing);
    } else if (errors == Errors.TERMINAL) {
      state.substitutionErrors.append(missing); // where a program's errors go that runs here ('external')
    }
    return new Coreutils.Output(out.toString(), status);
  }

  /**
   * Where a command of a substitution runs while planning: its directory, or, where an earlier
   * line makes that one ({@code mkdir work; cd work; n=$(ls *.nc | wc -l)}), the nearest one
   * that is there, as long as none of its words names a file from either (they would differ).
   */
  private Path runsIn(List<String> argv, int line) {
    Path dir = Path.of(state.cwd);
    if (java.nio.file.Files.isDirectory(dir)) {
      return dir;
    }
    Path there = dir;
    while (there.getParent() != null && !java.nio.file.Files.isDirectory(there)) {
      there = there.getParent();
    }
    for (String a : argv.subList(1, argv.size())) {
      if (!a.isEmpty() && !a.startsWith("/") && !a.startsWith("-")
          && (java.nio.file.Files.exists(dir.resolve(a).normalize()) || java.nio.file.Files.exists(there.resolve(a)))) {
        throw Refusal.at(line, "'" + String.join(" ", argv) + "' in a command substitution names " + a + " in "
            + state.cwd + ", a directory an earlier line makes, which is not there while planning; set the value"
            + " from the script's own words, or run the command as a line of its own");
      }
    }
    return there;
  }

  /**
   * {@code t=$(mktemp)} after {@code mkdir -p mytmp; export TMPDIR=$PWD/mytmp} (or {@code mktemp -p
   * out}, {@code mktemp out/tmp.XXXX}): mktemp runs while planning, before the job that makes
   * the directory, and failed there ("No such file or directory") where bash's made its file.
   * Refused, naming the directory.
   */
  private void mktempDirectory(List<String> argv, Map<String, String> prefix, int line) {
    Map<String, String> env = new java.util.HashMap<>(state.exported());
    env.putAll(prefix);
    String tmpdir = env.getOrDefault("TMPDIR", "");
    String dir = null;
    String template = null;
    boolean inTmp = false;
    for (int k = 1; k < argv.size(); k++) {
      String a = argv.get(k);
      if (a.equals("-p") && k + 1 < argv.size()) {
        dir = argv.get(++k);
      } else if (a.startsWith("-p") && !a.startsWith("--")) {
        dir = a.substring(2);
      } else if (a.startsWith("--tmpdir=")) {
        dir = a.substring("--tmpdir=".length());
      } else if (a.equals("--tmpdir") || a.equals("-t") || a.matches("-[dqut]*t[dqu]*")) {
        inTmp = true;
      } else if (!a.startsWith("-")) {
        template = a;
      }
    }
    String where;
    if (dir != null || inTmp || template == null) {
      where = dir != null && !dir.isEmpty() && !(inTmp && !tmpdir.isEmpty()) ? dir : tmpdir.isEmpty() ? "/tmp" : tmpdir;
      if (template != null && template.contains("/")) {
        where = where + "/" + template.substring(0, template.lastIndexOf('/'));
      }
    } else {
      where = template.contains("/") ? template.substring(0, template.lastIndexOf('/')) : ".";
    }
    String abs = PlannedFiles.resolve(state.cwd, where);
    if (!java.nio.file.Files.isDirectory(Path.of(abs)) && state.files.touched(abs)) {
      throw Refusal.at(line, "'" + String.join(" ", argv) + "' makes its file in " + where + ", a directory an"
          + " earlier line makes, which is not there while planning, where swamp runs mktemp; make the"
          + " directory before the run, or give mktemp one that is there");
    }
  }

  private Coreutils.Output external(List<String> argv, String input, int line, Map<String, String> prefix,
      Errors errors) {
    String name = argv.get(0);
    if (name.equals("mktemp")) {
      mktempDirectory(argv, prefix, line);
    }
    ArgvFiles files = ArgvFiles.of(argv, input != null);
    for (String written : files.guessed() ? List.<String>of() : files.writes()) { // 'n=$(python3 count.py in.nc)'
      if (!PlannedFiles.resolve(state.cwd, written).startsWith("/dev/")) {
        // 'v=$(ncwa -O in.nc gm.nc && ncks -H -v T gm.nc)': not on this machine while planning, as a job
        throw new Refusal.ReadsPlanned(line, "'" + String.join(" ", argv) + "' in a command substitution writes "
            + written + "; swamp runs such a substitution as a job and waits for what it prints, but not in a"
            + " subshell or function that may exit on a job's status, nor inside another substitution, as here:"
            + " write that command as a line of its own");
      }
    }
    if (!PURE.contains(name)) {
      for (String a : argv.subList(1, argv.size())) {
        String candidate = a.contains("=") && a.startsWith("-") ? a.substring(a.indexOf('=') + 1) : a;
        if (candidate.isEmpty() || candidate.startsWith("-") && !candidate.equals("-")) {
          continue;
        }
        String abs = PlannedFiles.resolve(state.cwd, candidate);
        if (state.files.touched(abs)) {
          throw new Refusal.ReadsPlanned(line, "'" + String.join(" ", argv) + "' in a command substitution reads " + a
              + ", which an earlier line of the script writes; swamp runs such a substitution as a job and waits"
              + " for what it prints, but not in a subshell or function that may exit on a job's status, nor"
              + " inside another substitution, as here: compute the value without reading the file, or set a"
              + " variable to it before");
        }
      }
    }
    java.io.File errorsFile = null;
    ProcessBuilder pb = new ProcessBuilder(argv).directory(runsIn(argv, line).toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectErrorStream(errors == Errors.TO_OUTPUT);
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(state.exported());
    env.putAll(prefix);
    if (input == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    try {
      if (errors == Errors.APART || errors == Errors.TERMINAL) { // a file, not a pipe: nothing waits on it while the output is read
        errorsFile = java.io.File.createTempFile("swamp-errors", ".txt");
        errorsFile.deleteOnExit();
        pb.redirectError(errorsFile);
      }
      Process p = pb.start();
      if (input != null) {
        try (OutputStream in = p.getOutputStream()) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // the command did not read all of its input, as 'head' does
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream o = p.getInputStream()) {
        o.transferTo(out);
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw Refusal.at(line, "'" + String.join(" ", argv) + "' in a command substitution ran more than 120 s while planning");
      }
      if (errorsFile != null) { // the script's errors: printed in its order (ShellState#substitutionErrors)
        (errors == Errors.TERMINAL ? state.substitutionErrors : apart)
            .append(java.nio.file.Files.readString(errorsFile.toPath(), StandardCharsets.UTF_8));
      }
      return new Coreutils.Output(out.toString(StandardCharsets.UTF_8), p.exitValue());
    } catch (IOException e) {
      return new Coreutils.Output("", 127); // "command not found", as bash goes on after it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Refusal.at(line, "interrupted while planning");
    } finally {
      if (errorsFile != null) {
        errorsFile.delete();
      }
    }
  }
}
