package swamp.master.dispatch;

import static swamp.master.dispatch.JobEventSerializer.commands;
import static swamp.master.dispatch.JobEventSerializer.steps;
import static swamp.protocol.CompactRecords.result;
import static swamp.protocol.CompactRecords.spec;

import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import swamp.master.dispatch.BookSnapshots.JobRecord;
import swamp.master.dispatch.BookSnapshots.Snapshot;
import swamp.protocol.CompactBytes.In;
import swamp.protocol.CompactBytes.Out;
import swamp.protocol.JobState;

/**
 * The job book's snapshot, field by field in a fixed order. A snapshot holds every job the book
 * keeps, up to {@code retain-finished} finished ones (100,000 by default), and a busy master writes
 * one every {@code snapshot-every} records. In Jackson's CBOR most of a job's bytes were property
 * names, and writing snapshots was a large part of a busy master's journal; here the bench's
 * snapshots take 22-24 MB instead of 56-65 MB, written and read without reflection.
 *
 * <p>Snapshots that Jackson wrote are still read by Jackson: a stored snapshot names the serializer
 * that wrote it. A change of this format gets a new manifest, and this class keeps reading the
 * old ones ({@link #MANIFEST_V1} and on), what they lack read as its default.
 */
public final class SnapshotSerializer extends SerializerWithStringManifest {

  /** This serializer's id in a stored snapshot; Pekko keeps 0-40 for its own. */
  static final int IDENTIFIER = 7_301;
  /** Jobs without redirections, pipelines or runs. */
  static final String MANIFEST_V1 = "S1";
  /** A job's spec ends with its redirections, its pipeline's stages and its run and step. */
  static final String MANIFEST_V2 = "S2";
  /** The snapshot ends with the runs. */
  static final String MANIFEST_V3 = "S3";
  /** A job ends with its attempts (its history): none for a job that never started. */
  static final String MANIFEST_V4 = "S4";
  /** Redirections end with the text standard input reads (a here-document), if any. */
  static final String MANIFEST_V5 = "S5";
  /** A job's spec ends with whether its exit code is pipefail's. */
  static final String MANIFEST_V6 = "S6";
  /** A run ends with the steps its client decided not to run. */
  static final String MANIFEST_V7 = "S7";
  static final String MANIFEST = MANIFEST_V7;

