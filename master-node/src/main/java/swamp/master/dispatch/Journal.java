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
 * can be shared by a master and its standbys. The tables are created when missing. What is
 * wrong with a journal that cannot be read, and its repair and compaction: {@link JournalRepair}.
 */
public final class Journal {
  private Journal() {}

  private static final Logger log = LoggerFactory.getLogger(Journal.class);

  static final String DB = "pekko-persistence-jdbc.shared-databases.swamp.";

  /** The largest event H2 keeps in its row rather than as a LOB apart (see configure). */
  static final int INPLACE_LOB = 16 * 1024;

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
      // MAX_LENGTH_INPLACE_LOB: H2 keeps a BLOB of more than 256 bytes apart, in LOB maps of
      // its own that each commit writes as well: a commit of one 2 kB event cost 713 us of CPU
      // (a bare JVM, 3,000 commits), 310 us with the event in the row. Events up to 16 kB (a
      // command's starts and finishes) are now kept in the row; larger ones (a POST of
      // thousands of jobs, long outputs) and the snapshots stay apart, so that a replay, which
      // reads 400 rows at a time, holds at most a few MB of them at once
      jdbcUrl = url + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1;MAX_LENGTH_INPLACE_LOB=" + INPLACE_LOB
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
      writable(file.get());
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
  /** A journal file the master cannot write is said so, before H2 calls it corrupt. */
  private static void writable(Path mvFile) throws SQLException {
    Path dir = mvFile.getParent();
    if (Files.isDirectory(mvFile)) {
      throw new SQLException("the journal's file " + mvFile + " is a directory");
    }
    try {
      if (Files.getFileStore(dir).isReadOnly()) {
        throw new SQLException("the file system of the journal's directory " + dir + " is read-only");
      }
    } catch (IOException e) {
      // the checks below, or H2's own, say what is wrong
    }
    if (Files.exists(mvFile) ? !Files.isWritable(mvFile) || !Files.isReadable(mvFile)
        : !Files.isWritable(dir)) {
      throw new SQLException("this user cannot write " + (Files.exists(mvFile) ? mvFile
          : "the journal's directory " + dir) + " (check its owner and permissions, or choose"
          + " another --journal)");
    }
  }

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

  /** Why the master stopped itself: its journal cannot be trusted or used; exit 2. */
  public record Stop(String message) implements org.apache.pekko.actor.CoordinatedShutdown.Reason {}

  /**
   * While the disk of an H2 file journal has less than {@code minFree} bytes usable, a reason to
   * refuse new jobs (null otherwise), looked at once a second at most. H2 closes a database
   * whose write failed for lack of space, so the master stops taking jobs while writes still
   * succeed; the results of running jobs and the snapshots still fit in what is left. The
   * master's log says when it starts refusing (a WARN) and when it takes jobs again.
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
          String was = refusal;
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
          // the operator reads the master's log, not its clients' errors: once each way
          if (was == null && refusal != null) {
            log.warn("{}", refusal);
          } else if (was != null && refusal == null) {
            log.info("the job journal's disk ({}) has room again: new jobs are accepted", dir);
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
