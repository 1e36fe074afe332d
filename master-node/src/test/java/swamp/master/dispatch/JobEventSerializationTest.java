package swamp.master.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * Every journal record goes through the serializer the journal uses and comes back equal: one
 * that did not would stop the dispatcher at its first write of it. Records in Jackson's CBOR, as
 * older masters wrote them, still read.
 */
class JobEventSerializationTest {

  static final ActorTestKit testKit = ActorTestKit.create();

  static final JobSpec SPEC = new JobSpec(List.of("ncra", "-O", "in.nc", "out.nc"),
      Map.of("OMP_NUM_THREADS", "2"), "/data", List.of("nco"), 2, 90_000, 3, 1);
  /** A pipeline with every kind of redirection, as step 4 of run r1. */
  static final JobSpec PIPELINE = new JobSpec(List.of("cat", "f.txt"), Map.of(), "/data",
      List.of(), 1, 0, 3, 0, new Redirects("in.txt", null, false, "err.txt", true, false),
      List.of(new Stage(List.of("grep", "x"), new Redirects(null, null, false, null, false, true)),
          new Stage(List.of("wc", "-l"), new Redirects(null, "n.txt", true, null, false, true)),
          Stage.of("tee")),
      false, "r1", 4);
  /** A script's here-document: the text standard input reads, the output to a file. */
  static final JobSpec HERE_DOCUMENT = new JobSpec(List.of("cat"), Map.of(), "/data", List.of(),
      1, 0, 3, 0, new Redirects(null, "anom.nco", false, null, false, false,
          "T_anom = T - T.avg();\n// ключ\n"), List.of(), false, "r1", 2);
  static final JobResult RESULT = new JobResult(JobState.FAILED, 2, "out\n", "err\n", false,
      "w1", 4242L, 1_700_000_000_000L, 1_700_000_001_000L, "exited with code 2");

  @AfterAll
  static void cleanup() {
    testKit.shutdownTestKit();
  }

  void roundTrips(Object record) {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    var serializer = serialization.findSerializerFor(record);
    assertEquals(JobEventSerializer.class, serializer.getClass());
    byte[] bytes = serialization.serialize(record).get();
    assertEquals(record, serialization.deserialize(bytes, serializer.identifier(),
        Serializers.manifestFor(serializer, record)).get());
  }

  /** {@code record} as Jackson wrote it, in the journals of masters before the compact form. */
  static void jacksonWroteAndReads(Object record) {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    var jackson = serialization.serializerByIdentity().get(JACKSON_CBOR).get();
    byte[] bytes = jackson.toBinary(record);
    assertEquals(record, serialization.deserialize(bytes, JACKSON_CBOR,
        Serializers.manifestFor(jackson, record)).get());
  }

  /** One of each event, with every nullable field both set and not. */
  static List<JobEvent> everyEvent() {
    return List.of(
        new JobEvent.Submitted(7, 1_000, List.of(new JobEvent.NewJob("k-1", SPEC),
            new JobEvent.NewJob(null, JobSpec.of(List.of("true"))),
            new JobEvent.NewJob(null, PIPELINE), new JobEvent.NewJob(null, HERE_DOCUMENT),
            new JobEvent.NewJob(null, PIPELINE.withPipefail(true)))),
        new JobEvent.Started(1_001, List.of(new JobEvent.Start("j7", "w1"))),
        new JobEvent.Adopted("j7", "w1"),
        new JobEvent.Finished("j7", RESULT, 1_002),
        new JobEvent.Retrying("j8", RESULT),
        new JobEvent.WorkerLost("j8"),
        new JobEvent.Requeued("j8"),
        new JobEvent.Requeued("j8", 1_002L, "rejected by worker w1 (draining)"),
        new JobEvent.Returned("j8", 1_003L, "rejected by worker w1 (handed back)"),
        new JobEvent.Ended("j8", JobState.CANCELLED, "cancelled before it ran", 1_003),
        new JobEvent.CancelRequested("j9"),
        new JobEvent.Forgotten(900),
        new JobEvent.RunCreated("r1", "climatology.sh", "/data", 1_004, JobBookTest.SCRIPT),
        new JobEvent.StepsNotRun("r1", List.of(2, 1)),
        new JobEvent.StepsAdded("r1", List.of(new JobEvent.RunCommand(3, 9, "ncap2 -s 'T=T-291.5' in.nc anom.nc",
            List.of("ncap2", "-s", "T=T-291.5", "in.nc", "anom.nc"), List.of(1)))),
        new JobEvent.Finished("j9", null, 1_005),
        new JobEvent.Ended("j9", JobState.FAILED, null, 1_006));
  }

