package swamp.worker;

import java.util.List;
import java.util.function.Consumer;

/**
 * SIGTERM and SIGINT (scancel, kill, Ctrl-C) for a worker whose actor system comes and goes: a
 * worker that joins the cluster again runs a new system, and a signal that arrives between two,
 * while the old one shuts down and the new one starts (seconds on a loaded machine), must stop
 * the next one, not go to the old one's dead letters. A signal stays pending for good: every
 * system attached after it hears it, so one that reached a system the cluster then removed still
 * stops the worker.
 */
final class StopSignals {

  private Consumer<WorkerActor.Stop> target;
  private WorkerActor.Stop pending;

  /** Handles SIGTERM and SIGINT from now on, for the JVM's life. */
  static StopSignals install() {
    StopSignals signals = new StopSignals();
    for (String name : List.of("TERM", "INT")) {
      sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> signals.signalled(sig.getName()));
    }
    return signals;
  }

  synchronized void signalled(String name) {
    pending = new WorkerActor.Stop("stopped by SIG" + name, number(name));
    if (target != null) {
      target.accept(pending);
    }
  }

  /** Linux's number of the signal {@code name}, as a process it ended exits 128 + it. */
  static int number(String name) {
    return switch (name) {
      case "TERM" -> WorkerActor.Stop.SIGTERM;
      case "INT" -> WorkerActor.Stop.SIGINT;
      default -> 0;
    };
  }

  /** The current system's worker hears signals from now on, and at once one already pending. */
  synchronized void attach(Consumer<WorkerActor.Stop> worker) {
    target = worker;
    if (pending != null) {
      worker.accept(pending);
    }
  }
}
