package swamp.master.dispatch;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What makes an H2 file journal trustworthy, beside the journal itself: it forces each group
 * commit to stable storage before anyone hears of it, and it keeps the journal's high-water mark
 * (the highest sequence number written) in a small file of its own, {@code PATH.high-water}, so
 * that a journal that lost writes (truncated, rolled back to an older state by H2 after damage)
 * is told from a whole one: H2 reads such a file as an older, consistent database, and nothing
 * inside it could say what is missing. The mark is written after the fsync, so it never claims
 * more than is on disk.
 *
 * <p>A journal that is not an H2 file (PostgreSQL, which syncs its own commits; an in-memory
 * database) gets a guard without a file from {@link #open}: effects run at once, no mark is
 * kept, and only the trimming of old events after a snapshot applies. {@link #none()} is the
 * guard of tests that have no configured journal.
 */
public final class JournalGuard {

  private static final Logger log = LoggerFactory.getLogger(JournalGuard.class);
  private static final int MARK_WIDTH = 20;

  private final Config configured;
  private final Path file;
  private final boolean fsync;
  private final Duration giveUpAfter;
  private final long recorded;
  private final FileChannel mark;
  private final LinkedBlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
  private Connection connection; // the guard's own, to reach H2's store
  private org.h2.mvstore.MVStore store;
  private final java.util.concurrent.atomic.AtomicBoolean compacting =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicBoolean again =
      new java.util.concurrent.atomic.AtomicBoolean();
  /** The newest snapshot saved since this start (0: none yet). */
  private volatile long lastSnapshot;
  /** Writes up to this one are to be deleted, and the snapshots before it; done up to trimmed. */
  private final java.util.concurrent.atomic.AtomicLong trimTo =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile String trimId;
  private long trimmed;
  private volatile long failingSince;

  private record Pending(long seq, List<Runnable> effects, Consumer<Exception> onFailure) {}

  private JournalGuard(Config configured, Path file, boolean fsync, Duration giveUpAfter,
      long recorded, FileChannel mark) {
    this.configured = configured;
    this.file = file;
    this.fsync = fsync;
    this.giveUpAfter = giveUpAfter;
    this.recorded = recorded;
    this.mark = mark;
    if (file != null && fsync) {
      Thread t = new Thread(this::syncLoop, "swamp-journal-sync");
      t.setDaemon(true);
      t.start();
    }
  }

  /** For a journal that is not an H2 file: effects at once, nothing recorded. */
  public static JournalGuard none() {
    return new JournalGuard(null, null, false, giveUpDefault(), 0, null);
  }

  private static Duration giveUpDefault() {
    return Duration.ofMinutes(2);
  }

  /**
   * The guard of the configured journal ({@link Journal#configure}). {@code fresh}: the journal
   * file did not exist before this start, so an old mark beside it means nothing.
   */
  public static JournalGuard open(Config configured, boolean fresh) throws IOException {
    Duration giveUpAfter = configured.getDuration("swamp.master.journal.give-up-after");
    java.util.Optional<Path> file = Journal.file(configured);
    if (file.isEmpty()) {
      return new JournalGuard(configured, null, false, giveUpAfter, 0, null);
    }
    Path markFile = markFile(file.get());
    if (fresh) {
      Files.deleteIfExists(markFile);
    }
    long recorded = read(markFile);
    FileChannel mark = FileChannel.open(markFile, java.util.Set.of(StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return new JournalGuard(configured, file.get(),
        configured.getBoolean("swamp.master.journal.fsync"), giveUpAfter, recorded, mark);
  }

  /** {@code PATH.high-water} beside {@code PATH.mv.db}. */
  static Path markFile(Path mvFile) {
    return mvFile.resolveSibling(
        mvFile.getFileName().toString().replaceAll("\\.mv\\.db$", "") + ".high-water");
  }

  /** The mark in {@code markFile}; 0 when there is none or it cannot be read. */
  static long read(Path markFile) {
    try {
      String text = Files.readString(markFile, StandardCharsets.US_ASCII).trim();
      return text.isEmpty() ? 0 : Long.parseLong(text);
    } catch (java.nio.file.NoSuchFileException e) {
      return 0;
    } catch (IOException | NumberFormatException e) {
      log.warn("the journal's high-water mark {} cannot be read ({}); its writes are not"
          + " counted this time", markFile, e.toString());
      return 0;
    }
  }

  /** Sets the mark in {@code markFile} to {@code seq}. */
  static void write(Path markFile, long seq) throws IOException {
    Files.writeString(markFile, String.format("%" + MARK_WIDTH + "d%n", seq),
        StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(markFile, PosixFilePermissions.fromString("rw-------"));
  }

  /** The journal's database for log lines (its URL, without a password), or "" in tests. */
  String describe() {
    return configured == null ? "" : Journal.describe(configured.getString(Journal.DB + "db.url")
        .replaceAll(";.*$", ""));
  }

  /** The journal's file, or null when it is not an H2 file. */
  Path file() {
    return file;
  }

  /** The highest sequence number the journal held when it was last written before this start. */
  long recorded() {
    return recorded;
  }

  /**
   * Runs {@code effects} once everything journaled up to {@code seq} is on stable storage (at
   * once when nothing is synced), in the order of the calls; {@code onFailure} instead when it
   * cannot be made so.
   */
  void after(long seq, List<Runnable> effects, Consumer<Exception> onFailure) {
    if (file != null && fsync) {
      pending.add(new Pending(seq, effects, onFailure));
      return;
    }
    if (mark != null) {
      try {
        record(seq);
      } catch (IOException e) {
        log.warn("cannot record the journal's high-water mark: {}", e.toString());
      }
    }
    effects.forEach(Runnable::run);
  }

  /**
   * One fsync for whatever group commits are waiting: those that arrive while it runs wait for
   * the next, as the inbox's group commit does for the journal's writes.
   */
  private void syncLoop() {
    List<Pending> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(pending.take());
        pending.drainTo(batch);
        long seq = 0;
        for (Pending p : batch) {
          seq = Math.max(seq, p.seq());
        }
        try {
          sync();
          record(seq);
        } catch (SQLException | IOException e) {
          log.error("cannot force the job journal to disk: {}", e.toString());
          closeConnection();
          batch.forEach(p -> p.onFailure().accept(e));
          batch.clear();
          continue;
        }
        for (Pending p : batch) {
          p.effects().forEach(Runnable::run);
        }
        batch.clear();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("journal sync failed", e);
        batch.clear();
      }
    }
  }

  /**
   * Forces the journal's file to stable storage. With {@code WRITE_DELAY=0} H2 writes each
   * commit's chunk to the file as the commit ends, so the write is there already: what is left
   * is the fsync. (H2's {@code CHECKPOINT SYNC} would do it too, but first runs a compaction
   * pass, which at each group commit cost the master five times its CPU per job.)
   */
  private void sync() throws SQLException {
    try {
      store().sync();
    } catch (RuntimeException e) { // the store closed (a failed write) or was never opened
      throw new SQLException("cannot force the journal to disk: " + e.getMessage(), e);
    }
  }

  /** H2's store of the journal's database: this JVM's one, shared with the journal's pool. */
  private synchronized org.h2.mvstore.MVStore store() throws SQLException {
    if (store == null || store.isClosed()) {
      closeConnection();
      connection = Journal.connect(configured);
      org.h2.engine.Session session = ((org.h2.jdbc.JdbcConnection) connection).getSession();
      store = ((org.h2.engine.SessionLocal) session).getDatabase().getStore().getMvStore();
    }
    return store;
  }

  private synchronized void closeConnection() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // it is being replaced
    }
    connection = null;
    store = null;
  }

  /**
   * A snapshot of {@code persistenceId} was saved at {@code seq}: the events and snapshots before
   * the previous one are deleted, off the dispatcher's path, and the file compacted. Two
   * snapshots stay, the older one with the events after it, so that a damaged newest snapshot
   * still leaves one to start from. Pekko's own retention deletes only by the count of writes,
   * which says nothing of their size (a write may hold one job or 5,000).
   */
  void snapshotSaved(String persistenceId, long seq) {
    if (configured == null) {
      return; // not a journal of its own: Pekko's retention alone
    }
    long older = lastSnapshot;
    lastSnapshot = seq;
    if (older > 0 && older < seq) {
      trimId = persistenceId;
      trimTo.accumulateAndGet(older, Math::max);
    }
    compactSoon();
  }

  /**
   * Deletes what {@link #snapshotSaved} asked for, then rewrites the journal's sparsest chunks,
   * off the dispatcher's path: called after each snapshot and each of Pekko's deletions. H2
   * compacts by itself only when it writes in the background ({@code WRITE_DELAY} over 0).
   */
  void compactSoon() {
    if (configured == null) {
      return;
    }
    again.set(true);
    if (compacting.getAndSet(true)) {
      return; // the running pass goes round once more
    }
    Thread t = new Thread(() -> {
      do {
        try {
          while (again.getAndSet(false)) {
            housekeeping();
          }
        } finally {
          compacting.set(false);
        }
        // a call that came as this pass ended found it running: go round for it
      } while (again.get() && !compacting.getAndSet(true));
    }, "swamp-journal-compact");
    t.setDaemon(true);
    t.start();
  }

  private void housekeeping() {
    try {
      long to = trimTo.get();
      if (to > trimmed) {
        int[] deleted = delete(trimId, to);
        trimmed = to;
        log.debug("journal trimmed: {} writes and {} snapshots before write {} deleted",
            deleted[0], deleted[1], to);
      }
      if (file != null) {
        long before = Files.size(file);
        long t0 = System.nanoTime();
        org.h2.mvstore.MVStore mv = store();
        mv.compact(COMPACT_FILL_RATE, COMPACT_WRITE);
        // what H2's background writer does to give space back: moves the chunks at the end of
        // the file into the holes before them (syncing first), so that the file can be cut
        if (mv.getFileStore() instanceof org.h2.mvstore.RandomAccessStore r) {
          r.compactMoveChunks(MOVE_BELOW_FILL_RATE, MOVE_SIZE, mv);
        }
        log.debug("journal compacted in {} ms: {} -> {} bytes, {}% full",
            (System.nanoTime() - t0) / 1_000_000, before, Files.size(file),
            store().getFillRate());
      }
    } catch (SQLException | IOException | RuntimeException e) {
      log.warn("journal compaction failed: {}", e.toString());
    }
  }

  /** Deletes the writes up to {@code seq} and the snapshots before it; how many of each. */
  private int[] delete(String persistenceId, long seq) throws SQLException {
    try (Connection c = Journal.connect(configured);
         java.sql.PreparedStatement events = c.prepareStatement("DELETE FROM \"event_journal\""
             + " WHERE \"persistence_id\" = ? AND \"sequence_number\" <= ?");
         java.sql.PreparedStatement snapshots = c.prepareStatement("DELETE FROM \"snapshot\""
             + " WHERE \"persistence_id\" = ? AND \"sequence_number\" < ?")) {
      events.setString(1, persistenceId);
      events.setLong(2, seq);
      snapshots.setString(1, persistenceId);
      snapshots.setLong(2, seq);
      return new int[] {events.executeUpdate(), snapshots.executeUpdate()};
    }
  }

  /** Chunks less full than this are rewritten, up to this many bytes a pass. */
  private static final int COMPACT_FILL_RATE = 60;
  private static final int COMPACT_WRITE = 64 * 1024 * 1024;
  /**
   * Chunks are moved to cut the file while less than this share of it is in use, up to this
   * many bytes a pass: the journal's commits wait while they move.
   */
  private static final int MOVE_BELOW_FILL_RATE = 80;
  private static final int MOVE_SIZE = 16 * 1024 * 1024;

  private void record(long seq) throws IOException {
    byte[] text = String.format("%" + MARK_WIDTH + "d%n", seq).getBytes(StandardCharsets.US_ASCII);
    synchronized (mark) {
      mark.write(ByteBuffer.wrap(text), 0);
    }
  }

  /**
   * The journal could not be read: true once it has failed for longer than the give-up time
   * without a success between.
   */
  boolean failedTooLong() {
    long now = System.currentTimeMillis();
    if (failingSince == 0) {
      failingSince = now;
    }
    return now - failingSince > giveUpAfter.toMillis();
  }

  /** The journal was read: failures count from zero again. */
  void readOk() {
    failingSince = 0;
  }

  Duration giveUpAfter() {
    return giveUpAfter;
  }
}
