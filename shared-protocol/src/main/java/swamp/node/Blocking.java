package swamp.node;

import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * The named dispatchers for blocking work, so that no actor's thread waits on a process, a file,
 * a socket or a scheduler. Each kind has its own threads: a grid scheduler that takes a minute to
 * answer never delays a job's start, nor a probe of a worker's port.
 */
public enum Blocking {
  /** Starting, waiting for and killing job processes; their files and work directories. */
  JOBS("swamp-process-dispatcher"),
  /** Socket probes of nodes and the HTTP health page. */
  PROBES("swamp-probe-dispatcher"),
  /** Commands of grid schedulers and local launchers (sbatch, qsub, scancel, qstat...). */
  GRID("swamp-grid-dispatcher");

  /** The dispatcher's name in the configuration. */
  public final String dispatcher;

  Blocking(String dispatcher) {
    this.dispatcher = dispatcher;
  }

  /** This kind's threads in {@code system}. */
  public Executor in(ActorSystem<?> system) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig(dispatcher));
  }
}
