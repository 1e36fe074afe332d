package swamp.protocol;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Master to worker: the answer to its registration, then jobs to run, jobs to cancel, finishes
 * acknowledged, a request to register again, and at last {@link Dismiss}.
 */
public sealed interface ToWorker extends CborSerializable {

  /** The registry's answer to {@link ToRegistry.Register}. */
  sealed interface RegistrationReply extends ToWorker {}

  /**
   * Registered. {@code masterEpoch} changes with every master incarnation (see {@link
   * ToRegistry.WhichMaster}); {@code master} is the ref the worker sends its {@link ToMaster}
   * reports to.
   */
  record RegOk(long masterEpoch, ActorRef<ToMaster> master) implements RegistrationReply {}

  /** Not registered, and why: {@link Declined} for now, or {@link Refused} for good. */
  sealed interface NotRegistered extends RegistrationReply {
    String reason();

    /** Whether trying again later may succeed. */
    boolean retryable();
  }

  /**
   * Not now: trying again later may succeed (an id still held by a worker that is leaving, a
   * master that is not ready).
   */
  record Declined(String reason) implements NotRegistered {
    @Override
    public boolean retryable() {
      return true;
    }
  }

  /**
   * Never: a wrong secret, an invalid offer, an incompatible protocol. The worker exits with the
   * reason.
   */
  record Refused(String reason) implements NotRegistered {
    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** Run attempt {@code attempt} of job {@code jobId}. */
  record Job(String jobId, int attempt, JobSpec spec) implements ToWorker {}

  /**
   * Run these, in this order: the jobs one dispatch gives one worker, in one message instead of
   * one each (at thousands of jobs a second, each message's own cost on both sides was a large
   * part of the work). Each is handled as if it came alone. {@code recorded}: finishes the
   * master has recorded, acknowledged here as a {@link FinishAck} would, where a worker's report
   * of finishes freed the slots these jobs take: one message back for the report, not two.
   */
  record Jobs(List<Job> jobs, List<ToRegistry.RunningJob> recorded) implements ToWorker {
    /**
     * The most characters of commands ({@link JobSpec#chars}) one message holds, as much as one
     * job may: at up to 3 bytes each in UTF-8 a message stays well under the remoting's frame
     * (4 MiB), which drops a larger one. More goes in more messages.
     */
    public static final long MAX_CHARS = JobSpec.MAX_COMMAND_CHARS;

    public Jobs {
      jobs = List.copyOf(jobs);
      recorded = List.copyOf(recorded);
    }

    /** Jobs that acknowledge no finish. */
    public Jobs(List<Job> jobs) {
      this(jobs, List.of());
    }

    /**
     * {@code jobs}, in order, in as few messages as keep each within {@link #MAX_CHARS}: a
     * message of several as {@code Jobs}, a job alone as itself.
     */
    public static List<ToWorker> pack(List<Job> jobs) {
      return pack(jobs, List.of());
    }

    /**
     * {@code jobs} as {@link #pack(List)} has them, the first message also acknowledging {@code
     * recorded} (a job alone then goes as a {@code Jobs} of one); with no jobs, a {@link
     * FinishAck} of them, and with neither, no message.
     */
    public static List<ToWorker> pack(List<Job> jobs, List<ToRegistry.RunningJob> recorded) {
      List<ToWorker> messages = new ArrayList<>();
      List<Job> batch = new ArrayList<>();
      long chars = 0;
      for (Job job : jobs) {
        long c = job.spec().chars();
        if (!batch.isEmpty() && chars + c > MAX_CHARS) {
          messages.add(message(batch, messages.isEmpty() ? recorded : List.of()));
          batch = new ArrayList<>();
          chars = 0;
        }
        batch.add(job);
        chars += c;
      }
      if (!batch.isEmpty()) {
        messages.add(message(batch, messages.isEmpty() ? recorded : List.of()));
      } else if (messages.isEmpty() && !recorded.isEmpty()) {
        messages.add(new FinishAck(recorded));
      }
      return messages;
    }

    private static ToWorker message(List<Job> batch, List<ToRegistry.RunningJob> recorded) {
      return batch.size() == 1 && recorded.isEmpty() ? batch.get(0) : new Jobs(batch, recorded);
    }
  }

  /**
   * Give attempt {@code attempt} of {@code jobId} back if it has not started: it waits here for a
   * slot (it was given beyond the free ones) while a slot is free on another worker. The worker
   * answers {@link ToMaster.JobRejected} ("handed back"); a job that has started runs on.
   */
  record HandBack(String jobId, int attempt) implements ToWorker {}

  /** Kill attempt {@code attempt} of {@code jobId} if it still runs; it finishes CANCELLED. */
  record CancelJob(String jobId, int attempt, String reason) implements ToWorker {}

  /**
   * The master has recorded these finishes (those of one {@link ToMaster.JobsFinished}): the
   * worker may forget them. Sent alone where no job takes their slots; else within the {@link
   * Jobs} that does. Until then it keeps each finish, claims the attempt when it registers
   * again (with this master after a partition, or with a restarted one) and sends it again.
   */
  record FinishAck(List<ToRegistry.RunningJob> finishes) implements ToWorker {
    public FinishAck {
      finishes = List.copyOf(finishes);
    }
  }

  /**
   * Send {@link ToRegistry.Register} again, with the jobs it runs and the finishes not yet
   * acknowledged, without leaving the cluster: the master's dispatcher started again from its
   * journal and must learn what this worker holds. The RegOk that answers it is the same as before.
   */
  record RegisterAgain(String reason) implements ToWorker {}

  /** The master is done with this worker: take no more jobs, drain, leave, exit 0. */
  record Dismiss(String reason) implements ToWorker {}
}
