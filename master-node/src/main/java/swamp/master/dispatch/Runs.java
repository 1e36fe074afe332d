package swamp.master.dispatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import swamp.master.dispatch.DispatcherProtocol.RunRefused.Kind;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * The runs the book keeps: a script's commands and, for each, the newest job submitted for it.
 * Part of the {@link JobBook}, changed only as it applies its events.
 */
final class Runs {

  /** The most runs the book keeps; a new one beyond it drops the oldest. */
  static final int MAX_RUNS = 10_000;

  /**
   * The commands of a script and, for each, the newest job submitted for it: while the book
   * keeps that job, the job itself; once it dropped it, how it ended.
   */
  static final class Run {
    final String id;
    final String name;
    final String workDir;
    final long submittedAt;
    /** Its commands; a script planned as it runs adds more ({@link JobEvent.StepsAdded}). */
    final List<JobEvent.RunCommand> commands;
    Job[] latest;
    Gone[] gone;
    /** The steps its client decided not to run, as bash would not have run them; none has a job. */
    final BitSet notRun = new BitSet();
    /**
     * The run's jobs in the order they ended, for those who follow the run ({@link
     * #endedSince}); rebuilt, under a new {@link #log} name, whenever the book is.
     */
    final List<Ending> ended = new ArrayList<>();
    final String log = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);

    Run(String id, String name, String workDir, long submittedAt,
        List<JobEvent.RunCommand> commands) {
      this.id = id;
      this.name = name;
      this.workDir = workDir;
      this.submittedAt = submittedAt;
      this.commands = new ArrayList<>(commands);
      this.latest = new Job[commands.size()];
      this.gone = new Gone[commands.size()];
    }

