package swamp.node;

/**
 * JVM-wide settings for starting job processes. Both node mains apply them first thing: the JDK
 * reads them once, when the classes they concern are first used.
 */
public final class ProcessLaunch {
  private ProcessLaunch() {}

  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
  static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

  /** Sets what the command line (JAVA_OPTS) has not set. */
  public static void configure() {
    // Process.onExit() completes on CompletableFuture's default pool, which with 2 processors or
    // fewer is a new thread for every task: a thread started and ended for every job
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null
        && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    // posix_spawn, the default, starts every job through the jspawnhelper program: two execs per
    // job. vfork execs the job itself (Linux; JDK 17 and 21 support it, later JDKs deprecate it)
    if (System.getProperty(LAUNCH_MECHANISM) == null
        && "Linux".equals(System.getProperty("os.name")) && Runtime.version().feature() <= 21) {
      System.setProperty(LAUNCH_MECHANISM, "VFORK");
    }
  }
}
