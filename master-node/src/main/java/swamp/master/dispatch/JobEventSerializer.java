package swamp.master.dispatch;

import static swamp.protocol.CompactRecords.result;
import static swamp.protocol.CompactRecords.spec;

import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import swamp.protocol.CompactBytes.In;
import swamp.protocol.CompactBytes.Out;
import swamp.protocol.CompactRecords;
import swamp.protocol.JobResult;
import swamp.protocol.JobState;

/**
 * The journal's events, each a kind byte and its fields in a fixed order, as the snapshots are
 * written ({@link SnapshotSerializer}). Every job the master accepts, starts and finishes is an
 * event; in Jackson's CBOR each carried its property names and went through reflection, which
 * made the events most of the journal's bytes and a share of the master's CPU per job.
 *
 * <p>Events that Jackson wrote are still read by Jackson: a stored event names the serializer that
 * wrote it. A change of this format gets a new manifest, and this class keeps reading the old ones;
 * a new kind of event needs none, as the records of the others do not change.
 */
public final class JobEventSerializer extends SerializerWithStringManifest {

  /** This serializer's id in a stored event; Pekko keeps 0-40 for its own. */
  static final int IDENTIFIER = 7_302;
  /** Records of version 4. */
  static final String MANIFEST_V1 = "E1";
  /** Records of version 5: redirections end with the text standard input reads. */
  static final String MANIFEST_V2 = "E2";
  /** Records of version 6: a spec ends with whether its exit code is pipefail's. */
  static final String MANIFEST_V3 = "E3";
  static final String MANIFEST = MANIFEST_V3;
  /** The version of {@link CompactRecords} the events are written in (the snapshots' latest). */
  private static final int RECORDS = CompactRecords.VERSION;

  private static final int SUBMITTED = 1;
  private static final int STARTED = 2;
  private static final int ADOPTED = 3;
  private static final int FINISHED = 4;
  private static final int RETRYING = 5;
  private static final int WORKER_LOST = 6;
  private static final int REQUEUED = 7;
  private static final int RETURNED = 8;
  private static final int ENDED = 9;
  private static final int CANCEL_REQUESTED = 10;
  private static final int FORGOTTEN = 11;
  private static final int BATCH = 12;
  private static final int RUN_CREATED = 13;
  private static final int STEPS_NOT_RUN = 14;
  private static final int STEPS_ADDED = 15;

