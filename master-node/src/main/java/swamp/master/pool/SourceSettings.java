package swamp.master.pool;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One entry of the worker directory ({@code swamp.master.directory}): where workers come from and
 * the limits the scaler keeps to there. Read by {@link PoolSettings}.
 */
public record SourceSettings(
    String name,
    Kind launcher,
    int minWorkers,
    int maxWorkers,
    int slots,
    List<String> capabilities,
    int maxPending,
    Duration spawnCooldown,
    Duration idleTimeout,
    Duration registrationTimeout,
    Duration failureBackoff,
    Duration maxFailureBackoff,
    Duration walltime,
    Duration walltimeMargin,
    List<String> options,
    String masterAddress,
    List<String> workerCommand,
    List<String> workerJavaOptions,
    List<String> workerArgs,
    List<String> submit,
    List<String> cancel,
    List<String> status) {

  /** How a source starts its workers. */
  public enum Kind {
    LOCAL(false, "process"), SLURM(true, "job"), SGE(true, "job"), COMMAND(true, "job");

    /**
     * Whether its spawns wait in a scheduler's queue, maybe for another machine, and its status
     * is asked only every status-interval; a local spawn is a child process that starts at once.
     */
    final boolean queues;
    /** What one spawn is, in log lines and reasons. */
    final String noun;

    Kind(boolean queues, String noun) {
      this.queues = queues;
      this.noun = noun;
    }

    static Kind parse(String s) {
      return switch (s) {
        case "local" -> LOCAL;
        case "slurm" -> SLURM;
        case "sge" -> SGE;
        case "command" -> COMMAND;
        default -> throw new IllegalArgumentException(
            "launcher must be local, slurm, sge or command, not '" + s + "'");
      };
    }

    @Override
    public String toString() {
      return name().toLowerCase();
    }
  }

  public SourceSettings {
    capabilities = List.copyOf(capabilities);
    options = List.copyOf(options);
    workerCommand = List.copyOf(workerCommand);
    workerJavaOptions = List.copyOf(workerJavaOptions);
    workerArgs = List.copyOf(workerArgs);
    submit = List.copyOf(submit);
    cancel = List.copyOf(cancel);
    status = List.copyOf(status);
  }

  /** What the master says of this source when it starts; its workers join {@code address}. */
  public String summary(String address) {
    return name + ": " + launcher + " launcher, " + minWorkers + "-" + maxWorkers + " workers of "
        + slots + " slot(s)" + (capabilities.isEmpty() ? "" : " offering " + capabilities)
        + ", max " + maxPending + " pending, cooldown "
        + swamp.node.HumanDuration.of(spawnCooldown) + ", idle timeout "
        + swamp.node.HumanDuration.of(idleTimeout) + ", registration timeout "
        + swamp.node.HumanDuration.of(registrationTimeout) + "; workers join " + address
        + (launcher.queues && (address.startsWith("127.") || address.startsWith("localhost:"))
            ? ", a loopback address: only workers on this machine can reach it (start the master"
                + " with --host, or set the source's master-address)" : "");
  }

  /** Whether a worker of this source could run a job that needs these labels and slots. */
  public boolean serves(Set<String> requires, int jobSlots) {
    return slots >= jobSlots && capabilities.containsAll(requires);
  }

  /** The backoff after {@code failures} failed spawns in a row: doubled each time, capped. */
  public Duration backoffAfter(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    Duration d = failureBackoff;
    for (int i = 1; i < failures && d.compareTo(maxFailureBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxFailureBackoff) > 0 ? maxFailureBackoff : d;
  }
}
