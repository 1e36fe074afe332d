package swamp.master.dispatch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.SQLException;
import org.h2.mvstore.DataUtils;
import org.junit.jupiter.api.Test;

/**
 * What the master says when its journal stops it: a full disk or a write that failed is not a
 * damaged journal, and the master must not advise dropping what was written after the last
 * snapshot of a file that is whole. The failures are built as H2 2.2 reports them
 * (JournalIT's full disk shows the same chain from a real process).
 */
class JournalRepairTest {

  /** H2's chain when a commit's write fails: the database closed, its write, the OS's error. */
  private static Exception h2WriteFailed(String osError) {
    IOException io = new IOException(osError);
    Exception write = DataUtils.newMVStoreException(DataUtils.ERROR_WRITING_FAILED,
        "Writing to {0} failed; length {1} at {2}", "sun.nio.ch.FileChannelImpl@c712d85", 8192,
        167936, io);
    return new RuntimeException("Failed to persist event", new SQLException(
        "The database has been closed [90098-224]", "90098", 90098, write));
  }

  @Test
  void aFullDiskSaysSoAndNeverAdvisesRecoveringFromASnapshot() {
    String why = JournalRepair.whyStop(h2WriteFailed("No space left on device"),
        JournalGuard.none());
    assertNotNull(why);
    assertTrue(why.contains("disk is full") && why.contains("No space left on device"), why);
    assertTrue(why.contains("nothing acknowledged is lost"), why);
    assertFalse(why.contains("damaged:") || why.contains("corrupt"), why);
    assertTrue(why.contains("without " + JournalRepair.RECOVER_FLAG), why);
    assertNull(JournalRepair.damage(h2WriteFailed("No space left on device")));
  }

  @Test
  void aQuotaIsAFullDiskToo() {
    String why = JournalRepair.whyStop(h2WriteFailed("Disk quota exceeded"), JournalGuard.none());
    assertTrue(why != null && why.contains("disk is full"), why);
  }

  @Test
  void anotherWriteErrorClosedTheJournalWithoutDamagingIt() {
    String why = JournalRepair.whyStop(h2WriteFailed("Input/output error"), JournalGuard.none());
    assertNotNull(why);
    assertTrue(why.contains("closed itself after a write failed"), why);
    assertFalse(why.contains("corrupt"), why);
  }

  @Test
  void aFileH2FindsCorruptIsStillDamaged() {
    Exception corrupt = new SQLException("File corrupted while reading record", "90030", 90030,
        DataUtils.newMVStoreException(DataUtils.ERROR_FILE_CORRUPT, "File corrupt in chunk {0}",
            17));
    String damage = JournalRepair.damage(corrupt);
    assertTrue(damage != null && damage.contains("corrupt"), damage);
    assertTrue(JournalRepair.whyStop(corrupt, JournalGuard.none()).contains("is damaged"));
  }

  /**
   * A journal that cannot be read for give-up-after stops the master with that time as a person
   * writes it: the message said "could not be read for PT2M".
   */
  @Test
  void aJournalUnreadableTooLongSaysForHowLongInWords() throws IOException {
    JournalGuard guard = JournalGuard.open(com.typesafe.config.ConfigFactory.parseString(
        "swamp.master.journal.give-up-after = 1ms\n"
            + Journal.DB + "db.url = \"jdbc:postgresql://db/swamp\""), false);
    Exception timedOut = new RuntimeException("Circuit Breaker Timed out.");
    long deadline = System.currentTimeMillis() + 10_000;
    String why = JournalRepair.whyStop(timedOut, guard); // the first failure starts the clock
    while (why == null && System.currentTimeMillis() < deadline) {
      why = JournalRepair.whyStop(timedOut, guard);
    }
    assertNotNull(why);
    assertTrue(why.startsWith("the job journal could not be read for 1ms"
        + " (swamp.master.journal.give-up-after): Circuit Breaker Timed out."), why);
  }
}
