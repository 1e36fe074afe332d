package swamp.master.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import swamp.protocol.JobResult;
import swamp.protocol.JobState;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * What the API shows of jobs and workers: the JSON shapes of the command-line contract, and the
 * dispatcher's read-only queries that make them from its book.
 */
public final class Views {
  private Views() {}

  public record JobView(
      String id,
      JobState state,
      Integer exitCode,
      String stdout,
      String stderr,
      boolean truncated,
      String worker,
      int attempts,
      String reason,
      List<String> argv,
      List<String> requires,
      String submittedAt,
      String startedAt,
      String finishedAt,
      Long pid,
      String key,
      Redirects redirects,
      List<Stage> pipeline,
      String run,
      int step,
      String command,
      String workDir,
      @com.fasterxml.jackson.annotation.JsonInclude(
          com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
      List<AttemptView> history) {

    static JobView of(Job j) {
      return of(j, null);
    }

    /**
     * Each stage of the job as a shell line, for people: the first (argv with its redirections),
     * then the pipeline's; one for a job without a pipeline. Shown, never read back.
     */
    @com.fasterxml.jackson.annotation.JsonProperty(value = "stages",
        access = com.fasterxml.jackson.annotation.JsonProperty.Access.READ_ONLY)
    public List<String> stageLines() {
      List<String> lines = new ArrayList<>();
      lines.add(swamp.protocol.ShellText.of(List.of(new Stage(argv, redirects))));
      if (pipeline != null) {
        pipeline.forEach(stage -> lines.add(swamp.protocol.ShellText.of(List.of(stage))));
      }
      return lines;
    }

    /** The job with its attempts: the view of one job (lists and the live feed leave them out). */
    JobView withHistory(Job j) {
      List<AttemptView> tried = new ArrayList<>();
      for (Job.Attempt a : j.attempts()) {
        tried.add(new AttemptView(a.number(), a.worker(), a.started() > 0 ? time(a.started())
            : null, a.ended() > 0 ? time(a.ended()) : null, a.outcome()));
      }
      return new JobView(id, state, exitCode, stdout, stderr, truncated, worker, attempts, reason,
          argv, requires, submittedAt, startedAt, finishedAt, pid, key, redirects, pipeline, run,
          step, command, workDir, List.copyOf(tried));
    }

    /** The job without its stdout and stderr: for the live feed, which shows neither. */
    JobView withoutOutput() {
      return new JobView(id, state, exitCode, "", "", truncated, worker, attempts, reason, argv,
          requires, submittedAt, startedAt, finishedAt, pid, key, redirects, pipeline, run, step,
          command, workDir, history);
    }

    /** The job, with {@code waiting} as its reason when it is given: why it cannot be placed. */
    static JobView of(Job j, String waiting) {
      JobResult r = j.result;
      return new JobView(
          j.id,
          j.state,
          r == null ? null : r.exitCode(),
          r == null ? "" : r.stdout(),
          r == null ? "" : r.stderr(),
          r != null && r.truncated(),
          j.workerId,
          j.attempt,
          waiting != null ? waiting : j.reason,
          j.spec.argv(),
          j.spec.requires(),
          time(j.submittedAt),
          // ended: when its process started (none: it never did); else when it was dispatched
          r != null ? time(r.startedAt()) : time(j.dispatchedAt()),
          r == null ? null : time(r.finishedAt()),
          r == null ? null : r.pid(),
          j.key,
          j.spec.redirects(),
          j.spec.pipeline(),
          j.spec.run(),
          j.spec.step(),
          j.spec.commandText(),
          j.spec.workDir(),
          null);
    }
  }

  /**
   * One attempt of a job: its number, its worker, when it was given to it and when it ended
   * (null: it runs, or it is not known), and how it ended or why the job was queued again
   * (null while it runs).
   */
  public record AttemptView(int attempt, String worker, String startedAt, String endedAt,
      String outcome) {}

  public record WorkerView(
      String id,
      String host,
      int slots,
      int busy,
      List<String> capabilities,
      List<String> executables,
      String url,
      long memoryMb,
      String version,
      String registeredAt,
      boolean draining,
      List<String> jobs,
      int waiting,
      String state,
      String source,
      String gridJob,
      String spawnedAt) {

    static WorkerView of(SlotTable.Worker w) {
      return new WorkerView(w.id, w.offer.host(), w.offer.slots(), Math.min(w.usedSlots, w.offer.slots()), // prefetched: in jobs
          w.offer.labels(), w.offer.executables(), w.offer.url(), w.offer.memoryMb(),
          w.offer.version(), time(w.registeredAt), w.draining, List.copyOf(w.running.keySet()),
          w.prefetched().size(), w.draining ? "draining" : "registered", null, null, null);
    }

  }

  /**
   * A run in the list of runs: how many of its commands stand where; {@code notRun}: those its
   * client decided not to run, as bash would not have. A step that runs nothing (an exit point,
   * the status of an {@code if} on a job: {@link #DECISION}) is not counted.
   */
  public record RunSummaryView(
      String id,
      String name,
      String submittedAt,
      int commands,
      int succeeded,
      int failed,
      int cancelled,
      int running,
      int queued,
      int waiting,
      int notRun) {

    static RunSummaryView of(Runs.Run run) {
      EnumMap<JobState, Integer> n = new EnumMap<>(JobState.class);
      int waiting = 0;
      int notRun = 0;
      int commands = 0;
      for (int step = 0; step < run.commands.size(); step++) {
        if (runsNothing(run.commands.get(step))) {
          continue;
        }
        commands++;
        JobState state = state(run, step);
        if (run.notRun.get(step)) {
          notRun++;
        } else if (state == null) {
          waiting++;
        } else {
          n.merge(state, 1, Integer::sum);
        }
      }
      return new RunSummaryView(run.id, run.name, time(run.submittedAt), commands,
          n.getOrDefault(JobState.SUCCEEDED, 0), n.getOrDefault(JobState.FAILED, 0),
          n.getOrDefault(JobState.CANCELLED, 0), n.getOrDefault(JobState.RUNNING, 0),
          n.getOrDefault(JobState.QUEUED, 0), waiting, notRun);
    }
  }

  /** A run with each of its commands and how the newest job for it stands. */
  public record RunView(String id, String name, String workDir, String submittedAt,
      List<StepView> commands) {

    static RunView of(Runs.Run run) {
      List<StepView> steps = new ArrayList<>(run.commands.size());
      for (int step = 0; step < run.commands.size(); step++) {
        JobEvent.RunCommand c = run.commands.get(step);
        Job job = run.latest[step];
        Runs.Gone gone = run.gone[step];
        JobState state = state(run, step);
        steps.add(new StepView(c.step(), c.line(), c.text(), c.argv(), c.dependsOn(),
            run.notRun.get(step) ? NOT_RUN : runsNothing(c) ? DECISION
                : state == null ? WAITING : state.name(),
            job != null ? job.id : gone != null ? gone.jobId() : null,
            job != null ? (job.result == null ? null : job.result.exitCode())
                : gone != null ? gone.exitCode() : null,
            job != null ? job.workerId : gone != null ? gone.worker() : null));
      }
      return new RunView(run.id, run.name, run.workDir, time(run.submittedAt), steps);
    }
  }

  /**
   * The jobs of a run that ended after a cursor, in the order they ended ({@code GET
   * /api/runs/ID/ended}), and the cursor to send next. A job the master no longer keeps shows
   * what its run kept of it: its state, exit code and worker, no output.
   */
  public record RunEndedView(String run, List<JobView> ended, String next) {

    /** At most this many jobs in one answer: a follower that is behind asks again at once. */
    static final int MAX = 1_000;

    static RunEndedView of(Runs.Run run, RunCursor after, JobBook book) {
      List<Runs.Ending> since = Runs.endedSince(run, after, MAX);
      List<JobView> views = new ArrayList<>(since.size());
      for (Runs.Ending e : since) {
        Job job = book.job(e.jobId());
        Runs.Gone gone = run.gone[e.step()];
        if (job != null) {
          views.add(JobView.of(job));
        } else if (gone != null && gone.jobId().equals(e.jobId())) {
          JobEvent.RunCommand c = run.commands.get(e.step());
          views.add(new JobView(gone.jobId(), gone.state(), gone.exitCode(), "", "", false,
              gone.worker(), 0, "the master no longer keeps this job's output", c.argv(),
              List.of(), null, null, null, null, null, null, null, run.id, e.step(), c.text(),
              run.workDir, null));
        }
      }
      return new RunEndedView(run.id, views, Runs.next(run, after, since.size()).toString());
    }
  }

  /**
   * One command of a run: {@code state} is its newest job's, or {@code WAITING} while no job
   * was submitted for it, {@code NOT_RUN} once its client decided it does not run, or {@code
   * DECISION} for a step that runs nothing.
   */
  public record StepView(int step, int line, String text, List<String> argv, List<Integer> dependsOn,
      String state, String job, Integer exitCode, String worker) {}

  public static final String WAITING = "WAITING";
  /**
   * A step of a script that runs no program: what its client decides by the statuses of the
   * jobs before it (an exit point, {@code cmd || exit 1}; the status of an {@code if} on a job).
   */
  public static final String DECISION = "DECISION";
  /**
   * A step of a script its client decided not to run, as bash would not have run it: under an
   * {@code if} or {@code &&} that did not hold, after an {@code exit} or a failure under {@code
   * set -e}, or left when the run was stopped.
   */
  public static final String NOT_RUN = "NOT_RUN";

  private static boolean runsNothing(JobEvent.RunCommand c) {
    return c.argv().isEmpty();
  }

  /** The state of the newest job of a run's step; null when none was submitted. */
  private static JobState state(Runs.Run run, int step) {
    Job job = run.latest[step];
    if (job != null) {
      return job.state;
    }
    Runs.Gone gone = run.gone[step];
    return gone == null ? null : gone.state();
  }

  /** The master as {@code /api/health} shows it; {@code waiting}: long polls open now. */
  public record Health(
      String status,
      long masterEpoch,
      String localExec,
      int workers,
      int queued,
      int running,
      int succeeded,
      int failed,
      int cancelled,
      int waiting,
      /** The master's own worker, which runs jobs under local-exec; null when it has none. */
      WorkerView local) {}

  // ---- the dispatcher's queries: read-only, over its book ----

  /** The registered workers, the master's embedded one left out. */
  static List<WorkerView> workers(JobBook book) {
    return book.slots().workers().stream().filter(w -> !w.offer.embedded())
        .map(WorkerView::of).toList();
  }

  /** The master's health; {@code waiting}: the long polls open now. */
  static Health health(JobBook book, long masterEpoch, int waiting) {
    return new Health("ok", masterEpoch, book.slots().localExec().toString(),
        book.slots().externalWorkers(), book.count(JobState.QUEUED), book.count(JobState.RUNNING),
        book.count(JobState.SUCCEEDED), book.count(JobState.FAILED),
        book.count(JobState.CANCELLED), waiting,
        book.slots().workers().stream().filter(w -> w.offer.embedded()).findFirst()
            .map(WorkerView::of).orElse(null));
  }

  /**
   * The newest {@code limit} jobs in {@code state} (all states: null) last given to {@code worker}
   * (any: null), without their attempts.
   */
  static List<JobView> jobs(JobBook book, Placement placement, java.util.Set<JobState> states,
      String worker, int limit) {
    return book.recent(states, worker, limit).stream()
        .map(j -> JobView.of(j, j.state == JobState.QUEUED ? placement.whyWaiting(j, book.slots()) : null))
        .toList();
  }

  /** One run with its commands, if there is one of that id. */
  static Optional<RunView> run(JobBook book, String runId) {
    return Optional.ofNullable(book.runs().get(runId)).map(RunView::of);
  }

  /** Every run, as the list of runs shows it. */
  static List<RunSummaryView> runs(JobBook book) {
    return book.runs().all().stream().map(RunSummaryView::of).toList();
  }

  /** One job with its attempts, and why it waits if {@code placement} cannot place it. */
  static Optional<JobView> job(JobBook book, Placement placement, String jobId) {
    Job job = book.job(jobId);
    return job == null ? Optional.empty()
        : Optional.of(JobView.of(job, placement.whyWaiting(job, book.slots())).withHistory(job));
  }

  /** An instant as the API shows it (ISO 8601, UTC), or null for none (0). */
  public static String time(long epochMillis) {
    return epochMillis <= 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
  }
}
