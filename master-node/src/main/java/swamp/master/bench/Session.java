package swamp.master.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What every measure of one bench run is given: its sizes, the lab, the peers, and the notes
 * printed under the table. {@link #measure} runs a measure so that a failure lands in its rows.
 */
final class Session {
  final Sizes sizes;
  final Lab lab;
  final Peers peers;
  final List<String> notes = new ArrayList<>();

  Session(Sizes sizes, Lab lab) {
    this.sizes = sizes;
    this.lab = lab;
    this.peers = new Peers(lab);
  }

  interface Task {
    void run() throws Exception;
  }

  /** Runs {@code task}; the seconds it took. */
  static double seconds(Task task) throws Exception {
    long t0 = System.nanoTime();
    task.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Runs one measure; a failure is noted in its rows (and the logs kept), never thrown. */
  void measure(String what, Task task, Row... rows) {
    progress(what + " ...");
    long t0 = System.nanoTime();
    try {
      task.run();
      progress(what + ": done in " + Row.fmt((System.nanoTime() - t0) / 1e9, 1) + " s");
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      lab.keep = true;
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      progress(what + ": FAILED: " + why);
      for (Row r : rows) {
        if (r.error == null && r.samples.isEmpty()) {
          r.error = why;
        } else if (r.error == null) {
          notes.add(r.measure + ": only " + r.samples.size() + " repetition(s); then it failed: "
              + why);
        }
      }
    }
  }

  /** A line of progress, on standard error. */
  static void progress(String line) {
    System.err.println("bench: " + line);
  }

  /** Dask's figure for the peers column with the size it was measured at. */
  static String withSize(String dask, String size) {
    return dask.equals(Peers.NO_DASK) ? "Dask: " + dask : dask + " [" + size + "]";
  }

  /** 1M, 50k, or 1,500. */
  static String shortCount(int n) {
    return n >= 1_000_000 && n % 1_000_000 == 0 ? n / 1_000_000 + "M"
        : n >= 1_000 && n % 1_000 == 0 ? n / 1_000 + "k" : Row.fmt(n, 0);
  }
}
