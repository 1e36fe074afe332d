package swamp.master.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Reads the events a master wrote before its classes moved to this package (swamp 0.1 named
 * them {@code swamp.master.JobEvent$...}), and the snapshots Jackson wrote while their records
 * were nested in {@code JobBook} ({@code JobBook$Snapshot}, now {@link BookSnapshots.Snapshot}):
 * a journal of an older master keeps its queue. The records themselves did not change; only the
 * class name in each record's manifest did.
 */
public final class JournalNames extends JacksonMigration {
  static final String OLD_PREFIX = "swamp.master.JobEvent$";
  static final String OLD_SNAPSHOT = "swamp.master.dispatch.JobBook$Snapshot";

  /** Records without a version in their manifest are version 1: older, so they migrate. */
  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    if (className.equals(OLD_SNAPSHOT)) {
      return BookSnapshots.Snapshot.class.getName();
    }
    return className.startsWith(OLD_PREFIX)
        ? JobEvent.class.getName() + "$" + className.substring(OLD_PREFIX.length())
        : className;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
