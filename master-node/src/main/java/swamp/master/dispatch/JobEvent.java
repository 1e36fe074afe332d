package swamp.master.dispatch;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import swamp.protocol.CborSerializable;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * What happened to the job book, as the master's journal records it. Replaying these events in
 * order through {@link JobBook#apply} rebuilds every job with its state, attempts and result;
 * the workers are not in it (they register again with a restarted master).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JobEvent.Submitted.class, name = "submitted"),
    @JsonSubTypes.Type(value = JobEvent.Started.class, name = "started"),
    @JsonSubTypes.Type(value = JobEvent.Adopted.class, name = "adopted"),
    @JsonSubTypes.Type(value = JobEvent.Finished.class, name = "finished"),
    @JsonSubTypes.Type(value = JobEvent.Retrying.class, name = "retrying"),
    @JsonSubTypes.Type(value = JobEvent.WorkerLost.class, name = "worker-lost"),
    @JsonSubTypes.Type(value = JobEvent.Returned.class, name = "returned"),
    @JsonSubTypes.Type(value = JobEvent.Requeued.class, name = "requeued"),
    @JsonSubTypes.Type(value = JobEvent.Ended.class, name = "ended"),
    @JsonSubTypes.Type(value = JobEvent.CancelRequested.class, name = "cancel-requested"),
    @JsonSubTypes.Type(value = JobEvent.Forgotten.class, name = "forgotten"),
    @JsonSubTypes.Type(value = JobEvent.Batch.class, name = "batch"),
    @JsonSubTypes.Type(value = JobEvent.RunCreated.class, name = "run-created"),
    @JsonSubTypes.Type(value = JobEvent.StepsNotRun.class, name = "steps-not-run"),
    @JsonSubTypes.Type(value = JobEvent.StepsAdded.class, name = "steps-added")})
public sealed interface JobEvent extends CborSerializable {

  /** Jobs accepted, numbered from {@code firstSeq} in order. */
  record Submitted(long firstSeq, long at, List<NewJob> jobs) implements JobEvent {}

  /** A job as submitted; {@code key} (may be null) makes a resubmission of it a no-op. */
  record NewJob(String key, JobSpec spec) implements CborSerializable {}

  /** Queued jobs given to workers, each as its next attempt. */
  record Started(long at, List<Start> starts) implements JobEvent {}

  record Start(String jobId, String workerId) implements CborSerializable {}

  /** A queued job's last attempt turned out to be running still on {@code workerId}. */
  record Adopted(String jobId, String workerId) implements JobEvent {}

  /** The running attempt ended with {@code result}; the job is final. */
  record Finished(String jobId, JobResult result, long at) implements JobEvent {}

  /** The running attempt failed and the job has retries left: it waits again. */
  record Retrying(String jobId, JobResult result) implements JobEvent {}

  /** The job's worker is gone; a {@link Requeued} or an {@link Ended} follows. */
  record WorkerLost(String jobId) implements JobEvent {}

  /**
   * The job waits again, in front of its queue (its attempt did not start, or was lost): at
   * {@code at}, for {@code why}. Both are null in the journals of masters before they were kept.
   */
  record Requeued(String jobId, Long at, String why) implements JobEvent {
    Requeued(String jobId) {
      this(jobId, null, null);
    }
  }

  /**
   * The worker gave back the attempt the master asked back ({@code ToWorker.HandBack}): it waited
   * there for a slot and never started. The job waits again, in front of its queue, at {@code
   * at}, for {@code why}, and its next dispatch takes the same attempt number.
   */
  record Returned(String jobId, long at, String why) implements JobEvent {}

  /** The job ends without a result of its own: cancelled, or lost too often. */
  record Ended(String jobId, JobState state, String reason, long at) implements JobEvent {}

  record CancelRequested(String jobId) implements JobEvent {}

  /** Finished jobs that finished before {@code before} are dropped: the retention period. */
  record Forgotten(long before) implements JobEvent {}

  /**
   * A run was registered: the commands of a script, as its planner read them. Its jobs come
   * later, each naming the run and its step.
   */
  record RunCreated(String id, String name, String workDir, long at, List<RunCommand> commands)
      implements JobEvent {}

  /**
   * One command of a run: its index, its line in the script, its text as written there, its argv
   * and the steps that must succeed before it runs.
   */
  record RunCommand(int step, int line, String text, List<String> argv, List<Integer> dependsOn)
      implements CborSerializable {
    public RunCommand {
      argv = argv == null ? List.of() : List.copyOf(argv);
      dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }
  }

  /**
   * The client of a run decided that these of its steps do not run, as bash would not have run
   * them (a guard that does not hold, a command after an exit): none has a job.
   */
  record StepsNotRun(String run, List<Integer> steps) implements JobEvent {
    public StepsNotRun {
      steps = List.copyOf(steps);
    }
  }

  /**
   * The client of a run planned more of its commands as the script ran ({@code mean=$(ncks ...)}
   * after the job that writes what it reads): they follow the run's last step. Those the run
   * has already are the same, sent again.
   */
  record StepsAdded(String run, List<RunCommand> commands) implements JobEvent {
    public StepsAdded {
      commands = List.copyOf(commands);
    }
  }

  /** The events of one command, journaled as one record. */
  record Batch(List<JobEvent> events) implements JobEvent {}

  /**
   * How many jobs (or a run's commands) {@code event} is about: what the dispatcher counts
   * towards its next snapshot.
   */
  static int entries(JobEvent event) {
    if (event instanceof Batch b) {
      int n = 0;
      for (JobEvent e : b.events()) {
        n += entries(e);
      }
      return n;
    }
    if (event instanceof Submitted s) {
      return s.jobs().size();
    }
    if (event instanceof Started s) {
      return s.starts().size();
    }
    if (event instanceof RunCreated r) {
      return r.commands().size();
    }
    if (event instanceof StepsNotRun n) {
      return n.steps().size();
    }
    if (event instanceof StepsAdded a) {
      return a.commands().size();
    }
    return 1;
  }
}
