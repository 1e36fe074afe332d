package swamp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every record that crosses the wire goes through the real serializer and comes back equal: the
 * three of every job through swamp's compact form, the rest through Jackson's CBOR.
 */
class SerializationTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void cleanup() {
    testKit.shutdownTestKit();
  }

  static final WorkerOffer OFFER = new WorkerOffer("10.0.0.7", "pekko://swamp@10.0.0.7:2552", 4,
      List.of("nco", "gpu"), List.of("ncks", "ncra"), 16_384, "0.1.0", false);
  static final JobSpec SPEC = new JobSpec(List.of("ncra", "-O", "in1.nc", "in2.nc", "out.nc"),
      Map.of("OMP_NUM_THREADS", "2"), "/data/run1", List.of("nco"), 2, 90_000, 3);
  static final JobResult RESULT = new JobResult(JobState.FAILED, 2, "out\n", "ncra: ERROR\n", true,
      "w1", 4242L, 1_700_000_000_000L, 1_700_000_001_000L, "exited with code 2");

  static final JobSpec PIPELINE = new JobSpec(List.of("ncks", "-H", "-v", "T", "in.nc"),
      Map.of("LC_ALL", "C", "NCO_OPT", ""), null, List.of(), 1, 0, 1, 2,
      new Redirects(null, null, false, "err.txt", true, false, "line one\nline two é\n"),
      List.of(new Stage(List.of("grep", "T"), null), new Stage(List.of("sort", "-u"),
          new Redirects(null, "out.txt", true, null, false, true, null))), true, "run-7", 12);

  Object roundTrip(Object message) {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    var serializer = serialization.findSerializerFor(message);
    boolean hot = message instanceof ToWorker.Job || message instanceof ToWorker.Jobs
        || message instanceof ToWorker.FinishAck
        || message instanceof ToMaster.JobsFinished;
    assertEquals(hot ? "WireSerializer" : "JacksonCborSerializer",
        serializer.getClass().getSimpleName(), message.getClass().getName());
    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    return serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  void check(Object message) {
    assertEquals(message, roundTrip(message));
  }

  @Test
  void registrationMessagesRoundTrip() {
    ActorRef<ToWorker> worker = testKit.<ToWorker>createTestProbe().ref();
    ActorRef<ToMaster> master = testKit.<ToMaster>createTestProbe().ref();
    check(new ToRegistry.Register("w1", OFFER, "s3cret", ToRegistry.VERSION,
        List.of(new ToRegistry.RunningJob("j7", 2)), 7_042_000_000_001L, worker));
    check(new ToRegistry.Unregister("w1", "dismissed", worker));
    check(new ToRegistry.RunningJob("j7", 2));
    check(new ToWorker.RegOk(1_795_000_000_000L, master));
    check(new ToWorker.Refused("wrong registration secret"));
    check(new ToWorker.Declined("worker id w1 is registered by another live worker"));
  }

  @Test
  void workMessagesRoundTrip() {
    ActorRef<ToWorker> worker = testKit.<ToWorker>createTestProbe().ref();
    check(new ToWorker.Job("j1", 3, SPEC));
    check(new ToWorker.Job("j2", 1, JobSpec.of(List.of("true"))));
    check(new ToWorker.Job("j3", 2, PIPELINE));
    check(new ToWorker.Jobs(List.of(new ToWorker.Job("j4", 1, SPEC),
        new ToWorker.Job("j5", 1, PIPELINE), new ToWorker.Job("j6", 3, JobSpec.of(List.of("true"))))));
    check(new ToWorker.Jobs(List.of(new ToWorker.Job("j7", 1, SPEC)),
        List.of(new ToRegistry.RunningJob("j4", 1), new ToRegistry.RunningJob("j5", 2))));
    check(new ToWorker.FinishAck(List.of()));
    check(new ToWorker.CancelJob("j1", 3, "cancelled by request"));
    check(new ToWorker.Dismiss("the master is shutting down"));
    check(new ToWorker.FinishAck(List.of(new ToRegistry.RunningJob("j1", 2),
        new ToRegistry.RunningJob("j2", 1))));
    check(new ToWorker.RegisterAgain("the dispatcher started again"));
    check(new ToMaster.JobsFinished(List.of(new ToMaster.JobFinished("j1", 3, "w1", RESULT)),
        worker));
    check(new ToMaster.JobsFinished(List.of(new ToMaster.JobFinished("j1", 3, "w1", RESULT),
        new ToMaster.JobFinished("j2", 1, "w1",
            JobResult.notStarted(JobState.FAILED, "w1", "program 'uname' is not allowed"))),
        worker));
    check(new ToMaster.JobRejected("j1", 3, "w1", "worker is draining", worker));
  }

  @Test
  void jobsArePackedIntoMessagesThatStayUnderTheRemotingsFrame() {
    // 64 jobs of a third of a message's characters each, every character 3 bytes in UTF-8
    String third = "€".repeat((int) ToWorker.Jobs.MAX_CHARS / 3 - 10);
    List<ToWorker.Job> jobs = new java.util.ArrayList<>();
    for (int i = 0; i < 64; i++) {
      jobs.add(new ToWorker.Job("j" + i, 1, JobSpec.of(List.of("echo", third))));
    }
    List<ToWorker> messages = ToWorker.Jobs.pack(jobs);
    assertEquals(22, messages.size(), "three to a message, the last one alone");
    assertTrue(messages.get(21) instanceof ToWorker.Job);
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    List<ToWorker.Job> back = new java.util.ArrayList<>();
    for (ToWorker m : messages) {
      byte[] bytes = serialization.serialize(m).get();
      assertTrue(bytes.length < 1024 * 1024, bytes.length + " bytes in one message");
      if (roundTrip(m) instanceof ToWorker.Jobs b) {
        back.addAll(b.jobs());
      } else {
        back.add((ToWorker.Job) roundTrip(m));
      }
    }
    assertEquals(jobs, back, "every job, once, in order");
    assertEquals(List.of(), ToWorker.Jobs.pack(List.of()));
  }

  @Test
  void finishesRecordedGoWithTheFirstMessageOfJobsOrAlone() {
    List<ToRegistry.RunningJob> recorded = List.of(new ToRegistry.RunningJob("j1", 1));
    ToWorker.Job job = new ToWorker.Job("j2", 1, SPEC);
    assertEquals(List.of(new ToWorker.Jobs(List.of(job), recorded)),
        ToWorker.Jobs.pack(List.of(job), recorded), "a job alone carries them as Jobs of one");
    assertEquals(List.of(new ToWorker.FinishAck(recorded)),
        ToWorker.Jobs.pack(List.of(), recorded), "no job: the acknowledgement alone");
    assertEquals(List.of(job), ToWorker.Jobs.pack(List.of(job), List.of()));
    String third = "x".repeat((int) ToWorker.Jobs.MAX_CHARS / 3 - 10);
    List<ToWorker.Job> big = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      big.add(new ToWorker.Job("b" + i, 1, JobSpec.of(List.of("echo", third))));
    }
    List<ToWorker> messages = ToWorker.Jobs.pack(big, recorded);
    assertEquals(List.of(new ToWorker.Jobs(big.subList(0, 3), recorded), big.get(3)), messages,
        "in the first message only");
  }

  @Test
  void aJobsFinishedNamesTheWorkersOwnRef() {
    ActorRef<ToWorker> worker = testKit.<ToWorker>createTestProbe().ref();
    var back = (ToMaster.JobsFinished) roundTrip(new ToMaster.JobsFinished(List.of(), worker));
    assertEquals(worker, back.worker());
    worker.tell(new ToWorker.Dismiss("done"));
  }

  @Test
  void aMessageCutShortIsAClearError() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    byte[] bytes = serialization.serialize(new ToWorker.Job("j3", 2, PIPELINE)).get();
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
    Throwable e = serialization.deserialize(cut, WireSerializer.IDENTIFIER,
        WireSerializer.JOB).failed().get();
    assertTrue(e.getMessage().startsWith("a message (J, " + cut.length + " bytes) that cannot be"
        + " read"), e.getMessage());
    Throwable unknown = serialization.deserialize(bytes, WireSerializer.IDENTIFIER, "Q")
        .failed().get();
    assertTrue(unknown.getMessage().contains("unknown kind 'Q'"), unknown.getMessage());
  }

  @Test
  void aMessageTypedAsItsSealedInterfaceKeepsItsConcreteType() {
    ToWorker reply = new ToWorker.Declined("busy");
    Object back = roundTrip(reply);
    assertTrue(back instanceof ToWorker.Declined);
  }
}
