package swamp.master.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A script of {@code /bin/true} lines through {@code bin/swamp run}, beside {@code xargs -P2}
 * running the same lines ({@link Peers#xargsLines}), on {@link ProcessJobs}' pool. The whole
 * client command is timed, as a user meets it: its JVM's start, the planning, the submission and
 * the wait for the last job. The lines name {@code /bin/true}, not {@code true}: swamp's planner
 * runs a shell builtin such as {@code true} itself while it plans, so it would never become a job.
 */
final class TrueScript {
  static final String MEASURE = "script of /bin/true, bin/swamp run";
  static final String RATIO = "script of /bin/true / xargs -P2";
  /** The uncounted run first, as the other process rows have: at most this many lines. */
  private static final int WARM_UP_LINES = 100;

  final Row row;
  final Row ratio;
  private final Session session;
  private final int lines;
  private final List<Double> xargs = new ArrayList<>();

  TrueScript(Session session) {
    this.session = session;
    this.lines = session.sizes.trueScriptLines();
    row = new Row(MEASURE, Row.fmt(lines, 0) + "-line script, each line /bin/true, 2 worker JVMs"
        + " x 1 slot, client JVM start included", "jobs/s", ">= 0.7 x xargs -P2", 0);
    ratio = new Row(RATIO, "the same, each beside an xargs run", "ratio", ">= 0.70", 2);
  }

  /** On {@code pool}; fails unless each run exits 0 having run every line as a job. */
  void run(Pool pool) throws Exception {
    session.notes.add(MEASURE + ": the lines name /bin/true because swamp's planner runs the"
        + " builtin true itself, so a script of true would run no job; xargs runs each line"
        + " through /usr/bin/env (no shell, one exec more per line than the line alone)");
    Path dir = Files.createDirectories(session.lab.dir.resolve("true-script"));
    Path script = script(dir, lines);
    swampRun(pool, dir, "true-script-warm-up", Math.min(WARM_UP_LINES, lines));
    for (int rep = 0; rep < session.sizes.reps(); rep++) {
      double x = session.peers.xargsLines(script, lines);
      double s = lines / swampRun(pool, dir, "true-script-" + rep, lines);
      row.samples.add(s);
      xargs.add(x);
      ratio.samples.add(s / x);
    }
  }

  /** The peers column, once the run is over. */
  void peers() {
    row.peer(Peers.XARGS_LINES + ": "
        + (xargs.isEmpty() ? "-" : Peers.summary(xargs, "jobs/s", 0)));
    ratio.peer("-");
  }

  /**
   * Runs a script of {@code n} lines through {@code bin/swamp run} as {@code name}; the seconds
   * it took. Fails unless the master counts {@code n} more jobs succeeded after it.
   */
  private double swampRun(Pool pool, Path dir, String name, int n) throws Exception {
    Path script = script(dir, n);
    Pool.Health before = pool.health();
    double secs = Session.seconds(() -> pool.swampRun(name, script.getFileName().toString(), dir,
        Duration.ofMinutes(10)));
    int ran = pool.health().succeeded() - before.succeeded();
    if (ran != n) {
      throw new IllegalStateException("bin/swamp run of " + n + " lines of /bin/true ran " + ran
          + " jobs; see " + session.lab.log(name));
    }
    return secs;
  }

  /** {@code true-N.sh} in {@code dir}: {@code n} lines of {@code /bin/true}, written once. */
  private static Path script(Path dir, int n) throws java.io.IOException {
    Path script = dir.resolve("true-" + n + ".sh");
    if (!Files.exists(script)) {
      Files.writeString(script, "/bin/true\n".repeat(n));
    }
    return script;
  }
}