    /** Commands planned after the run was registered, steps from {@code commands.size()} on. */
    void add(List<JobEvent.RunCommand> added) {
      commands.addAll(added);
      latest = Arrays.copyOf(latest, commands.size());
      gone = Arrays.copyOf(gone, commands.size());
    }
  }

  /** A job of a run that ended: the {@code ended} log of its run holds these in order. */
  record Ending(String jobId, int step) {}

  /** How the newest job of a run's step ended, once the book no longer keeps the job. */
  record Gone(String jobId, JobState state, Integer exitCode, String worker)
      implements swamp.protocol.CborSerializable {}

  private final Map<String, Run> runs = new LinkedHashMap<>();
  private long nextRun = 1;

  /** The id the next run gets: ids never repeat in one journal. */
  String nextId() {
    return "r" + nextRun;
  }

  long next() {
    return nextRun;
  }

  void created(JobEvent.RunCreated r) {
    Run run = new Run(r.id(), r.name(), r.workDir(), r.at(), r.commands());
    runs.put(run.id, run);
    nextRun = Math.max(nextRun, Long.parseLong(run.id.substring(1)) + 1);
    if (runs.size() > MAX_RUNS) {
      runs.remove(runs.keySet().iterator().next());
    }
  }

  /** A job was submitted: the newest of its run's step, if it names one the book keeps. */
  void submitted(Job job) {
    Run run = job.spec.run() == null ? null : runs.get(job.spec.run());
    if (run != null && job.spec.step() < run.latest.length) {
      run.latest[job.spec.step()] = job;
      run.gone[job.spec.step()] = null;
      run.notRun.clear(job.spec.step());
    }
  }

  /** The client of a run planned more of its commands ({@link #addProblem} first). */
  void added(JobEvent.StepsAdded a) {
    Run run = runs.get(a.run());
    if (run != null) {
      run.add(a.commands().stream().filter(c -> c.step() >= run.commands.size()).toList());
    }
  }

  /**
   * Why these commands cannot be added to run {@code id} (no such run; the first not its next
   * step, or one it has with another text or argv), or null when they can: those it has already,
   * the same, are taken again (a client that sends them again after a lost answer).
   */
  DispatcherProtocol.RunRefused addProblem(String id, List<JobEvent.RunCommand> commands) {
    Run run = runs.get(id);
    if (run == null) {
      return new DispatcherProtocol.RunRefused(Kind.NO_RUN, "no run " + id);
    }
    int first = commands.get(0).step();
    if (first > run.commands.size()) {
      return new DispatcherProtocol.RunRefused(Kind.NO_STEP, "run " + id + " has " + run.commands.size()
          + " commands: the commands added start at step " + run.commands.size() + ", not " + first);
    }
    for (JobEvent.RunCommand c : commands) {
      if (c.step() < run.commands.size() && !c.equals(run.commands.get(c.step()))) {
        return new DispatcherProtocol.RunRefused(Kind.HAS_JOB, "run " + id + " has a step " + c.step()
            + " already, '" + run.commands.get(c.step()).text() + "', not '" + c.text() + "'");
      }
    }
    return null;
  }

  /** The client of a run decided that these steps do not run. */
  void notRun(JobEvent.StepsNotRun n) {
    Run run = runs.get(n.run());
    if (run != null) {
      n.steps().forEach(run.notRun::set);
    }
  }

  /**
   * Why these steps of run {@code id} cannot be marked as not run (no such run, a step it does
   * not have, a step a job was submitted for), or null when they can.
   */
  DispatcherProtocol.RunRefused notRunProblem(String id, List<Integer> steps) {
    Run run = runs.get(id);
    if (run == null) {
      return new DispatcherProtocol.RunRefused(Kind.NO_RUN, "no run " + id);
    }
    for (int step : steps) {
      if (step >= run.commands.size()) {
        return new DispatcherProtocol.RunRefused(Kind.NO_STEP, "run " + id + " has "
            + run.commands.size() + " commands (steps 0 to " + (run.commands.size() - 1)
            + "), not step " + step);
      }
      if (run.latest[step] != null || run.gone[step] != null) {
        String job = run.latest[step] != null ? run.latest[step].id : run.gone[step].jobId();
        return new DispatcherProtocol.RunRefused(Kind.HAS_JOB, "step " + step + " of run " + id
            + " was submitted as job " + job + ": only a step without a job can be marked as not run");
      }
    }
    return null;
  }

  /** {@code job} ended (finished, failed, cancelled): it goes to its run's log, if it has one. */
  void ended(Job job) {
    Run run = job.spec.run() == null ? null : runs.get(job.spec.run());
    if (run != null && job.spec.step() < run.latest.length) {
      run.ended.add(new Ending(job.id, job.spec.step()));
    }
  }

  /**
   * The entries of {@code run}'s log after {@code cursor}, at most {@code max}: all of them
   * when the cursor is of another log (the follower drops those it knows).
   */
  static List<Ending> endedSince(Run run, RunCursor cursor, int max) {
    int from = run.log.equals(cursor.log()) ? Math.min(cursor.seen(), run.ended.size()) : 0;
    return run.ended.subList(from, Math.min(run.ended.size(), from + max));
  }

  /** The cursor after {@code taken} entries read from {@code cursor}. */
  static RunCursor next(Run run, RunCursor cursor, int taken) {
    int from = run.log.equals(cursor.log()) ? Math.min(cursor.seen(), run.ended.size()) : 0;
    return new RunCursor(run.log, from + taken);
  }

  /** The book drops {@code old}: if it was the newest of its step, the run keeps how it ended. */
  void dropped(Job old) {
    Run run = old.spec.run() == null ? null : runs.get(old.spec.run());
    if (run != null && old.spec.step() < run.latest.length && run.latest[old.spec.step()] == old) {
      run.latest[old.spec.step()] = null;
      run.gone[old.spec.step()] = new Gone(old.id, old.state,
          old.result == null ? null : old.result.exitCode(), old.workerId);
    }
  }

  /**
   * Why jobs naming these runs and steps cannot be accepted (an unknown run, a step it does not
   * have), or null when they can.
   */
  String problem(List<JobSpec> specs) {
    for (int i = 0; i < specs.size(); i++) {
      JobSpec spec = specs.get(i);
      if (spec.run() == null) {
        continue;
      }
      String where = specs.size() == 1 ? "" : "job " + i + ": ";
      Run run = runs.get(spec.run());
      if (run == null) {
        return where + "no run " + spec.run() + ": create it first with POST /api/runs";
      }
      if (spec.step() >= run.commands.size()) {
        return where + "run " + run.id + " has " + run.commands.size() + " commands (steps 0 to "
            + (run.commands.size() - 1) + "), not step " + spec.step();
      }
    }
    return null;
  }

  Run get(String id) {
    return runs.get(id);
  }

  Collection<Run> all() {
    return runs.values();
  }

  // ---- snapshots ----

  List<BookSnapshots.RunRecord> records() {
    List<BookSnapshots.RunRecord> out = new ArrayList<>(runs.size());
    for (Run r : runs.values()) {
      List<String> latest = new ArrayList<>(r.latest.length);
      for (Job j : r.latest) {
        latest.add(j == null ? null : j.id);
      }
      out.add(new BookSnapshots.RunRecord(r.id, r.name, r.workDir, r.submittedAt, r.commands,
          latest, Arrays.asList(r.gone.clone()), r.notRun.stream().boxed().toList()));
    }
    return out;
  }

  /** Takes back the runs of a snapshot, their newest jobs looked up in the restored book. */
  void restore(long next, List<BookSnapshots.RunRecord> records, Function<String, Job> jobs) {
    nextRun = Math.max(1, next);
    for (BookSnapshots.RunRecord r : records == null ? List.<BookSnapshots.RunRecord>of() : records) {
      Run run = new Run(r.id(), r.name(), r.workDir(), r.submittedAt(), r.commands());
      for (int step = 0; step < run.latest.length; step++) {
        String latest = step < r.latest().size() ? r.latest().get(step) : null;
        run.latest[step] = latest == null ? null : jobs.apply(latest);
        run.gone[step] = step < r.gone().size() ? r.gone().get(step) : null;
        Job job = run.latest[step];
        if (job != null && job.state.isFinal()) {
          run.ended.add(new Ending(job.id, step)); // in step order: the log is a new one
        } else if (job == null && run.gone[step] != null) {
          run.ended.add(new Ending(run.gone[step].jobId(), step));
        }
      }
      if (r.notRun() != null) {
        r.notRun().forEach(run.notRun::set);
      }
      runs.put(run.id, run);
    }
  }
}
