package swamp.master.dispatch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * Where the master's job journal lives: {@code swamp.master.journal.url} becomes the database of
 * pekko-persistence-jdbc. An H2 file (the default) needs nothing installed; a PostgreSQL server
 * can be shared by a master and its standbys. The tables are created when missing.
 */
public final class Journal {
  private Journal() {}

  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  private static final String DB = "pekko-persistence-jdbc.shared-databases.swamp.";

  /** How long H2 keeps a chunk it no longer uses before it may write over it (see configure). */
  static final int RETENTION_MS = 5_000;

  /** The journal's URL, or {@code defaultFile}'s H2 file database when none is set. */
  public static String url(Config config, Path defaultFile) {
    String url = config.getString("swamp.master.journal.url");
    return url.isBlank() ? "jdbc:h2:file:" + defaultFile.toAbsolutePath() : url;
  }

  /** {@code config} with the journal's database set to {@code url}. */
  public static Config configure(Config config, String url) {
    String user = config.getString("swamp.master.journal.user");
    String password = config.getString("swamp.master.journal.password");
    String profile;
    String driver;
    String jdbcUrl;
    if (url.startsWith("jdbc:h2:")) {
      profile = "slick.jdbc.H2Profile$";
      driver = "org.h2.Driver";
      // WRITE_DELAY=0: H2 writes each commit to the file at once; by default it keeps the last
      // half second in memory, and a master killed with -9 would lose jobs it had accepted
      // RETENTION_TIME: H2 reuses the space of a chunk no longer used only this long after the
      // chunk was written (45 s by default, for a file nobody forces to disk): a master that
      // writes tens of MB a second kept that much garbage in the file. Each group commit is
      // forced to disk within milliseconds, so a few seconds are ample (with fsync off, H2's
      // default stays: the kernel may keep writes back for half a minute)
      jdbcUrl = url + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1"
          + (config.getBoolean("swamp.master.journal.fsync") ? ";RETENTION_TIME="
              + RETENTION_MS : "")
          + ";INIT=RUNSCRIPT FROM 'classpath:swamp/journal-h2.sql'";
    } else if (url.startsWith("jdbc:postgresql:")) {
      profile = "slick.jdbc.PostgresProfile$";
      driver = "org.postgresql.Driver";
      jdbcUrl = url;
    } else {
      throw new IllegalArgumentException("swamp.master.journal.url must be a jdbc:h2: or a"
          + " jdbc:postgresql: URL, not '" + url + "'");
    }
    return config
        .withValue(DB + "profile", ConfigValueFactory.fromAnyRef(profile))
        .withValue(DB + "db.driver", ConfigValueFactory.fromAnyRef(driver))
        .withValue(DB + "db.url", ConfigValueFactory.fromAnyRef(jdbcUrl))
        .withValue(DB + "db.user", ConfigValueFactory.fromAnyRef(user))
        .withValue(DB + "db.password", ConfigValueFactory.fromAnyRef(password));
  }

  /**
   * Connects once, creating the tables when missing, so that a journal that cannot be reached
   * (a locked H2 file, a PostgreSQL server that refuses) is a clear error before the master
   * starts rather than a dispatcher that keeps failing.
   */
  public static void prepare(Config configured) throws SQLException {
    String url = configured.getString(DB + "db.url");
    Optional<Path> file = file(configured);
    if (file.isPresent()) {
      privateDirectory(file.get().getParent());
    }
    try (Connection c = connect(configured)) {
      if (url.startsWith("jdbc:postgresql:")) {
        try (Statement s = c.createStatement()) {
          for (String statement : script("swamp/journal-postgres.sql").split(";")) {
            if (!statement.isBlank()) {
              s.execute(statement);
            }
          }
        }
      }
      if (file.isPresent()) {
        // H2 opens a file it cannot write read-only, without a word, and then fails every write
        try (Statement s = c.createStatement();
             java.sql.ResultSet r = s.executeQuery("SELECT READONLY()")) {
          if (r.next() && r.getBoolean(1)) {
            throw new SQLException("the journal " + file.get() + " is read-only (its file or its"
                + " file system cannot be written): the master would lose every job it accepted."
                + " Make it writable, or start with another --journal");
          }
        }
      }
    }
    file.ifPresent(Journal::privateFiles);
  }

  /** A connection of its own to the configured journal's database. */
  static Connection connect(Config configured) throws SQLException {
    return DriverManager.getConnection(configured.getString(DB + "db.url"),
        configured.getString(DB + "db.user"), configured.getString(DB + "db.password"));
  }

  /**
   * The H2 file ({@code PATH.mv.db}) of a journal configured by {@link #configure}, if it is an
   * H2 file database.
   */
  public static Optional<Path> file(Config configured) {
    String url = configured.getString(DB + "db.url");
    if (!url.startsWith("jdbc:h2:file:")) {
      return Optional.empty();
    }
    String path = url.substring("jdbc:h2:file:".length());
    int semicolon = path.indexOf(';');
    return Optional.of(Path.of((semicolon < 0 ? path : path.substring(0, semicolon)) + ".mv.db"));
  }

  /** The journal's files hold jobs' environments and output: only their owner reads them. */
  static void privateFiles(Path mvFile) {
    String base = mvFile.getFileName().toString().replaceAll("\\.mv\\.db$", "");
    try (java.util.stream.Stream<Path> files = Files.list(mvFile.getParent())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith(base + ".") && Files.isRegularFile(f)) {
          Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      log.warn("cannot make the journal's files private (0600): {}", e.toString());
    }
  }

