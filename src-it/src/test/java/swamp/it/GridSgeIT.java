package swamp.it;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker directory's {@code sge} launcher against a real Grid Engine on this machine (set up
 * by {@code .ci/grid/sge-up.sh}, which {@code .ci/run} calls): workers are {@code qsub} jobs and
 * the limits are checked on {@code qstat}'s own answer. Fails in CI when Grid Engine does not
 * answer; skipped elsewhere.
 */
@org.junit.jupiter.api.Order(5) // among the longest: started early (junit-platform.properties)
class GridSgeIT extends GridScalingTests {

  private static final Pattern JOB = Pattern.compile(
      "<JB_job_number>(\\d+)</JB_job_number>.*?<JB_name>([^<]*)</JB_name>.*?<state>([^<]*)</state>",
      Pattern.DOTALL);

  @Override
  String launcher() {
    return "sge";
  }

  @Override
  int slots() {
    return 1; // all.q has one slot per CPU: two run, the third waits
  }

  @Override
  String holdOption() {
    return "-h";
  }

  @Override
  void requireScheduler() {
    require("Grid Engine", "start it with .ci/grid/sge-up.sh (as root)", "qstat", "-f");
  }

  @Override
  void cancelLeftover(QueuedJob job) {
    run("qdel", job.jobId());
  }

  @Override
  List<QueuedJob> queue(Master master) {
    String out = run("qstat", "-u", "*", "-xml");
    if (out == null) {
      throw new IllegalStateException("qstat failed");
    }
    List<QueuedJob> jobs = new ArrayList<>();
    for (String block : out.split("<job_list")) {
      Matcher m = JOB.matcher(block);
      if (m.find()) {
        String spawn = spawnOf(m.group(2));
        // a job Grid Engine is deleting (dr, dqw: qdel accepted, the execd not yet reported) is
        // gone as far as the pool's limits go; qstat lists it for a few seconds more
        if (spawn != null && !m.group(3).contains("d")) {
          jobs.add(new QueuedJob(m.group(1), spawn, m.group(3).contains("q")));
        }
      }
    }
    return jobs;
  }
}
