package swamp.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import swamp.protocol.CompactBytes.In;
import swamp.protocol.CompactBytes.Out;

/**
 * The records every compact form holds, field by field in a fixed order: a job's spec and its
 * result, on the wire ({@link WireSerializer}) and in the master's journal. {@code In.version}
 * is the version of these records the bytes were written in: the journal keeps records of every
 * version it ever wrote, and what an older one lacks is read as its default. The wire is always
 * {@link #VERSION}: nodes of one pool speak one protocol.
 */
public final class CompactRecords {
  /**
   * The records' latest version: 6, where a spec ends with whether its exit code is
   * {@code pipefail}'s (5: redirections end with the text standard input reads).
   */
  public static final int VERSION = 6;

  private CompactRecords() {}

  public static void spec(Out out, JobSpec s) {
    out.strings(s.argv());
    out.i32(s.env().size());
    s.env().forEach((k, v) -> {
      out.str(k);
      out.str(v);
    });
    out.str(s.workDir());
    out.strings(s.requires());
    out.i32(s.slots());
    out.i64(s.timeoutMs());
    out.i32(s.maxAttempts());
    out.i32(s.retries());
    redirects(out, s.redirects());
    out.i32(s.pipeline().size());
    for (Stage stage : s.pipeline()) {
      out.strings(stage.argv());
      redirects(out, stage.redirects());
    }
    out.str(s.run());
    out.i32(s.step());
    out.bool(s.pipefail());
  }

  public static JobSpec spec(In in) {
    List<String> argv = in.strings();
    int n = in.count();
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < n; i++) {
      env.put(in.str(), in.str());
    }
    JobSpec spec =
        new JobSpec(argv, env, in.str(), in.strings(), in.i32(), in.i64(), in.i32(), in.i32());
    if (in.version < 2) {
      return spec;
    }
    Redirects redirects = redirects(in);
    int stages = in.count();
    List<Stage> pipeline = new ArrayList<>(stages);
    for (int i = 0; i < stages; i++) {
      pipeline.add(new Stage(in.strings(), redirects(in)));
    }
    spec = spec.withIo(redirects, pipeline).inRun(in.str(), in.i32());
    return in.version >= 6 ? spec.withPipefail(in.bool()) : spec;
  }

  public static void redirects(Out out, Redirects r) {
    out.bool(r != null);
    if (r != null) {
      out.str(r.stdin());
      out.str(r.stdout());
      out.bool(r.stdoutAppend());
      out.str(r.stderr());
      out.bool(r.stderrAppend());
      out.bool(r.stderrToStdout());
      out.str(r.stdinText());
    }
  }

  /** Redirections; those of version 4 and before had no text for standard input. */
  public static Redirects redirects(In in) {
    return in.bool()
        ? new Redirects(in.str(), in.str(), in.bool(), in.str(), in.bool(), in.bool(),
            in.version >= 5 ? in.str() : null)
        : null;
  }

  public static void result(Out out, JobResult r) {
    out.str(r.state().name());
    out.bool(r.exitCode() != null);
    if (r.exitCode() != null) {
      out.i32(r.exitCode());
    }
    out.str(r.stdout());
    out.str(r.stderr());
    out.bool(r.truncated());
    out.str(r.workerId());
    out.bool(r.pid() != null);
    if (r.pid() != null) {
      out.i64(r.pid());
    }
    out.i64(r.startedAt());
    out.i64(r.finishedAt());
    out.str(r.reason());
  }

  public static JobResult result(In in) {
    return new JobResult(JobState.valueOf(in.str()), in.bool() ? in.i32() : null, in.str(),
        in.str(), in.bool(), in.str(), in.bool() ? in.i64() : null, in.i64(), in.i64(), in.str());
  }
}
