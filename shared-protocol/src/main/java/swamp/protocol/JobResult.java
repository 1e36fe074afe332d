package swamp.protocol;

/**
 * How one attempt of a job ended.
 *
 * @param state SUCCEEDED, FAILED or CANCELLED
 * @param exitCode the process's exit code; null when it was killed by a signal swamp sent, or
 *     never started (but for what a shell gives when it cannot start a program: 127 when the
 *     program is not there, 126 when it cannot run it)
 * @param stdout the start of what it wrote to standard output, at most the worker's output limit
 * @param stderr the same for standard error
 * @param truncated true when stdout or stderr was cut to the limit
 * @param workerId the worker that ran it
 * @param pid the process id, null when no process started
 * @param startedAt when the process started, epoch milliseconds (0 when it did not)
 * @param finishedAt when the attempt ended, epoch milliseconds
 * @param reason why it failed or was cancelled, in words; null when it succeeded
 */
public record JobResult(
    JobState state,
    Integer exitCode,
    String stdout,
    String stderr,
    boolean truncated,
    String workerId,
    Long pid,
    long startedAt,
    long finishedAt,
    String reason)
    implements CborSerializable {

  /** An attempt that ended before any process ran, for {@code reason}. */
  public static JobResult notStarted(JobState state, String workerId, String reason) {
    return notStarted(state, workerId, reason, null);
  }

  /** The same, with the status a shell would give for it (127, 126), or null. */
  public static JobResult notStarted(JobState state, String workerId, String reason,
      Integer shellStatus) {
    long now = System.currentTimeMillis();
    return new JobResult(state, shellStatus, "", "", false, workerId, null, 0, now, reason);
  }
}