  /** Creates the journal's directory, 0700, when it is missing. */
  private static void privateDirectory(Path dir) throws SQLException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new SQLException("cannot create the journal's directory " + dir + ": " + e, e);
    }
  }

  /**
   * Rewrites an H2 file journal to hold only what it retains ({@code SHUTDOWN COMPACT}): run
   * once the master has stopped writing. Old events and snapshots are deleted as the master
   * runs, but H2 only gives their space back to the file system here.
   */
  public static void compact(Config configured) {
    Optional<Path> file = file(configured);
    if (file.isEmpty() || !Files.exists(file.get())) {
      return;
    }
    try {
      long before = Files.size(file.get());
      try (Connection c = connect(configured); Statement s = c.createStatement()) {
        s.execute("SHUTDOWN COMPACT");
      }
      privateFiles(file.get());
      log.info("journal compacted: {} MB -> {} MB", mb(before), mb(Files.size(file.get())));
    } catch (SQLException | IOException e) {
      log.warn("the journal was not compacted: {}", e.toString());
    }
  }

  private static String mb(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1e6);
  }

  /** Why the master stopped itself: its journal cannot be trusted or used; exit 2. */
  public record Stop(String message) implements org.apache.pekko.actor.CoordinatedShutdown.Reason {}

  /** The flag that starts a master from its journal's last good snapshot. */
  public static final String RECOVER_FLAG = "--journal-recover-from-snapshot";

  /** What to tell the operator about a damaged journal, and what to do. */
  public static String damagedMessage(Path file, String damage) {
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
      if (t.getClass().getName().equals("org.h2.mvstore.MVStoreException")
          || (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("corrupt"))) {
        return "H2 finds the file corrupt (" + m + ")";
      }
      if (t instanceof IllegalArgumentException && m != null && m.contains("snapshot")) {
        return "a snapshot cannot be decoded (" + m + ")";
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
    String damage = damage(failure);
    if (damage != null) {
      return damagedMessage(guard.file(), damage);
    } else if (closed(failure)) {
      return "the job journal " + (guard.file() == null ? "" : guard.file() + " ")
          + "closed itself after a write failed (" + failure.getMessage() + "); nothing"
          + " acknowledged is lost. Make sure it can be written (disk space, permissions) and"
          + " start the master again";
    } else if (guard.failedTooLong()) {
      return "the job journal could not be read for " + guard.giveUpAfter() + ": "
          + failure.getMessage();
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

  /**
   * Makes a damaged H2 file journal start from its last good snapshot: the newest snapshot that
   * can be read goes into a new journal file, the damaged file is kept beside it as
   * {@code PATH.mv.db.damaged-TIME}, and the high-water mark is set to the snapshot's. Returns
   * what was done, for the log.
   */
  public static String recoverFromSnapshot(Config configured) throws SQLException, IOException {
    Optional<Path> found = file(configured);
    if (found.isEmpty()) {
      throw new SQLException(RECOVER_FLAG + " works on an H2 file journal; restore a PostgreSQL"
          + " journal from a backup of its database");
    }
    Path file = found.get();
    if (!Files.exists(file)) {
      throw new SQLException("there is no journal at " + file + " to recover");
    }
    String base = file.toString().replaceAll("\\.mv\\.db$", "");
    long written = JournalGuard.read(JournalGuard.markFile(file));
    Row good = null;
    int damagedSnapshots = 0;
    // read-only, and without the init script: nothing is written to the damaged file
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + base + ";ACCESS_MODE_DATA=r",
        configured.getString(DB + "db.user"), configured.getString(DB + "db.password"))) {
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
    try (Connection c = connect(configured)) {
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
    privateFiles(file);
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
      return ((JobBook.Snapshot) book).jobs().size();
    }
  }

  /**
   * While the disk of an H2 file journal has less than {@code minFree} bytes usable, a reason to
   * refuse new jobs (null otherwise), looked at once a second at most. H2 closes a database
   * whose write failed for lack of space, so the master stops taking jobs while writes still
   * succeed; the results of running jobs and the snapshots still fit in what is left.
   */
  public static java.util.function.Supplier<String> spaceCheck(Config configured) {
    Optional<Path> file = file(configured);
    long minFree = configured.getBytes("swamp.master.journal.min-free-space");
    if (file.isEmpty() || minFree <= 0) {
      return () -> null;
    }
    Path dir = file.get().getParent();
    return new java.util.function.Supplier<>() {
      private long checkedAt;
      private String refusal;

      @Override
      public synchronized String get() {
        long now = System.nanoTime();
        if (checkedAt == 0 || now - checkedAt > 1_000_000_000L) {
          checkedAt = now;
          try {
            long free = Files.getFileStore(dir).getUsableSpace();
            refusal = free >= minFree ? null : "the job journal's disk (" + dir + ") has "
                + free / (1024 * 1024) + " MiB free, less than the "
                + minFree / (1024 * 1024) + " MiB it keeps in reserve"
                + " (swamp.master.journal.min-free-space): new jobs are refused until there is"
                + " room; jobs already accepted go on";
          } catch (IOException e) {
            refusal = null; // cannot tell: let the journal's own write decide
          }
        }
        return refusal;
      }
    };
  }

  /** The URL with any password left out, for log lines. */
  public static String describe(String url) {
    return url.replaceAll("(?i)password=[^&;]*", "password=***");
  }

  private static String script(String resource) {
    try (InputStream in = Journal.class.getClassLoader().getResourceAsStream(resource)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.replaceAll("(?m)^--.*$", "");
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the journal schema " + resource + " is missing", e);
    }
  }
}
