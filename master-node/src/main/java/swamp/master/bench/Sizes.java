package swamp.master.bench;

/**
 * How big each measure is. {@code crossWorkers}: the dry-run worker JVMs of each cross-process
 * pool (one in the smoke run, which only shows the rows work: 3 JVMs fewer to start).
 * {@code trueScriptLines}: the lines of the script of {@code /bin/true} that {@link TrueScript}
 * runs through {@code bin/swamp run}. {@code crossWarmUp}: uncounted cross-process rounds before
 * those that count, until the master's CPU per job settled (5 in a full run; 2 in a quick run,
 * so that its journal-size row still has the 3 rounds it reports on).
 */
record Sizes(String label, int reps,
    int dispatchJobs, int simWorkers, int dispatchBatch,
    int regSim,
    int memQueued, int memWindow,
    int crossJobs, int crossBatch, int crossWorkers, int crossSlots, int daskNoop,
    int trueJobs, int sleepJobs, int regJvms, int killReps, int trueScriptLines,
    int scriptReps, int scriptLevels, int scriptLats, int scriptLons, int crossWarmUp) {

  static final Sizes FULL = new Sizes("full", 3,
      200_000, 100, 10_000,
      1_000,
      1_000_000, 20_000,
      100_000, 5_000, 2, 64, 20_000,
      2_000, 200, 20, 3, 5_000,
      3, 24, 180, 360, 5);

  /** {@code --quick}: every row once (cross-process: after 2 warm-up rounds), small. */
  static final Sizes QUICK = new Sizes("quick", 1,
      20_000, 100, 2_000,
      1_000,
      50_000, 5_000,
      10_000, 2_000, 2, 64, 2_000,
      200, 20, 3, 1, 500,
      1, 2, 12, 24, 2);

  /**
   * The CI smoke run ({@code --quick} with {@code -Dswamp.bench.smoke=true}): every row through
   * the same code as {@link #QUICK}, as small as still gives each a figure. It shows the bench
   * works, not how fast swamp is.
   */
  static final Sizes SMOKE = new Sizes("smoke", 1,
      2_000, 20, 500,
      100,
      5_000, 1_000,
      1_000, 500, 1, 64, 200,
      20, 4, 2, 1, 50,
      1, 2, 12, 24, 2);

  /** The sizes {@code --quick} (or its absence) asks for. */
  static Sizes of(boolean quick) {
    return !quick ? FULL : Boolean.getBoolean("swamp.bench.smoke") ? SMOKE : QUICK;
  }
}
