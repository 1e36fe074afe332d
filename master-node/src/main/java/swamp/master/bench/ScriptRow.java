package swamp.master.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A scientist's NCO script, bash beside {@code bin/swamp run}: {@link #SCRIPT}, an ensemble
 * workflow of loops and globs, run by bash and by {@code bin/swamp run} on a master with two
 * 1-slot worker JVMs, each repetition on fresh links to the same inputs; the figure is bash's
 * wall time over swamp's, the client JVM's start and the planning included.
 */
final class ScriptRow {

  static final String SCRIPT = "script-bench.sh";
  static final String SCRIPT_DATA = "script-data.sh";
  /** The commands {@link #SCRIPT} runs. */
  static final int SCRIPT_COMMANDS = 44;
  /** For each run of a script: bash's, swamp's, the one that makes the data. */
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  private final Session session;
  private final Sizes sizes;
  private final Lab lab;

  ScriptRow(Session session) {
    this.session = session;
    this.sizes = session.sizes;
    this.lab = session.lab;
  }

  /** The row; without NCO none, with a note. */
  Optional<Row> row() {
    List<String> missing = Stream.of("ncgen", "ncap2", "ncra", "ncea", "ncbo", "ncrcat", "ncwa")
        .filter(p -> !onPath(p)).toList();
    if (!missing.isEmpty()) {
      session.notes.add("script: not measured: " + String.join(", ", missing) + " not on the"
          + " PATH (NCO and netCDF's ncgen; bin/setup installs them)");
      return Optional.empty();
    }
    String grid = sizes.scriptLevels() + "x" + sizes.scriptLats() + "x" + sizes.scriptLons();
    Row row = new Row("script", SCRIPT_COMMANDS + " NCO commands, 4 models x 12 months of T("
        + grid + "), bash vs run on 2 worker JVMs x 1 slot", "x bash", ">= 1.8", 2);
    List<Double> bash = new ArrayList<>();
    List<Double> swamp = new ArrayList<>();
    session.measure(row.measure, () -> {
      Path data = makeData();
      try (Pool pool = new Pool(lab, "script", false)) {
        List<String> ids = List.of("script-1", "script-2");
        for (String id : ids) {
          pool.startWorker(id, 1, false, false);
        }
        pool.awaitWorkers(ids, Duration.ofMinutes(2));
        for (int rep = 0; rep < sizes.scriptReps(); rep++) {
          String bashRun = "script-bash-" + rep;
          Path bashDir = scriptDir(data, bashRun);
          double bashSecs = Session.seconds(() -> lab.run(bashRun, List.of("bash", SCRIPT),
              bashDir, Map.of(), TIMEOUT));
          String swampRun = "script-swamp-" + rep;
          Path swampDir = scriptDir(data, swampRun);
          double swampSecs = Session.seconds(() -> pool.swampRun(swampRun, SCRIPT, swampDir,
              TIMEOUT));
          requireSameFiles(bashDir, swampDir);
          bash.add(bashSecs);
          swamp.add(swampSecs);
          row.samples.add(bashSecs / swampSecs);
          Lab.delete(bashDir);
          Lab.delete(swampDir);
        }
      }
    }, row);
    if (!bash.isEmpty()) {
      session.notes.add("script: bash ran a command in " + Row.fmt(Row.median(bash)
          / SCRIPT_COMMANDS, 2) + " s on average (median run)");
    }
    row.peer(bash.isEmpty() ? "-" : "bash: " + Peers.summary(bash, "s", 1)
        + "; bin/swamp run: " + Peers.summary(swamp, "s", 1));
    return Optional.of(row);
  }

  /** The 48 input files, made by ncap2 (not counted); the directory that holds them. */
  private Path makeData() throws Exception {
    Path data = Files.createDirectories(lab.dir.resolve("script-data"));
    Files.write(data.resolve(SCRIPT_DATA), Lab.resource(SCRIPT_DATA));
    double secs = Session.seconds(() -> lab.run("script-data", List.of("bash", SCRIPT_DATA,
        "" + sizes.scriptLevels(), "" + sizes.scriptLats(), "" + sizes.scriptLons()), data,
        Map.of(), TIMEOUT));
    Files.delete(data.resolve(SCRIPT_DATA));
    session.notes.add("script: its 48 input files made by ncap2 in " + Row.fmt(secs, 1)
        + " s (not counted)");
    return data;
  }

  /** A fresh directory with {@link #SCRIPT} and hard links to the inputs, which no line writes. */
  private Path scriptDir(Path data, String name) throws IOException {
    Path dir = Files.createDirectories(lab.dir.resolve(name));
    try (Stream<Path> inputs = Files.list(data)) {
      for (Path f : inputs.toList()) {
        Files.createLink(dir.resolve(f.getFileName()), f);
      }
    }
    Files.write(dir.resolve(SCRIPT), Lab.resource(SCRIPT));
    return dir;
  }

  /** Fails unless both runs left files of the same names: a swamp run that skipped lines. */
  private static void requireSameFiles(Path bash, Path swamp) throws IOException {
    Set<String> a = names(bash);
    Set<String> b = names(swamp);
    if (!a.equals(b)) {
      Set<String> onlyBash = new TreeSet<>(a);
      onlyBash.removeAll(b);
      Set<String> onlySwamp = new TreeSet<>(b);
      onlySwamp.removeAll(a);
      throw new IllegalStateException("bin/swamp run left other files than bash: only bash made "
          + onlyBash + ", only swamp " + onlySwamp);
    }
  }

  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(d -> !d.isEmpty()).anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }
}