  public JobEventSerializer(ExtendedActorSystem system) {}

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
    if (!(o instanceof JobEvent event)) {
      throw new IllegalArgumentException("JobEventSerializer writes JobEvent, not "
          + o.getClass().getName());
    }
    Out out = new Out(64 + 96 * JobEvent.entries(event));
    write(out, event);
    return out.bytes();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    int records = switch (manifest) {
      case MANIFEST_V1 -> 4;
      case MANIFEST_V2 -> 5;
      case MANIFEST_V3 -> RECORDS;
      default -> throw new IllegalArgumentException("a journal event of unknown format '"
          + manifest + "' (this master reads " + MANIFEST_V1 + " to " + MANIFEST + ")");
    };
    try {
      In in = new In(bytes, records);
      JobEvent event = read(in);
      if (in.buffer.hasRemaining()) {
        throw new IllegalArgumentException(in.buffer.remaining() + " bytes after the event");
      }
      return event;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("a journal event (" + bytes.length + " bytes) that"
          + " cannot be read: " + (e.getMessage() == null ? "it ends early" : e.getMessage()), e);
    }
  }

  private static void write(Out out, JobEvent event) {
    if (event instanceof JobEvent.Submitted s) {
      out.i32(SUBMITTED);
      out.i64(s.firstSeq());
      out.i64(s.at());
      out.i32(s.jobs().size());
      for (JobEvent.NewJob j : s.jobs()) {
        out.str(j.key());
        spec(out, j.spec());
      }
    } else if (event instanceof JobEvent.Started s) {
      out.i32(STARTED);
      out.i64(s.at());
      out.i32(s.starts().size());
      for (JobEvent.Start start : s.starts()) {
        out.str(start.jobId());
        out.str(start.workerId());
      }
    } else if (event instanceof JobEvent.Adopted a) {
      out.i32(ADOPTED);
      out.str(a.jobId());
      out.str(a.workerId());
    } else if (event instanceof JobEvent.Finished f) {
      out.i32(FINISHED);
      out.str(f.jobId());
      optionalResult(out, f.result());
      out.i64(f.at());
    } else if (event instanceof JobEvent.Retrying r) {
      out.i32(RETRYING);
      out.str(r.jobId());
      optionalResult(out, r.result());
    } else if (event instanceof JobEvent.WorkerLost w) {
      out.i32(WORKER_LOST);
      out.str(w.jobId());
    } else if (event instanceof JobEvent.Requeued r) {
      out.i32(REQUEUED);
      out.str(r.jobId());
      out.bool(r.at() != null);
      if (r.at() != null) {
        out.i64(r.at());
      }
      out.str(r.why());
    } else if (event instanceof JobEvent.Returned r) {
      out.i32(RETURNED);
      out.str(r.jobId());
      out.i64(r.at());
      out.str(r.why());
    } else if (event instanceof JobEvent.Ended e) {
      out.i32(ENDED);
      out.str(e.jobId());
      out.str(e.state() == null ? null : e.state().name());
      out.str(e.reason());
      out.i64(e.at());
    } else if (event instanceof JobEvent.CancelRequested c) {
      out.i32(CANCEL_REQUESTED);
      out.str(c.jobId());
    } else if (event instanceof JobEvent.Forgotten f) {
      out.i32(FORGOTTEN);
      out.i64(f.before());
    } else if (event instanceof JobEvent.Batch b) {
      out.i32(BATCH);
      out.i32(b.events().size());
      for (JobEvent e : b.events()) {
        write(out, e);
      }
    } else if (event instanceof JobEvent.RunCreated r) {
      out.i32(RUN_CREATED);
      out.str(r.id());
      out.str(r.name());
      out.str(r.workDir());
      out.i64(r.at());
      commands(out, r.commands());
    } else if (event instanceof JobEvent.StepsNotRun n) {
      out.i32(STEPS_NOT_RUN);
      out.str(n.run());
      steps(out, n.steps());
    } else if (event instanceof JobEvent.StepsAdded a) {
      out.i32(STEPS_ADDED);
      out.str(a.run());
      commands(out, a.commands());
    } else {
      throw new IllegalArgumentException("no compact form for the event " + event);
    }
  }

  private static JobEvent read(In in) {
    int kind = in.i32();
    return switch (kind) {
      case SUBMITTED -> {
        long firstSeq = in.i64();
        long at = in.i64();
        int n = in.count();
        List<JobEvent.NewJob> jobs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          jobs.add(new JobEvent.NewJob(in.str(), spec(in)));
        }
        yield new JobEvent.Submitted(firstSeq, at, jobs);
      }
      case STARTED -> {
        long at = in.i64();
        int n = in.count();
        List<JobEvent.Start> starts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          starts.add(new JobEvent.Start(in.str(), in.str()));
        }
        yield new JobEvent.Started(at, starts);
      }
      case ADOPTED -> new JobEvent.Adopted(in.str(), in.str());
      case FINISHED -> new JobEvent.Finished(in.str(), optionalResult(in), in.i64());
      case RETRYING -> new JobEvent.Retrying(in.str(), optionalResult(in));
      case WORKER_LOST -> new JobEvent.WorkerLost(in.str());
      case REQUEUED -> new JobEvent.Requeued(in.str(), in.bool() ? in.i64() : null, in.str());
      case RETURNED -> new JobEvent.Returned(in.str(), in.i64(), in.str());
      case ENDED -> {
        String jobId = in.str();
        String state = in.str();
        yield new JobEvent.Ended(jobId, state == null ? null : JobState.valueOf(state), in.str(),
            in.i64());
      }
      case CANCEL_REQUESTED -> new JobEvent.CancelRequested(in.str());
      case FORGOTTEN -> new JobEvent.Forgotten(in.i64());
      case BATCH -> {
        int n = in.count();
        List<JobEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          events.add(read(in));
        }
        yield new JobEvent.Batch(events);
      }
      case RUN_CREATED -> new JobEvent.RunCreated(in.str(), in.str(), in.str(), in.i64(),
          commands(in));
      case STEPS_NOT_RUN -> new JobEvent.StepsNotRun(in.str(), steps(in));
      case STEPS_ADDED -> new JobEvent.StepsAdded(in.str(), commands(in));
      default -> throw new IllegalArgumentException("an event of unknown kind " + kind);
    };
  }

  private static void optionalResult(Out out, JobResult r) {
    out.bool(r != null);
    if (r != null) {
      result(out, r);
    }
  }

  private static JobResult optionalResult(In in) {
    return in.bool() ? result(in) : null;
  }

  /** A run's commands (its {@link JobEvent.RunCreated}, and the snapshot's runs). */
  static void commands(Out out, List<JobEvent.RunCommand> commands) {
    out.i32(commands.size());
    for (JobEvent.RunCommand c : commands) {
      out.i32(c.step());
      out.i32(c.line());
      out.str(c.text());
      out.strings(c.argv());
      steps(out, c.dependsOn());
    }
  }

  /** Steps of a run, in the order given. */
  static void steps(Out out, List<Integer> steps) {
    out.i32(steps.size());
    steps.forEach(out::i32);
  }

  static List<Integer> steps(In in) {
    int n = in.count();
    List<Integer> steps = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      steps.add(in.i32());
    }
    return steps;
  }

  static List<JobEvent.RunCommand> commands(In in) {
    int n = in.count();
    List<JobEvent.RunCommand> commands = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int step = in.i32();
      int line = in.i32();
      String text = in.str();
      List<String> argv = in.strings();
      commands.add(new JobEvent.RunCommand(step, line, text, argv, steps(in)));
    }
    return commands;
  }
}
