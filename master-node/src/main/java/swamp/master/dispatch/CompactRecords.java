package swamp.master.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import swamp.master.dispatch.CompactBytes.In;
import swamp.master.dispatch.CompactBytes.Out;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * The records both compact forms of the journal hold, field by field in a fixed order: a job's
 * spec, its result and a run's commands ({@link SnapshotSerializer}, {@link JobEventSerializer}).
 */
final class CompactRecords {
  private CompactRecords() {}

  static void spec(Out out, JobSpec s) {
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
  }

  static JobSpec spec(In in) {
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
    return spec.withIo(redirects, pipeline).inRun(in.str(), in.i32());
  }

  static void redirects(Out out, Redirects r) {
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
  static Redirects redirects(In in) {
    return in.bool()
        ? new Redirects(in.str(), in.str(), in.bool(), in.str(), in.bool(), in.bool(),
            in.version >= 5 ? in.str() : null)
        : null;
  }

  static void result(Out out, JobResult r) {
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

  static JobResult result(In in) {
    return new JobResult(JobState.valueOf(in.str()), in.bool() ? in.i32() : null, in.str(),
        in.str(), in.bool(), in.str(), in.bool() ? in.i64() : null, in.i64(), in.i64(), in.str());
  }

  static void commands(Out out, List<JobEvent.RunCommand> commands) {
    out.i32(commands.size());
    for (JobEvent.RunCommand c : commands) {
      out.i32(c.step());
      out.i32(c.line());
      out.str(c.text());
      out.strings(c.argv());
      out.i32(c.dependsOn().size());
      c.dependsOn().forEach(out::i32);
    }
  }

  static List<JobEvent.RunCommand> commands(In in) {
    int n = in.count();
    List<JobEvent.RunCommand> commands = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int step = in.i32();
      int line = in.i32();
      String text = in.str();
      List<String> argv = in.strings();
      int deps = in.count();
      List<Integer> dependsOn = new ArrayList<>(deps);
      for (int d = 0; d < deps; d++) {
        dependsOn.add(in.i32());
      }
      commands.add(new JobEvent.RunCommand(step, line, text, argv, dependsOn));
    }
    return commands;
  }
}
