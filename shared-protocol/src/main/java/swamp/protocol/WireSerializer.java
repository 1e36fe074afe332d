package swamp.protocol;

import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import swamp.protocol.CompactBytes.In;
import swamp.protocol.CompactBytes.Out;

/**
 * The messages that cross the wire once or twice for every job, field by field in a fixed order
 * ({@link CompactRecords}): jobs to run ({@link ToWorker.Job}, {@link ToWorker.Jobs}), the
 * finishes a worker reports
 * ({@link ToMaster.JobsFinished}) and the master's acknowledgement ({@link ToWorker.FinishAck}).
 * In Jackson's CBOR each carried its property names and went through reflection: a third of a
 * dry-run worker's CPU and a tenth of the master's went to reading and writing them. Every other
 * message stays in Jackson's form, which is fast enough for what comes once per worker.
 *
 * <p>The form has no version of its own: nodes of one pool speak one protocol ({@link
 * ToRegistry#VERSION}, which a change of this form raises, so that the master refuses a worker
 * that would write another).
 */
public final class WireSerializer extends SerializerWithStringManifest {

  /** This serializer's id on the wire; Pekko keeps 0-40 for its own, the journal 7301-7302. */
  public static final int IDENTIFIER = 7_303;
  static final String JOB = "J";
  static final String JOBS = "B";
  static final String JOBS_FINISHED = "F";
  static final String FINISH_ACK = "A";

  private final ExtendedActorSystem system;
  /** Made at first use: a serializer is made while the actor system starts. */
  private volatile ActorRefResolver resolver;

  public WireSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof ToWorker.Job) {
      return JOB;
    } else if (o instanceof ToWorker.Jobs) {
      return JOBS;
    } else if (o instanceof ToMaster.JobsFinished) {
      return JOBS_FINISHED;
    } else if (o instanceof ToWorker.FinishAck) {
      return FINISH_ACK;
    }
    throw new IllegalArgumentException("WireSerializer writes Job, Jobs, JobsFinished and FinishAck,"
        + " not " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof ToWorker.Job j) {
      Out out = new Out(128);
      job(out, j);
      return out.bytes();
    } else if (o instanceof ToWorker.Jobs b) {
      Out out = new Out(16 + 128 * b.jobs().size() + 24 * b.recorded().size());
      out.i32(b.jobs().size());
      b.jobs().forEach(j -> job(out, j));
      runningJobs(out, b.recorded());
      return out.bytes();
    } else if (o instanceof ToMaster.JobsFinished f) {
      Out out = new Out(64 + 96 * f.finishes().size());
      out.str(f.worker() == null ? null : resolver().toSerializationFormat(f.worker()));
      out.i32(f.finishes().size());
      for (ToMaster.JobFinished finish : f.finishes()) {
        out.str(finish.jobId());
        out.i32(finish.attempt());
        out.str(finish.workerId());
        CompactRecords.result(out, finish.result());
      }
      return out.bytes();
    } else if (o instanceof ToWorker.FinishAck a) {
      Out out = new Out(16 + 24 * a.finishes().size());
      runningJobs(out, a.finishes());
      return out.bytes();
    }
    throw new IllegalArgumentException(manifest(o));
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    try {
      In in = new In(bytes, CompactRecords.VERSION);
      Object message = switch (manifest) {
        case JOB -> job(in);
        case JOBS -> {
          int n = in.count();
          List<ToWorker.Job> jobs = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            jobs.add(job(in));
          }
          yield new ToWorker.Jobs(jobs, runningJobs(in));
        }
        case JOBS_FINISHED -> {
          String ref = in.str();
          ActorRef<ToWorker> worker = ref == null ? null : resolver().resolveActorRef(ref);
          int n = in.count();
          List<ToMaster.JobFinished> finishes = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            finishes.add(new ToMaster.JobFinished(in.str(), in.i32(), in.str(),
                CompactRecords.result(in)));
          }
          yield new ToMaster.JobsFinished(finishes, worker);
        }
        case FINISH_ACK -> new ToWorker.FinishAck(runningJobs(in));
        default -> throw new IllegalArgumentException("a message of unknown kind '" + manifest
            + "' (this node reads " + String.join(", ", JOB, JOBS, JOBS_FINISHED, FINISH_ACK)
            + ")");
      };
      if (in.buffer.hasRemaining()) {
        throw new IllegalArgumentException(in.buffer.remaining() + " bytes after the message");
      }
      return message;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("a message (" + manifest + ", " + bytes.length
          + " bytes) that cannot be read: "
          + (e.getMessage() == null ? "it ends early" : e.getMessage()), e);
    }
  }

  private static void job(Out out, ToWorker.Job j) {
    out.str(j.jobId());
    out.i32(j.attempt());
    CompactRecords.spec(out, j.spec());
  }

  private static ToWorker.Job job(In in) {
    return new ToWorker.Job(in.str(), in.i32(), CompactRecords.spec(in));
  }

  private static void runningJobs(Out out, List<ToRegistry.RunningJob> jobs) {
    out.i32(jobs.size());
    for (ToRegistry.RunningJob r : jobs) {
      out.str(r.jobId());
      out.i32(r.attempt());
    }
  }

  private static List<ToRegistry.RunningJob> runningJobs(In in) {
    int n = in.count();
    List<ToRegistry.RunningJob> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      jobs.add(new ToRegistry.RunningJob(in.str(), in.i32()));
    }
    return jobs;
  }

  private ActorRefResolver resolver() {
    ActorRefResolver r = resolver;
    if (r == null) {
      r = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = r;
    }
    return r;
  }
}
