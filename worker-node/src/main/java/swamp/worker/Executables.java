package swamp.worker;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import swamp.protocol.JobVariables;
import swamp.protocol.Launchers;

/**
 * The programs a worker allows. Names are looked up on the PATH once, at start, and kept as
 * canonical paths: a job's program is allowed only when its own canonical path is one of them, so
 * {@code /tmp/evil/ncks} is not {@code ncks}. The job runs the program at the path it was found
 * at, not the canonical one, because NCO's operators are links to one binary that reads its name.
 */
public final class Executables {

  /** Either the path to start or the reason the program may not run. */
  public sealed interface Resolution {}

  /**
   * The program to start, and the options it starts with before the job's arguments: {@code
   * --sandbox} for sed and gawk ({@link #SANDBOXED}).
   */
  public record Allowed(Path executable, List<String> options) implements Resolution {
    public Allowed {
      options = List.copyOf(options);
    }

    public Allowed(Path executable) {
      this(executable, List.of());
    }
  }

  /**
   * Programs that would run anything but for an option that shuts that off, which a worker that
   * does not allow any program always gives them, by the name of the program a path leads to
   * ({@code awk} is gawk where it links to gawk, and mawk, which has no sandbox, elsewhere): GNU
   * sed's {@code --sandbox} refuses the {@code e}, {@code r} and {@code w} commands (and {@code
   * s///e}, {@code s///w}), and gawk's refuses {@code system()}, pipes to and from commands and
   * redirections to and from files, so that neither script can run a program nor read or write
   * a file its words do not name.
   */
  static final java.util.Map<String, List<String>> SANDBOXED = java.util.Map.of("sed", List.of("--sandbox"),
      "gawk", List.of("--sandbox"));

  /**
   * Why the program may not run; {@code shellStatus} is what a shell's {@code $?} would be for
   * it, 127 for a program that is not there and 126 for one that cannot be run, and null where a
   * shell would have run it (a program or an option the worker does not allow).
   */
  public record Refused(String reason, Integer shellStatus) implements Resolution {
    public Refused(String reason) {
      this(reason, null);
    }
  }

  private final boolean allowAny;
  private final Set<Path> allowed;
  private final List<String> offered;
  private final List<Path> searchPath;
  private final java.util.Map<String, Resolution> byName = new java.util.concurrent.ConcurrentHashMap<>();
  /** The protected variables ({@link JobVariables}) a job may set here anyway. */
  private final List<String> allowedVariables;

  private Executables(boolean allowAny, Set<Path> allowed, List<String> offered, List<Path> path,
      List<String> allowedVariables) {
    this.allowAny = allowAny;
    this.allowed = Set.copyOf(allowed);
    this.offered = List.copyOf(offered);
    this.searchPath = List.copyOf(path);
    this.allowedVariables = List.copyOf(allowedVariables);
  }

  /**
   * Why {@code name} cannot be an entry of an allow-list ("'x y', which is ..."), or null: an empty name (a shell's
   * {@code --allow "$TOOL"} with TOOL unset), which allowed nothing without a word, or several
   * words in one ({@code --allow 'awk python3'}), which no program on the PATH is called.
   */
  public static String badEntry(String name) {
    if (name.isBlank()) {
      return "an empty name, which allows nothing: give a program's name, or '*' for any";
    }
    if (!name.contains("/") && name.chars().anyMatch(Character::isWhitespace)) {
      return "'" + name + "', which is no program's name (it holds a space): name each program on"
          + " its own";
    }
    return null;
  }

  /** Resolves the allow-list against the process's PATH; jobs may set no protected variable. */
  public static Executables of(List<String> names) {
    return of(names, List.of());
  }

  /** Resolves the allow-list against the process's PATH. */
  public static Executables of(List<String> names, List<String> allowedVariables) {
    return of(names, System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"),
        allowedVariables);
  }

