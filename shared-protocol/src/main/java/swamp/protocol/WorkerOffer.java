package swamp.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a worker brings to the pool.
 *
 * @param host the address the worker advertises
 * @param url where the worker can be reached (its cluster address unless configured)
 * @param slots how many job slots it runs at once
 * @param labels capability labels jobs may require, e.g. {@code nco}
 * @param executables the programs it allows, by name; {@code *} allows any
 * @param memoryMb memory the worker offers, in MiB (0 when unknown)
 * @param version the swamp software version it runs
 * @param embedded true for the master's own local-exec worker
 */
public record WorkerOffer(
    String host,
    String url,
    int slots,
    List<String> labels,
    List<String> executables,
    long memoryMb,
    String version,
    boolean embedded)
    implements CborSerializable {

  public static final int MAX_SLOTS = 4096;
  private static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public WorkerOffer {
    labels = labels == null ? List.of() : List.copyOf(labels);
    executables = executables == null ? List.of() : List.copyOf(executables);
  }

  public boolean allowsAnyProgram() {
    return executables.contains("*");
  }

  /** Why a worker id cannot be used, if it cannot. */
  public static Optional<String> checkWorkerId(String workerId) {
    if (workerId == null || workerId.isBlank()) {
      return Optional.of("worker id is empty");
    }
    if (!WORKER_ID.matcher(workerId).matches()) {
      return Optional.of("worker id '" + workerId + "' is not 1-128 letters, digits or ._@:-");
    }
    return Optional.empty();
  }

  /** Why a capability label cannot be used, if it cannot. */
  public static Optional<String> checkLabel(String label) {
    if (label == null || !LABEL.matcher(label).matches()) {
      return Optional.of("capability label '" + label + "' is not 1-64 letters, digits or ._-"
          + (label != null && label.contains(",") // 'nco,gpu': a list, as some tools take one
              ? " (a label each: several are given one by one, --requires a --requires b,"
                  + " --capability a --capability b, [\"a\", \"b\"] in JSON; not comma-separated)" : ""));
    }
    return Optional.empty();
  }

  /** Every problem of this offer, empty when it is valid. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (host == null || host.isBlank()) {
      problems.add("host is empty");
    }
    if (slots < 1 || slots > MAX_SLOTS) {
      problems.add("slots must be between 1 and " + MAX_SLOTS + ", not " + slots);
    }
    if (memoryMb < 0) {
      problems.add("memory must not be negative");
    }
    labels.forEach(l -> checkLabel(l).ifPresent(problems::add));
    for (String e : executables) {
      if (e == null || e.isBlank()) {
        problems.add("an allowed executable is empty");
      }
    }
    return problems;
  }
}