  public SnapshotSerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return MANIFEST;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (!(o instanceof Snapshot s)) {
      throw new IllegalArgumentException("SnapshotSerializer writes BookSnapshots.Snapshot, not "
          + o.getClass().getName());
    }
    Out out = new Out(64 + 160 * s.jobs().size());
    out.i64(s.nextSeq());
    out.i32(s.jobs().size());
    for (JobRecord r : s.jobs()) {
      job(out, r);
    }
    out.strings(s.queued());
    out.strings(s.finished());
    out.i64(s.nextRun());
    out.i32(s.runs().size());
    for (BookSnapshots.RunRecord r : s.runs()) {
      run(out, r);
    }
    return out.bytes();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    int version = switch (manifest) {
      case MANIFEST_V1 -> 1;
      case MANIFEST_V2 -> 2;
      case MANIFEST_V3 -> 3;
      case MANIFEST_V4 -> 4;
      case MANIFEST_V5 -> 5;
      case MANIFEST_V6 -> 6;
      case MANIFEST_V7 -> 7;
      default -> throw new IllegalArgumentException("a job-book snapshot of unknown format '"
          + manifest + "' (this master reads " + MANIFEST_V1 + " to " + MANIFEST + ")");
    };
    try {
      In in = new In(bytes, version);
      long nextSeq = in.i64();
      int n = in.count();
      List<JobRecord> jobs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        jobs.add(job(in));
      }
      List<String> queued = in.strings();
      List<String> finished = in.strings();
      Snapshot s = new Snapshot(nextSeq, jobs, queued, finished);
      if (version >= 3) {
        long nextRun = in.i64();
        int runs = in.count();
        List<BookSnapshots.RunRecord> records = new ArrayList<>(runs);
        for (int i = 0; i < runs; i++) {
          records.add(run(in));
        }
        s = new Snapshot(nextSeq, jobs, queued, finished, nextRun, records);
      }
      if (in.buffer.hasRemaining()) {
        throw new IllegalArgumentException(in.buffer.remaining() + " bytes after the snapshot");
      }
      return s;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("a job-book snapshot (" + bytes.length
          + " bytes) that cannot be read: " + (e.getMessage() == null ? "it ends early" : e.getMessage()), e);
    }
  }

  // ---- the records, in their fields' order ----

  private static void job(Out out, JobRecord r) {
    out.str(r.id());
    out.i64(r.seq());
    spec(out, r.spec());
    out.i64(r.submittedAt());
    out.str(r.key());
    out.str(r.state().name());
    out.i32(r.attempt());
    out.i32(r.workerLosses());
    out.i32(r.failures());
    out.str(r.workerId());
    out.i64(r.dispatchedAt());
    out.bool(r.result() != null);
    if (r.result() != null) {
      result(out, r.result());
    }
    out.str(r.reason());
    out.bool(r.cancelRequested());
    out.i64(r.finishedAt());
    List<Job.Attempt> history = r.history() == null ? List.of() : r.history();
    out.i32(history.size());
    for (Job.Attempt a : history) {
      out.i32(a.number());
      out.str(a.worker());
      out.i64(a.started());
      out.i64(a.ended());
      out.str(a.outcome());
    }
  }

  private static JobRecord job(In in) {
    JobRecord r = new JobRecord(in.str(), in.i64(), spec(in), in.i64(), in.str(),
        JobState.valueOf(in.str()), in.i32(), in.i32(), in.i32(), in.str(), in.i64(),
        in.bool() ? result(in) : null, in.str(), in.bool(), in.i64());
    if (in.version < 4) {
      return r;
    }
    int n = in.count();
    if (n == 0) {
      return r;
    }
    List<Job.Attempt> history = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      history.add(new Job.Attempt(in.i32(), in.str(), in.i64(), in.i64(), in.str()));
    }
    return new JobRecord(r.id(), r.seq(), r.spec(), r.submittedAt(), r.key(), r.state(),
        r.attempt(), r.workerLosses(), r.failures(), r.workerId(), r.dispatchedAt(), r.result(),
        r.reason(), r.cancelRequested(), r.finishedAt(), history);
  }

  private static void run(Out out, BookSnapshots.RunRecord r) {
    out.str(r.id());
    out.str(r.name());
    out.str(r.workDir());
    out.i64(r.submittedAt());
    commands(out, r.commands());
    for (int step = 0; step < r.commands().size(); step++) {
      out.str(r.latest().get(step));
      Runs.Gone gone = r.gone().get(step);
      out.bool(gone != null);
      if (gone != null) {
        out.str(gone.jobId());
        out.str(gone.state().name());
        out.bool(gone.exitCode() != null);
        if (gone.exitCode() != null) {
          out.i32(gone.exitCode());
        }
        out.str(gone.worker());
      }
    }
    steps(out, r.notRun());
  }

  private static BookSnapshots.RunRecord run(In in) {
    String id = in.str();
    String name = in.str();
    String workDir = in.str();
    long submittedAt = in.i64();
    List<JobEvent.RunCommand> commands = commands(in);
    int n = commands.size();
    List<String> latest = new ArrayList<>(n);
    List<Runs.Gone> gone = new ArrayList<>(n);
    for (int step = 0; step < n; step++) {
      latest.add(in.str());
      gone.add(in.bool() ? new Runs.Gone(in.str(), JobState.valueOf(in.str()),
          in.bool() ? in.i32() : null, in.str()) : null);
    }
    return new BookSnapshots.RunRecord(id, name, workDir, submittedAt, commands, latest, gone,
        in.version >= 7 ? steps(in) : List.of());
  }
}
