package swamp.master.cli;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import swamp.client.Json;
import swamp.client.MasterClient;
import swamp.master.script.Plan;
import swamp.master.script.Plan.Command;
import swamp.protocol.Stage;
import swamp.worker.Executables;

/**
 * Whether a run's programs may run where it sends them, checked before they run, so that a
 * program no one allows stops the run before anything has run (or, planned as it runs, where the
 * walk gets to it), not half-way when its job fails: on the master in this process, its
 * allow-list; on a pool, the lists of its registered workers together. Programs named by a path
 * are left to the worker (an earlier line may make them), and so are those not found here.
 */
final class AllowedPrograms {
  private AllowedPrograms() {}

  /** Nothing to check: a pool that has no registered worker yet, or one that allows any program. */
  static final Function<Command, String> UNKNOWN = c -> null;

  /**
   * A command's refusal where {@code allowed} are the programs allowed, with its line and {@code
   * hint} (how to allow it), or null.
   */
  static Function<Command, String> of(List<String> allowed, String hint) {
    Executables programs = Executables.of(allowed,
        ConfigFactory.load().getStringList("swamp.worker.allowed-job-variables"));
    return c -> {
      for (Stage stage : c.stages()) {
        // a program that is not there fails its job, as bash's 'command not found' (127) does,
        // and a '|| fallback' after it runs; one that is there and not allowed stops the run now
        if (!stage.argv().get(0).contains("/")
            && programs.check(stage.argv(), c.env(), Path.of(c.dir())) instanceof Executables.Refused r
            && !r.reason().contains("was not found")) {
          return "line " + c.line() + ": " + r.reason() + "; " + hint;
        }
      }
      return null;
    };
  }

  /**
   * The check of a pool: what any of its registered workers allows ({@code GET /api/workers}),
   * the master's own too where it runs jobs ({@code local} in {@code GET /api/health});
   * {@link #UNKNOWN} while none is registered (the workers to come may allow more) or one allows
   * any program.
   */
  static Function<Command, String> ofPool(MasterClient client) throws MasterClient.ApiException {
    Set<String> allowed = new LinkedHashSet<>();
    int registered = 0;
    for (Json w : client.get("/api/workers")) {
      if (w.hasNonNull("registeredAt")) {
        registered++;
        w.path("executables").forEach(e -> allowed.add(e.asText()));
      }
    }
    Json local = client.get("/api/health").path("local"); // the master's own worker (local-exec)
    if (local.hasNonNull("id")) {
      registered++;
      local.path("executables").forEach(e -> allowed.add(e.asText()));
    }
    if (registered == 0 || allowed.contains("*")) {
      return UNKNOWN;
    }
    return of(List.copyOf(allowed), "none of the pool's " + registered + " registered worker(s) allows"
        + " it (a worker allows more with 'bin/swamp worker --allow PROGRAM')");
  }

  /** The first refusal of {@code plan}'s commands by {@code check}, or null. */
  static String refusal(Plan plan, Function<Command, String> check) {
    return plan.commands().stream().map(check).filter(r -> r != null).findFirst().orElse(null);
  }
}
