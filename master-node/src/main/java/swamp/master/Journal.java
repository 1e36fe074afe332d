package swamp.master;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the master's job journal lives: {@code swamp.master.journal.url} becomes the database of
 * pekko-persistence-jdbc. An H2 file (the default) needs nothing installed; a PostgreSQL server
 * can be shared by a master and its standbys. The tables are created when missing.
 */
public final class Journal {
  private Journal() {}

  private static final String DB = "pekko-persistence-jdbc.shared-databases.swamp.";

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
      jdbcUrl = url + ";WRITE_DELAY=0;DB_CLOSE_DELAY=-1"
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
    try (Connection c = DriverManager.getConnection(url,
        configured.getString(DB + "db.user"), configured.getString(DB + "db.password"))) {
      if (url.startsWith("jdbc:postgresql:")) {
        try (Statement s = c.createStatement()) {
          for (String statement : script("swamp/journal-postgres.sql").split(";")) {
            if (!statement.isBlank()) {
              s.execute(statement);
            }
          }
        }
      }
    }
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
