package swamp.master.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The grid jobs this master submitted, one line each ({@code SOURCE JOBID}) in a file of its
 * spawn-dir named after its cluster address: what a master that was killed (SIGKILL, a crash, a
 * lost node) leaves behind in its scheduler's queue, for its next start on that address to find.
 * A job still queued then is cancelled (a held one, {@code sbatch --hold}, or one the cluster never
 * has room for, stayed in the queue for good; every other one counted against nothing and was
 * submitted again); one that runs is left to its worker, which the master takes back when it
 * registers, or which gives up. Every method blocks on the file: called on the grid dispatcher.
 */
final class SpawnLedger {

  /** A job an earlier run submitted. */
  record Entry(String source, String jobId) {}

  private final Path file;
  /** The earlier run's entries, read (and the file emptied) before this run adds any. */
  private List<Entry> previous;

  SpawnLedger(Path spawnDir, String masterAddress) {
    this.file = spawnDir.resolve("spawned-by-" + masterAddress.replace(':', '-'));
  }

  Path file() {
    return file;
  }

  /** What the earlier run on this address left here; the file is this run's from now on. */
  synchronized List<Entry> previous() throws IOException {
    if (previous == null) {
      List<Entry> read = new ArrayList<>();
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          String[] f = line.strip().split("\\s+");
          if (f.length == 2) {
            read.add(new Entry(f[0], f[1]));
          }
        }
        Files.writeString(file, "", StandardCharsets.UTF_8);
      } // else made by the first add: a master that spawns nothing leaves no file
      previous = List.copyOf(read);
    }
    return previous;
  }

  /** A job this run submitted. */
  synchronized void add(String source, String jobId) throws IOException {
    previous();
    Files.writeString(file, source + " " + jobId + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
