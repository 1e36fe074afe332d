package swamp.it;

import java.util.ArrayList;
import java.util.List;

/**
 * The worker directory's {@code slurm} launcher against a real Slurm on this machine (set up by
 * {@code .ci/grid/slurm-up.sh}, which {@code .ci/run} calls): workers are {@code sbatch} jobs and
 * the limits are checked on {@code squeue}'s own answer. Fails in CI when Slurm does not answer;
 * skipped elsewhere.
 */
@org.junit.jupiter.api.Order(5) // among the longest: started early (junit-platform.properties)
class GridSlurmIT extends GridScalingTests {

  @Override
  String launcher() {
    return "slurm";
  }

  @Override
  int slots() {
    return 1; // one CPU each: two of the three run on a two-CPU machine, the third waits
  }

  @Override
  String holdOption() {
    return "--hold";
  }

  @Override
  void requireScheduler() {
    require("Slurm", "start it with .ci/grid/slurm-up.sh (as root)", "sinfo", "--noheader");
    require("Slurm's queue", "start it with .ci/grid/slurm-up.sh (as root)", "squeue", "--noheader");
  }

  @Override
  void cancelLeftover(QueuedJob job) {
    run("scancel", job.jobId());
  }

  @Override
  List<QueuedJob> queue(Master master) {
    String out = run("squeue", "--noheader", "--format=%i|%j|%t");
    if (out == null) {
      throw new IllegalStateException("squeue failed");
    }
    List<QueuedJob> jobs = new ArrayList<>();
    for (String line : out.split("\n")) {
      String[] f = line.strip().split("\\|");
      String spawn = f.length == 3 ? spawnOf(f[1]) : null;
      // CG, completing: cancelled or ended and on its way out, which under load can take
      // Slurm's KillWait (a cancel that lands while the job is being launched waits for it)
      if (spawn != null && !f[2].equals("CG")) {
        jobs.add(new QueuedJob(f[0], spawn, f[2].equals("PD")));
      }
    }
    return jobs;
  }
}
