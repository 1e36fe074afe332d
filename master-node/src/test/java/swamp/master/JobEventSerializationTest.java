package swamp.master;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * Every journal record goes through the serializer the journal uses and comes back equal: one
 * that did not would stop the dispatcher at its first write of it.
 */
class JobEventSerializationTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  static final JobSpec SPEC = new JobSpec(List.of("ncra", "-O", "in.nc", "out.nc"),
      Map.of("OMP_NUM_THREADS", "2"), "/data", List.of("nco"), 2, 90_000, 3, 1);
  static final JobResult RESULT = new JobResult(JobState.FAILED, 2, "out\n", "err\n", false,
      "w1", 4242L, 1_700_000_000_000L, 1_700_000_001_000L, "exited with code 2");

  @AfterAll
  static void cleanup() {
    testKit.shutdownTestKit();
  }

  void roundTrips(Object record) {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    var serializer = serialization.findSerializerFor(record);
    assertEquals("JacksonCborSerializer", serializer.getClass().getSimpleName());
    byte[] bytes = serialization.serialize(record).get();
    assertEquals(record, serialization.deserialize(bytes, serializer.identifier(),
        Serializers.manifestFor(serializer, record)).get());
  }

  @Test
  void everyEventAndABatchOfThemRoundTrip() {
    List<JobEvent> events = List.of(
        new JobEvent.Submitted(7, 1_000, List.of(new JobEvent.NewJob("k-1", SPEC),
            new JobEvent.NewJob(null, JobSpec.of(List.of("true"))))),
        new JobEvent.Started(1_001, List.of(new JobEvent.Start("j7", "w1"))),
        new JobEvent.Adopted("j7", "w1"),
        new JobEvent.Finished("j7", RESULT, 1_002),
        new JobEvent.Retrying("j8", RESULT),
        new JobEvent.WorkerLost("j8"),
        new JobEvent.Requeued("j8"),
        new JobEvent.Ended("j8", JobState.CANCELLED, "cancelled before it ran", 1_003),
        new JobEvent.CancelRequested("j9"),
        new JobEvent.Forgotten(900));
    events.forEach(this::roundTrips);
    roundTrips(new JobEvent.Batch(events));
  }

  @Test
  void aSnapshotRoundTrips() {
    JobBook book = new JobBook(JobBook.LocalExec.NEVER, 100);
    book.submit(List.of(new JobEvent.NewJob("k-1", SPEC), new JobEvent.NewJob(null, SPEC)), 5);
    book.end(book.job("j2"), JobState.CANCELLED, "cancelled before it ran", 6);

    roundTrips(book.snapshot());
  }
}