  @Test
  void everyEventAndABatchOfThemRoundTrip() {
    List<JobEvent> events = everyEvent();
    events.forEach(this::roundTrips);
    roundTrips(new JobEvent.Batch(events));
    roundTrips(new JobEvent.Batch(List.of(new JobEvent.Batch(events), new JobEvent.Forgotten(1))));
  }

  /** Journals written before the compact form hold Jackson's events: they still read. */
  @Test
  void eventsJacksonWroteStillRead() {
    List<JobEvent> events = everyEvent();
    events.forEach(JobEventSerializationTest::jacksonWroteAndReads);
    jacksonWroteAndReads(new JobEvent.Batch(events));
  }

  /** The events a busy master writes most, in a write of 500 jobs: the compact form is smaller. */
  @Test
  void theCompactFormIsSmallerThanJacksons() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    var jackson = serialization.serializerByIdentity().get(JACKSON_CBOR).get();
    List<JobEvent.NewJob> jobs = new java.util.ArrayList<>();
    List<JobEvent.Start> starts = new java.util.ArrayList<>();
    List<JobEvent> finishes = new java.util.ArrayList<>();
    for (int i = 1; i <= 500; i++) {
      jobs.add(new JobEvent.NewJob(null, JobSpec.of(List.of("ncks", "-v", "T", "in" + i + ".nc",
          "out" + i + ".nc"))));
      starts.add(new JobEvent.Start("j" + i, "w1"));
      finishes.add(new JobEvent.Finished("j" + i, new JobResult(JobState.SUCCEEDED, 0, "", "",
          false, "w1", 4242L + i, 1_700_000_000_000L, 1_700_000_000_100L, null), 1_700_000_000_101L));
    }
    for (JobEvent event : List.of(new JobEvent.Submitted(1, 1_700_000_000_000L, jobs),
        new JobEvent.Started(1_700_000_000_001L, starts), new JobEvent.Batch(finishes))) {
      int compact = serialization.serialize(event).get().length;
      int cbor = jackson.toBinary(event).length;
      System.out.printf("%s of 500 jobs: %,d bytes compact, %,d in Jackson's CBOR%n",
          event.getClass().getSimpleName(), compact, cbor);
      assertTrue(compact * 2 < cbor, event.getClass().getSimpleName() + ": the compact form is"
          + " less than half of Jackson's: " + compact + " against " + cbor);
    }
  }

  @Test
  void aDamagedEventIsAClearError() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    byte[] bytes = serialization.serialize(new JobEvent.Batch(everyEvent())).get();
    var cut = serialization.deserialize(java.util.Arrays.copyOf(bytes, bytes.length / 2),
        JobEventSerializer.IDENTIFIER, JobEventSerializer.MANIFEST);
    assertTrue(cut.isFailure());
    assertTrue(cut.failed().get().getMessage().contains("journal event")
        && cut.failed().get().getMessage().contains("cannot be read"), cut.failed().get().getMessage());
    assertEquals("an event cannot be decoded (" + cut.failed().get().getMessage() + ")",
        JournalRepair.damage(cut.failed().get()));
    var unknown = serialization.deserialize(bytes, JobEventSerializer.IDENTIFIER, "E9");
    assertTrue(unknown.failed().get().getMessage().contains("unknown format 'E9'"));
    byte[] kind = bytes.clone();
    kind[0] = 99;
    var strange = serialization.deserialize(kind, JobEventSerializer.IDENTIFIER,
        JobEventSerializer.MANIFEST);
    assertTrue(strange.failed().get().getMessage().contains("unknown kind"),
        strange.failed().get().getMessage());
  }

  /** A Submitted event as the first compact format (E1) wrote it, before here-documents. */
  static final String E1 = "Ag7QDwIGay0xBAZjYXQKZi50eHQACi9kYXRhAAIABgABDGluLnR4dAEADmVyci50eHQBAAYECGdyZXACeAEBAQABAAEEBHdjBC1sAQEKbi50eHQBAQABAgZ0ZWUABHIxCA==";
  /** A Submitted event as the second compact format (E2) wrote it, before pipefail. */
  static final String E2 = "Ag7QDwIGay0xAgZjYXQACi9kYXRhAAIABgABARBhbm9tLm5jbwABAABEVF9hbm9tID0gVCAtIFQuYXZnKCk7Ci8vINC60LvRjtGHCgAEcjEE";

  @Test
  void eventsOfEarlierCompactFormatsAreStillRead() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    assertEquals(new JobEvent.Submitted(7, 1_000, List.of(new JobEvent.NewJob("k-1", PIPELINE))),
        serialization.deserialize(java.util.Base64.getDecoder().decode(E1),
            JobEventSerializer.IDENTIFIER, JobEventSerializer.MANIFEST_V1).get());
    assertEquals(new JobEvent.Submitted(7, 1_000, List.of(new JobEvent.NewJob("k-1", HERE_DOCUMENT))),
        serialization.deserialize(java.util.Base64.getDecoder().decode(E2),
            JobEventSerializer.IDENTIFIER, JobEventSerializer.MANIFEST_V2).get());
  }

  /** A journal written before the classes moved (manifests name swamp.master.JobEvent) reads. */
  @Test
  void eventsOfAnOlderMastersJournalRead() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    JobEvent event = new JobEvent.Batch(List.of(new JobEvent.Requeued("j8"),
        new JobEvent.Submitted(7, 1_000, List.of(new JobEvent.NewJob("k-1", SPEC)))));
    var serializer = serialization.serializerByIdentity().get(JACKSON_CBOR).get();
    byte[] bytes = serializer.toBinary(event);
    String oldManifest = Serializers.manifestFor(serializer, event)
        .replace("swamp.master.dispatch.JobEvent", "swamp.master.JobEvent");
    assertTrue(oldManifest.startsWith("swamp.master.JobEvent$Batch"), oldManifest);
    assertEquals(event, serialization.deserialize(bytes, serializer.identifier(), oldManifest)
        .get());
  }

  /** A snapshot with a job in each state, and every nullable field both set and not. */
  static BookSnapshots.Snapshot snapshot() {
    BookSnapshots.JobRecord queued = new BookSnapshots.JobRecord("j1", 1, HERE_DOCUMENT, 5, "k-1", JobState.QUEUED,
        0, 0, 0, null, 0, null, null, false, 0);
    BookSnapshots.JobRecord running = new BookSnapshots.JobRecord("j2", 2, PIPELINE.withPipefail(true), 5,
        null, JobState.RUNNING, 2, 1, 0, "w1", 7, null, null, true, 0, List.of(
            new Job.Attempt(1, "w0", 6, 0, "requeued: worker w0 lost (ключ)"),
            new Job.Attempt(2, "w1", 7, 0, null)));
    BookSnapshots.JobRecord failed = new BookSnapshots.JobRecord("j3", 3, SPEC, 5, "ключ-3", JobState.FAILED,
        1, 0, 1, "w1", 7, RESULT, "exited with code 2", false, 9);
    BookSnapshots.JobRecord cancelled = new BookSnapshots.JobRecord("j4", 4, SPEC, 5, null,
        JobState.CANCELLED, 0, 0, 0, null, 0,
        JobResult.notStarted(JobState.CANCELLED, null, "cancelled before it ran"),
        "cancelled before it ran", true, 9);
    BookSnapshots.RunRecord run = new BookSnapshots.RunRecord("r1", "climatology.sh", "/data", 3,
        JobBookTest.SCRIPT, java.util.Arrays.asList(null, "j2", null),
        java.util.Arrays.asList(new Runs.Gone("j0", JobState.FAILED, 1, "w1"), null, null), List.of(2));
    BookSnapshots.RunRecord other = new BookSnapshots.RunRecord("r2", "anomalies.sh", "/data", 4,
        JobBookTest.SCRIPT, java.util.Arrays.asList(null, null, null),
        java.util.Arrays.asList(null, null, new Runs.Gone("j-1", JobState.CANCELLED, null, null)),
        List.of());
    return new BookSnapshots.Snapshot(5, List.of(queued, running, failed, cancelled), List.of("j1"),
        List.of("j3", "j4"), 3, List.of(run, other));
  }

  /**
   * A snapshot of S6, before runs kept the steps their clients decided not to run, reads with
   * none: S7 adds one list at the end of each run, here the last run's empty one.
   */
  @Test
  void aSnapshotFromBeforeStepsNotRunReadsWithNone() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    BookSnapshots.Snapshot s = snapshot();
    BookSnapshots.Snapshot oneRun = new BookSnapshots.Snapshot(s.nextSeq(), s.jobs(), s.queued(),
        s.finished(), s.nextRun(), List.of(s.runs().get(1)));
    byte[] bytes = serialization.serialize(oneRun).get();
    byte[] s6 = java.util.Arrays.copyOf(bytes, bytes.length - 1); // the empty list: one byte, 0
    assertEquals(0, bytes[bytes.length - 1]);
    assertEquals(oneRun, serialization.deserialize(s6, SnapshotSerializer.IDENTIFIER,
        SnapshotSerializer.MANIFEST_V6).get());
  }

  @Test
  void aSnapshotRoundTripsInItsCompactForm() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    BookSnapshots.Snapshot snapshot = snapshot();
    var serializer = serialization.findSerializerFor(snapshot);
    assertEquals(SnapshotSerializer.class, serializer.getClass());
    byte[] bytes = serialization.serialize(snapshot).get();
    assertEquals(snapshot, serialization.deserialize(bytes, SnapshotSerializer.IDENTIFIER,
        SnapshotSerializer.MANIFEST).get());

    JobBook book = new JobBook(LocalExec.NEVER, 100);
    book.submit(List.of(new JobEvent.NewJob("k-1", SPEC), new JobEvent.NewJob(null, SPEC)), 5);
    book.end(book.job("j2"), JobState.CANCELLED, "cancelled before it ran", 6);
    BookSnapshots.Snapshot fromBook = BookSnapshots.of(book);
    assertEquals(fromBook, serialization.deserialize(serialization.serialize(fromBook).get(),
        SnapshotSerializer.IDENTIFIER, SnapshotSerializer.MANIFEST).get());
  }

  /**
   * A snapshot Jackson wrote while its records were nested in JobBook names that class in its
   * manifest; it reads as the same snapshot ({@link JournalNames}).
   */
  @Test
  void aJacksonSnapshotNamedJobBookSnapshotStillReads() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    var jackson = serialization.serializerByIdentity().get(JACKSON_CBOR).get();
    BookSnapshots.Snapshot snapshot = snapshot();
    byte[] bytes = jackson.toBinary(snapshot);
    assertEquals(snapshot, serialization.deserialize(bytes, JACKSON_CBOR,
        "swamp.master.dispatch.JobBook$Snapshot").get());
  }

  /** A requeue an older master journaled, without when or why, reads with neither. */
  @Test
  void aRequeueOfAnOlderMastersJournalReads() throws Exception {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    var serializer = serialization.serializerByIdentity().get(JACKSON_CBOR).get();
    byte[] old = new com.fasterxml.jackson.databind.ObjectMapper(
        new com.fasterxml.jackson.dataformat.cbor.CBORFactory()).writeValueAsBytes(
        Map.of("event", "requeued", "jobId", "j8"));
    assertEquals(new JobEvent.Requeued("j8", null, null), serialization.deserialize(old,
        serializer.identifier(), Serializers.manifestFor(serializer,
            new JobEvent.Requeued("j8"))).get());
  }

  /** {@link #snapshot()} as the first compact format (S1) wrote it, before redirections and runs. */
  static final String S1 = "CggEajECCAhuY3JhBC1PCmluLm5jDG91dC5uYwIeT01QX05VTV9USFJFQURTAjIKL2RhdGECBm5jbwSg/goGAgoGay0xDFFVRVVFRAAAAAEAAAEAAARqMgQCCHRydWUAAQACAAYACgEOUlVOTklORwQCAAR3MQ4AAQEABGozBggIbmNyYQQtTwppbi5uYwxvdXQubmMCHk9NUF9OVU1fVEhSRUFEUwIyCi9kYXRhAgZuY28EoP4KBgIKFNC60LvRjtGHLTMMRkFJTEVEAgACBHcxDgEMRkFJTEVEAQQIb3V0CghlcnIKAAR3MQGkQoCgq/75YtCvq/75YiRleGl0ZWQgd2l0aCBjb2RlIDIkZXhpdGVkIHdpdGggY29kZSAyABIEajQICAhuY3JhBC1PCmluLm5jDG91dC5uYwIeT01QX05VTV9USFJFQURTAjIKL2RhdGECBm5jbwSg/goGAgoBEkNBTkNFTExFRAAAAAEAARJDQU5DRUxMRUQAAAAAAQAA8qiBvsZoLmNhbmNlbGxlZCBiZWZvcmUgaXQgcmFuLmNhbmNlbGxlZCBiZWZvcmUgaXQgcmFuARICBGoxBARqMwRqNA==";

  @Test
  void aSnapshotOfTheFirstCompactFormatIsStillRead() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    BookSnapshots.Snapshot old = (BookSnapshots.Snapshot) serialization.deserialize(
        java.util.Base64.getDecoder().decode(S1), SnapshotSerializer.IDENTIFIER,
        SnapshotSerializer.MANIFEST_V1).get();
    assertEquals(5, old.nextSeq());
    assertEquals(List.of("j1", "j2", "j3", "j4"), old.jobs().stream().map(BookSnapshots.JobRecord::id).toList());
    assertEquals(SPEC, old.jobs().get(0).spec());
    assertEquals(JobSpec.of(List.of("true")), old.jobs().get(1).spec());
    assertEquals(-1, old.jobs().get(1).spec().step());
    assertEquals(List.of(), old.jobs().get(1).spec().pipeline());
    assertEquals(RESULT, old.jobs().get(2).result());
    assertEquals(List.of("j1"), old.queued());
    assertEquals(List.of("j3", "j4"), old.finished());
    assertEquals(List.of(), old.runs());
    assertNull(old.jobs().get(1).history(), "no attempts kept before S4");
    // restored, a job that ran shows its last attempt as the snapshot knew it
    JobBook book = BookSnapshots.restore(old, LocalExec.NEVER, 100);
    assertEquals(List.of(new Job.Attempt(1, "w1", 7, 9, "FAILED")),
        book.job("j3").attempts());
    assertEquals(List.of(), book.job("j1").attempts());
  }

  @Test
  void aSnapshotJacksonWroteIsStillRead() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    BookSnapshots.Snapshot snapshot = snapshot();
    var jackson = serialization.serializerByIdentity().get(JACKSON_CBOR).get();
    byte[] bytes = jackson.toBinary(snapshot);
    assertEquals(snapshot, serialization.deserialize(bytes, JACKSON_CBOR,
        Serializers.manifestFor(jackson, snapshot)).get());

    int compact = serialization.serialize(snapshot).get().length;
    assertTrue(compact * 2 < bytes.length,
        "the compact form is less than half of Jackson's: " + compact + " against " + bytes.length);
  }

  @Test
  void aDamagedSnapshotIsAClearError() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    byte[] bytes = serialization.serialize(snapshot()).get();
    var cut = serialization.deserialize(java.util.Arrays.copyOf(bytes, bytes.length / 2),
        SnapshotSerializer.IDENTIFIER, SnapshotSerializer.MANIFEST);
    assertTrue(cut.isFailure());
    assertTrue(cut.failed().get().getMessage().contains("cannot be read"),
        cut.failed().get().getMessage());
    var unknown = serialization.deserialize(bytes, SnapshotSerializer.IDENTIFIER, "S9");
    assertTrue(unknown.failed().get().getMessage().contains("unknown format 'S9'"));
  }

  /** Pekko's id of its Jackson CBOR serializer, which wrote the snapshots and events before. */
  static final int JACKSON_CBOR = 33;
}
