package swamp.master.dispatch;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the {@link Journal} cannot be trusted or has grown: what is wrong with one that recovery
 * could not read (and whether that stops the master), starting a damaged H2 file journal again
 * from its last good snapshot ({@value #RECOVER_FLAG}), and compacting an H2 file once the
 * master has stopped writing.
 */
public final class JournalRepair {
  private JournalRepair() {}

  private static final Logger log = LoggerFactory.getLogger(JournalRepair.class);

  /** The flag that starts a master from its journal's last good snapshot. */
  public static final String RECOVER_FLAG = "--journal-recover-from-snapshot";

  /**
   * A damaged journal: what to tell the operator, and what to do. For an H2 file, {@code damage}
   * is noted beside it ({@link #damageNote}), where {@value #RECOVER_FLAG} looks for it.
   */
  public static String damaged(Path file, String damage) {
    if (file != null) {
      try {
        Files.writeString(damageNote(file), damage + "\n");
      } catch (IOException e) {
        log.warn("cannot note the journal's damage beside it: {}", e.toString());
      }
    }
    if (file == null) {
      return "the job journal is damaged: " + damage + ". Restore its database from a backup;"
          + " the master does not start without the jobs it accepted";
    }
    return "the job journal " + file + " is damaged: " + damage + ". The master does not start"
        + " without the jobs it accepted. To start from the journal's last good snapshot (what"
        + " was accepted or changed after it is lost; the damaged file is kept beside it), start"
        + " the master again with " + RECOVER_FLAG;
  }

  /**
   * What is damaged, when {@code failure} (of reading the journal) says its content is: an event
   * or snapshot that cannot be decoded, or a file H2 finds corrupt. Null for any other failure.
   */
  public static String damage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) { // locked by another master: not damage
      String m = t.getMessage();
      if ((t instanceof SQLException e && e.getErrorCode() == 90020)
          || (m != null && (m.contains("file is locked") || m.contains("already in use")))) {
        return null;
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (t instanceof com.fasterxml.jackson.core.JacksonException
          || t instanceof java.io.NotSerializableException
          || t instanceof java.nio.BufferUnderflowException
          || t instanceof ClassCastException) {
        return "a record cannot be decoded (" + t.getClass().getSimpleName() + ": " + m + ")";
      }
      if (t instanceof SQLException e && (e.getErrorCode() == 90030 || e.getErrorCode() == 90033)) {
        return "H2 finds the file corrupt (" + m + ")";
      }
      if (t instanceof org.h2.mvstore.MVStoreException e
          && e.getErrorCode() == org.h2.mvstore.DataUtils.ERROR_WRITING_FAILED) {
        continue; // a write that failed leaves the chunks written before it: see closed()
      }
      if (t instanceof org.h2.mvstore.MVStoreException
          || (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("corrupt"))) {
        return "H2 finds the file corrupt (" + m + ")";
      }
      if (t instanceof IllegalArgumentException && m != null && m.contains("snapshot")) {
        return "a snapshot cannot be decoded (" + m + ")";
      }
      if (t instanceof IllegalArgumentException && m != null && m.contains("journal event")) {
        return "an event cannot be decoded (" + m + ")";
      }
    }
    return null;
  }

  /**
   * Why a journal that {@code failure} kept from being read stops the master, with what to do:
   * it is damaged, H2 closed it after a failed write, or it could not be read for longer than
   * {@code guard}'s give-up time. Null when reading it should be tried again.
   */
  static String whyStop(Throwable failure, JournalGuard guard) {
    String full = diskFull(failure);
    if (full != null) {
      return "the job journal's disk is full" + (guard.file() == null ? ""
          : " (" + guard.file().getParent() + ")") + ": a write failed with '" + full
          + "' and H2 closed the journal; nothing acknowledged is lost and the file is not"
          + " damaged. Free space on that disk and start the master again (without "
          + RECOVER_FLAG + ")";
    }
    String damage = damage(failure);
    if (damage != null) {
      return damaged(guard.file(), damage);
    } else if (closed(failure)) {
      return "the job journal " + (guard.file() == null ? "" : guard.file() + " ")
          + "closed itself after a write failed (" + failure.getMessage() + "); nothing"
          + " acknowledged is lost. Make sure it can be written (disk space, permissions) and"
          + " start the master again";
    } else if (guard.failedTooLong()) {
      return "the job journal could not be read for " + swamp.node.HumanDuration.of(guard.giveUpAfter())
          + " (swamp.master.journal.give-up-after): " + failure.getMessage();
    }
    return null;
  }

  /**
   * The operating system's words when {@code failure} is a write that found no room (ENOSPC, or
   * a quota: EDQUOT), null otherwise. H2 wraps it in its "Writing to ... failed", which {@link
   * #damage} would read as a corrupt file, and the master stopped telling the operator to drop
   * the jobs written after the last snapshot of a journal that was whole.
   */
  static String diskFull(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (t instanceof IOException && m != null
          && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
        return m;
      }
    }
    return null;
  }

  /** True when {@code failure} is H2's database having closed itself (after a failed write). */
  static boolean closed(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException e && e.getErrorCode() == 90098) {
        return true;
      }
    }
    return false;
  }

  /** {@code PATH.damaged} beside {@code PATH.mv.db}: what the last start found damaged in it. */
  static Path damageNote(Path mvFile) {
    return mvFile.resolveSibling(mvFile.getFileName().toString().replaceAll("\\.mv\\.db$", "") + ".damaged");
  }

  /**
   * Makes a damaged H2 file journal start from its last good snapshot: the newest snapshot that
   * can be read goes into a new journal file, the damaged file is kept beside it as
   * {@code PATH.mv.db.damaged-TIME}, and the high-water mark is set to the snapshot's. Only where
   * the last start found it damaged ({@link #damaged}): a journal it read is left as it is.
   * Returns what was done, for the log.
   */
  public static String recoverFromSnapshot(Config configured) throws SQLException, IOException {
    Optional<Path> found = Journal.file(configured);
    if (found.isEmpty()) {
      throw new SQLException(RECOVER_FLAG + " works on an H2 file journal; restore a PostgreSQL"
          + " journal from a backup of its database");
    }
    Path file = found.get();
    if (!Files.exists(file)) {
      throw new SQLException("there is no journal at " + file + " to recover");
    }
    Path noted = damageNote(file);
    if (!Files.exists(noted)) { // left in a service's command line after one recovery, say
      return "the job journal " + file + " was not found damaged when the master last started: "
          + RECOVER_FLAG + " leaves it as it is; start the master without it";
    }
    String base = file.toString().replaceAll("\\.mv\\.db$", "");
    long written = JournalGuard.read(JournalGuard.markFile(file));
    Row good = null;
    int damagedSnapshots = 0;
    // read-only, and without the init script: nothing is written to the damaged file
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + base + ";ACCESS_MODE_DATA=r",
        configured.getString(Journal.DB + "db.user"),
        configured.getString(Journal.DB + "db.password"))) {
      try (java.sql.PreparedStatement q = c.prepareStatement("SELECT \"sequence_number\","
          + " \"created\", \"snapshot_ser_id\", \"snapshot_ser_manifest\", \"snapshot_payload\","
          + " \"meta_ser_id\", \"meta_ser_manifest\", \"meta_payload\" FROM \"snapshot\""
          + " WHERE \"persistence_id\" = ? ORDER BY \"sequence_number\" DESC")) {
        q.setString(1, JobDispatcher.PERSISTENCE_ID);
        try (java.sql.ResultSet r = q.executeQuery()) {
          while (good == null && r.next()) {
            try {
              Row row = new Row(r.getLong(1), r.getLong(2), r.getInt(3), r.getString(4),
                  r.getBytes(5), (Integer) r.getObject(6), r.getString(7), r.getBytes(8));
              row.jobs = row.check();
              good = row;
            } catch (RuntimeException | SQLException e) {
              damagedSnapshots++;
              log.warn("a snapshot cannot be read: {}", e.toString());
            }
          }
        }
      } catch (SQLException e) {
        log.warn("the snapshots cannot all be read: {}", e.toString());
      }
      try (Statement s = c.createStatement()) {
        s.execute("SHUTDOWN IMMEDIATELY");
      } catch (SQLException e) {
        // closed already
      }
    } catch (SQLException e) {
      log.warn("H2 cannot open the damaged journal at all: {}", e.toString());
    }
    String stamp = java.time.LocalDateTime.now().format(
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path kept = file.resolveSibling(file.getFileName() + ".damaged-" + stamp);
    Files.move(file, kept);
    Files.setPosixFilePermissions(kept, PosixFilePermissions.fromString("rw-------"));
    Files.deleteIfExists(Path.of(base + ".trace.db"));
    long from = good == null ? 0 : good.seq;
    try (Connection c = Journal.connect(configured)) {
      if (good != null) {
        try (java.sql.PreparedStatement i = c.prepareStatement("INSERT INTO \"snapshot\""
            + " (\"persistence_id\", \"sequence_number\", \"created\", \"snapshot_ser_id\","
            + " \"snapshot_ser_manifest\", \"snapshot_payload\", \"meta_ser_id\","
            + " \"meta_ser_manifest\", \"meta_payload\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          i.setString(1, JobDispatcher.PERSISTENCE_ID);
          i.setLong(2, good.seq);
          i.setLong(3, good.created);
          i.setInt(4, good.serId);
          i.setString(5, good.manifest);
          i.setBytes(6, good.payload);
          i.setObject(7, good.metaSerId);
          i.setString(8, good.metaManifest);
          i.setBytes(9, good.meta);
          i.executeUpdate();
        }
      }
    }
    JournalGuard.write(JournalGuard.markFile(file), from);
    Journal.privateFiles(file);
    Files.deleteIfExists(noted);
    String what = good == null
        ? "no snapshot could be read: the master starts with an empty journal"
        : "the master starts from the snapshot of write " + from
            + (good.jobs < 0 ? "" : ", holding " + good.jobs + " jobs");
    return what + (damagedSnapshots > 0 ? " (" + damagedSnapshots + " newer snapshot(s) were"
        + " damaged)" : "") + (written > from ? "; writes " + (from + 1) + " to " + written
        + " are lost" : "") + ". The damaged journal is kept at " + kept;
  }

  /** A snapshot row, copied as it is into a new journal. */
  private static final class Row {
    final long seq;
    final long created;
    final int serId;
    final String manifest;
    final byte[] payload;
    final Integer metaSerId;
    final String metaManifest;
    final byte[] meta;
    int jobs = -1;

    Row(long seq, long created, int serId, String manifest, byte[] payload, Integer metaSerId,
        String metaManifest, byte[] meta) {
      this.seq = seq;
      this.created = created;
      this.serId = serId;
      this.manifest = manifest;
      this.payload = payload;
      this.metaSerId = metaSerId;
      this.metaManifest = metaManifest;
      this.meta = meta;
    }

    /** Decodes a snapshot of swamp's own format (throws if it cannot); its job count. */
    int check() {
      if (serId != SnapshotSerializer.IDENTIFIER) {
        return -1; // Jackson's, from an older master: the master reads it when it starts
      }
      Object book = new SnapshotSerializer(null).fromBinary(payload, manifest);
      return ((BookSnapshots.Snapshot) book).jobs().size();
    }
  }

  /**
   * Rewrites an H2 file journal to hold only what it retains ({@code SHUTDOWN COMPACT}): run
   * once the master has stopped writing. Old events and snapshots are deleted as the master
   * runs, but H2 only gives their space back to the file system here.
   */
  public static void compact(Config configured) {
    Optional<Path> file = Journal.file(configured);
    if (file.isEmpty() || !Files.exists(file.get())) {
      return;
    }
    try {
      long before = Files.size(file.get());
      try (Connection c = Journal.connect(configured); Statement s = c.createStatement()) {
        s.execute("SHUTDOWN COMPACT");
      }
      Journal.privateFiles(file.get());
      log.info("journal compacted: {} MB -> {} MB", mb(before), mb(Files.size(file.get())));
    } catch (SQLException | IOException e) {
      log.warn("the journal was not compacted: {}", e.toString());
    }
  }

  private static String mb(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1e6);
  }
}
