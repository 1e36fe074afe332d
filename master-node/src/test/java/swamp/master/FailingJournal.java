package swamp.master;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import scala.concurrent.Future;

/**
 * An in-memory journal that refuses one write when told to, as a full disk or a lost database
 * would: the dispatcher that wrote it stops and starts again from what the journal holds.
 * Configured as {@code swamp-test-journal} by the tests that use it; one JVM, one journal.
 */
public final class FailingJournal extends AsyncWriteJournal {
  private static final Map<String, List<PersistentRepr>> EVENTS = new ConcurrentHashMap<>();
  private static final AtomicBoolean FAIL_NEXT = new AtomicBoolean();
  private static final AtomicInteger RECOVERIES = new AtomicInteger();
  private static final Map<String, Long> HIGHEST = new ConcurrentHashMap<>();

  /**
   * The configuration of an actor system whose journal is this one (as {@code
   * swamp-test-journal}) and whose snapshots go to a new temporary directory.
   *
   * <p>The systems that use it run on manual time ({@code ManualTime}), where the timeouts of
   * the plugins' circuit breakers and of a recovery fire when a test moves time past them, not
   * when a write takes long: a test that passes a minute while the dispatcher's write of what
   * that minute's timer decided is still on its way had the write fail as timed out, and the
   * dispatcher, stopped, wait for a restart backoff that manual time never ended. They are
   * set beyond any time a test passes.
   */
  public static com.typesafe.config.Config config() {
    try {
      return com.typesafe.config.ConfigFactory.parseString("""
          pekko.persistence.journal.plugin = swamp-test-journal
          swamp-test-journal.class = "%s"
          swamp-test-journal.circuit-breaker.call-timeout = 100d
          swamp-test-journal.circuit-breaker.reset-timeout = 100d
          swamp-test-journal.recovery-event-timeout = 100d
          pekko.persistence.snapshot-store.plugin = "pekko.persistence.snapshot-store.local"
          pekko.persistence.snapshot-store.local.dir = "%s"
          pekko.persistence.snapshot-store.local.circuit-breaker.call-timeout = 100d
          pekko.persistence.snapshot-store.local.circuit-breaker.reset-timeout = 100d
          """.formatted(FailingJournal.class.getName(),
          java.nio.file.Files.createTempDirectory("swamp-snapshots")));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Forgets every event: the next master starts on an empty journal. */
  public static void clear() {
    EVENTS.clear();
    HIGHEST.clear();
    FAIL_NEXT.set(false);
  }

  /** The next write fails. */
  public static void failNextWrite() {
    FAIL_NEXT.set(true);
  }

  /** How many times an actor has read its events back (a start, or a start again). */
  public static int recoveries() {
    return RECOVERIES.get();
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(
      Iterable<AtomicWrite> messages) {
    if (FAIL_NEXT.getAndSet(false)) {
      return Futures.failed(new IllegalStateException("the test journal refuses this write"));
    }
    List<Optional<Exception>> results = new ArrayList<>();
    for (AtomicWrite write : messages) {
      List<PersistentRepr> events = EVENTS.computeIfAbsent(write.persistenceId(),
          k -> java.util.Collections.synchronizedList(new ArrayList<>()));
      write.payload().foreach(e -> {
        events.add(e);
        return HIGHEST.merge(write.persistenceId(), e.sequenceNr(), Math::max);
      });
      results.add(Optional.empty());
    }
    return Futures.successful(results);
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    List<PersistentRepr> events = EVENTS.get(persistenceId);
    if (events != null) {
      events.removeIf(e -> e.sequenceNr() <= toSequenceNr);
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr,
      long toSequenceNr, long max, Consumer<PersistentRepr> replayCallback) {
    RECOVERIES.incrementAndGet();
    List<PersistentRepr> events = EVENTS.getOrDefault(persistenceId, List.of());
    synchronized (events) {
      events.stream()
          .filter(e -> e.sequenceNr() >= fromSequenceNr && e.sequenceNr() <= toSequenceNr)
          .limit(max).forEach(replayCallback);
    }
    return Futures.successful(null);
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return Futures.successful(HIGHEST.getOrDefault(persistenceId, 0L));
  }
}
