package swamp.worker;

import java.util.Map;

/**
 * A failed job's exit code in words. A process that a signal ended has no exit code of its own:
 * the JDK, as a shell, reports it as 128 + the signal, so a crash showed only as "exited with code
 * 139", where bash says "Segmentation fault". The reason names the signal; the code stays the
 * shell's, which is what a script's {@code $?} holds.
 */
final class ExitReason {
  private ExitReason() {}

  /** The signals a job's process commonly dies of, with what each means to its user. */
  private static final Map<Integer, String> SIGNALS = Map.ofEntries(
      Map.entry(1, "SIGHUP: hangup"),
      Map.entry(2, "SIGINT: interrupted"),
      Map.entry(3, "SIGQUIT: quit"),
      Map.entry(4, "SIGILL: illegal instruction"),
      Map.entry(5, "SIGTRAP: trace trap"),
      Map.entry(6, "SIGABRT: aborted"),
      Map.entry(7, "SIGBUS: bus error"),
      Map.entry(8, "SIGFPE: floating-point exception"),
      Map.entry(9, "SIGKILL: killed, as the kernel kills a process when memory runs out"),
      Map.entry(10, "SIGUSR1"),
      Map.entry(11, "SIGSEGV: segmentation fault"),
      Map.entry(12, "SIGUSR2"),
      Map.entry(13, "SIGPIPE: broken pipe, its reader ended first"),
      Map.entry(14, "SIGALRM: alarm clock"),
      Map.entry(15, "SIGTERM: terminated"),
      Map.entry(24, "SIGXCPU: CPU time limit exceeded"),
      Map.entry(25, "SIGXFSZ: file size limit exceeded"));

  /** {@code exited with code N}, and for 128 + a signal, which signal that is. */
  static String of(int exit) {
    String signal = SIGNALS.get(exit - 128);
    return "exited with code " + exit
        + (signal == null ? "" : " (" + signal + "; signal " + (exit - 128) + ")");
  }
}