  public static Executables of(List<String> names, String pathVariable,
      List<String> allowedVariables) {
    List<Path> path = new ArrayList<>();
    for (String dir : pathVariable.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        path.add(Path.of(dir));
      }
    }
    boolean any = names.contains("*");
    Set<Path> allowed = new HashSet<>();
    List<String> offered = new ArrayList<>();
    for (String name : names) {
      if (name.equals("*")) {
        continue;
      }
      Optional<Path> found = name.contains("/") ? executable(Path.of(name)) : lookUp(name, path);
      found.flatMap(Executables::canonical).ifPresent(p -> {
        allowed.add(p);
        offered.add(name);
      });
    }
    if (any) {
      offered.add(0, "*");
    }
    return new Executables(any, allowed, offered, path, allowedVariables);
  }

  /**
   * The allowed programs that can be made to run any program (shells, interpreters): allowing
   * one of them allows everything, which the worker says when it starts.
   */
  public List<String> runningAnything() {
    List<String> found = new ArrayList<>();
    for (String name : offered) {
      Path p = Path.of(name).getFileName();
      if (!name.equals("*") && Launchers.runsAnything(p.toString()) && !sandboxed(name)) {
        found.add(name);
      }
    }
    return found;
  }

  /** Whether the allowed program {@code name} runs in its sandbox here ({@link #SANDBOXED}). */
  private boolean sandboxed(String name) {
    Optional<Path> found = name.contains("/") ? executable(Path.of(name)) : lookUp(name, searchPath);
    return found.map(p -> sandboxOf(name, p) != null).orElse(false);
  }

  /**
   * Whether a job may run {@code argv} with {@code env} in {@code workDir}: its program must be
   * allowed, its environment may set no protected variable ({@link JobVariables}), and when its
   * program is a launcher ({@link Launchers}: {@code env}, {@code nice}, {@code xargs}, {@code
   * find -exec}...) what that would run is checked the same way. Allowed: the job's program.
   */
  public Resolution check(List<String> argv, java.util.Map<String, String> env, Path workDir) {
    List<String> variables = JobVariables.refusals(env.keySet(), allowedVariables);
    if (!variables.isEmpty()) {
      return new Refused(String.join("; ", variables));
    }
    return check(argv, workDir, 0);
  }

  private Resolution check(List<String> argv, Path workDir, int depth) {
    Resolution r = resolve(argv.get(0), workDir);
    if (!(r instanceof Allowed allowedProgram) || allowAny || depth > 8) {
      return depth > 8 ? new Refused("launchers nested more than 8 deep") : r;
    }
    List<String> sandbox = sandboxOf(argv.get(0), allowedProgram.executable());
    if (sandbox != null) {
      return depth > 0 ? new Refused("'" + argv.get(0) + "' runs only in its sandbox (" + String.join(" ", sandbox)
          + "), as a job's own program or a pipeline's stage, not through another program")
          : new Allowed(allowedProgram.executable(), sandbox);
    }
    Launchers.Launch launch = launch(argv, allowedProgram.executable());
    if (launch == null) {
      return r;
    }
    String program = argv.get(0);
    if (launch.refusal() != null) {
      return new Refused("'" + program + "' is refused: " + launch.refusal());
    }
    List<String> variables = JobVariables.refusals(launch.assignments(), allowedVariables);
    if (!variables.isEmpty()) {
      return new Refused("'" + program + "': " + String.join("; ", variables));
    }
    for (List<String> command : launch.commands()) {
      Resolution inner = check(command, workDir, depth + 1);
      if (inner instanceof Refused refused) {
        return new Refused("'" + program + "' would run '" + command.get(0) + "', which is"
            + " refused: " + refused.reason());
      }
    }
    return r;
  }

  /**
   * The variables {@code argv} would set through launchers ({@code env NAME=VALUE cmd}, nested
   * ones too), judged by the programs' names alone: what a master checks before it accepts a job,
   * as a worker checks them again with the programs it finds.
   */
  public static List<String> launcherAssignments(List<String> argv) {
    List<String> names = new java.util.ArrayList<>();
    List<List<String>> pending = new java.util.ArrayList<>(List.of(argv));
    for (int depth = 0; !pending.isEmpty() && depth < 8; depth++) {
      List<List<String>> next = new java.util.ArrayList<>();
      for (List<String> command : pending) {
        if (command.isEmpty()) {
          continue;
        }
        String name = command.get(0).substring(command.get(0).lastIndexOf('/') + 1);
        Launchers.Launch launch = Launchers.of(name, command);
        if (launch != null && launch.refusal() == null) {
          names.addAll(launch.assignments());
          next.addAll(launch.commands());
        }
      }
      pending = next;
    }
    return names;
  }

  /** The options that keep the program at {@code executable} in its sandbox ({@link #SANDBOXED}), or null. */
  private static List<String> sandboxOf(String invoked, Path executable) {
    String name = Path.of(invoked).getFileName().toString();
    String real = canonical(executable).map(p -> p.getFileName().toString()).orElse(name);
    return SANDBOXED.getOrDefault(real, SANDBOXED.get(name)); // a gsed named sed: sandboxed still
  }

  /** What the launcher at {@code executable} would run, or null when it is no launcher. */
  private static Launchers.Launch launch(List<String> argv, Path executable) {
    String invoked = Path.of(argv.get(0)).getFileName().toString();
    String real = canonical(executable).map(p -> p.getFileName().toString()).orElse(invoked);
    // one binary with many names (coreutils, busybox) is known by the name it was run with
    Launchers.Launch launch = Launchers.of(real, argv);
    return launch != null ? launch : Launchers.of(invoked, argv);
  }

  /** The allowed programs that exist here, by the names they were configured with. */
  public List<String> offered() {
    return offered;
  }

  public boolean has(String name) {
    return offered.contains(name);
  }

  /**
   * Finds {@code program} (a name looked up on the PATH, or a path, relative ones taken from
   * {@code workDir}) and says whether it may run.
   */
  public Resolution resolve(String program, Path workDir) {
    if (!program.contains("/")) {
      // a name resolves the same way for every job: look it up once
      return byName.computeIfAbsent(program, p -> lookUpAndCheck(p, workDir));
    }
    return lookUpAndCheck(program, workDir);
  }

  private Resolution lookUpAndCheck(String program, Path workDir) {
    Optional<Path> found =
        program.contains("/")
            ? executable(workDir.resolve(program).normalize())
            : lookUp(program, searchPath);
    if (found.isEmpty()) {
      if (!program.contains("/")) {
        return new Refused("program '" + program + "' was not found on the PATH", 127);
      }
      Path path = workDir.resolve(program).normalize();
      return Files.exists(path)
          ? new Refused("program '" + program + "' is not an executable file", 126)
          : new Refused("program '" + program + "' does not exist", 127);
    }
    Optional<Path> canonical = canonical(found.get());
    if (canonical.isEmpty()) {
      return new Refused("program '" + program + "' cannot be resolved to a file");
    }
    if (!allowAny && !allowed.contains(canonical.get())) {
      return new Refused("program '" + program + "' (" + canonical.get() + ") is not allowed;"
          + " allowed: " + String.join(" ", offered));
    }
    return new Allowed(found.get().toAbsolutePath());
  }

  private static Optional<Path> lookUp(String name, List<Path> path) {
    for (Path dir : path) {
      Optional<Path> p = executable(dir.resolve(name));
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> executable(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
  }

  private static Optional<Path> canonical(Path p) {
    try {
      return Optional.of(p.toRealPath());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
