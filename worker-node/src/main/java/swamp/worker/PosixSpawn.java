package swamp.worker;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a job's process in a session of its own with glibc's {@code posix_spawnp} and
 * {@code POSIX_SPAWN_SETSID} (glibc 2.26; called through JNA), where {@code setsid} as the job's
 * first exec cost one exec more per job: on this project's 2-core machine an exec is about 6 ms
 * of CPU, and {@code /bin/true} jobs started at 170 per second through setsid against 360 this
 * way. The child is what the JDK's {@code ProcessBuilder.start} makes of the same builder: its
 * argv, environment and working directory, the program found on this JVM's PATH (or the file
 * the allow-list checked), its three streams from and to the builder's files (opened here first,
 * so that a file that cannot be opened fails the start with the JDK's message), every other
 * descriptor closed, and an empty signal mask. Its exit code is read by a thread that waits for it, and a signal's end reads
 * as 128 + the signal, as the JDK has it.
 *
 * <p>{@link #start} returns null where this way does not apply: no glibc with these functions
 * (the first call finds out, once), a stream the caller wants as a pipe, or a program the kernel
 * will not exec without a shell (which the JDK then runs through {@code /bin/sh}). The caller
 * then starts the job as before.
 */
final class PosixSpawn {
  private PosixSpawn() {}

  private static final Logger log = LoggerFactory.getLogger(PosixSpawn.class);

  /** The part of libc this needs, by C's names. */
  interface LibC extends Library {
    int posix_spawnp(IntByReference pid, String file, Pointer fileActions, Pointer attr,
        StringArray argv, StringArray envp);

    int posix_spawn(IntByReference pid, String path, Pointer fileActions, Pointer attr,
        StringArray argv, StringArray envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, String path, int flags,
        int mode);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_addchdir_np(Pointer fileActions, String path);

    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    int sigemptyset(Pointer sigset);

    int waitpid(int pid, IntByReference status, int options);

    String strerror(int errno);
  }

  // Linux's values, the same on x86-64 and arm64
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int O_CREAT = 0100;
  private static final int O_TRUNC = 01000;
  private static final int O_APPEND = 02000;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;
  private static final int EINTR = 4;
  private static final int ENOEXEC = 8;
  /** glibc's posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128. */
  private static final int OPAQUE = 1024;

  private static volatile LibC libc;
  private static volatile boolean unavailable;

  /** Threads that each wait for one process to end, as the JDK's process reaper does. */
  private static final ExecutorService WAITERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "swamp-job-wait");
    t.setDaemon(true);
    return t;
  });

  /**
   * Set to false ({@code -Dswamp.posix-spawn=false}, through JAVA_OPTS) to start every job
   * through setsid as before: to compare, or where JNA cannot load its native part.
   */
  static final String PROPERTY = "swamp.posix-spawn";

  /** libc, or null where it lacks what this needs (found out once, and logged once). */
  private static LibC libc() {
    LibC c = libc;
    if (c != null || unavailable) {
      return c;
    }
    synchronized (PosixSpawn.class) {
      if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
        unavailable = true;
        log.info("jobs start through setsid, one exec more each: -D{}=false", PROPERTY);
      }
      if (libc == null && !unavailable) {
        try {
          NativeLibrary lib = NativeLibrary.getInstance("c");
          for (String f : List.of("posix_spawn", "posix_spawnp", "posix_spawn_file_actions_addchdir_np",
              "posix_spawn_file_actions_addclosefrom_np", "waitpid")) {
            lib.getFunction(f); // UnsatisfiedLinkError when this glibc has no such function
          }
          libc = Native.load("c", LibC.class);
        } catch (LinkageError | RuntimeException e) {
          unavailable = true;
          log.info("jobs start through setsid, one exec more each: posix_spawn with a session of"
              + " its own is not available here ({})", e.toString());
        }
      }
      return libc;
    }
  }

  /**
   * Starts {@code builder}'s command in a new session, or returns null where this way does not
   * apply (see the class comment); the caller then starts it with {@link ProcessBuilder#start}.
   */
  static Process start(ProcessBuilder builder) throws IOException {
    return start(builder, null);
  }

  /**
   * As {@link #start(ProcessBuilder)}, running {@code file} (an absolute path) with the
   * builder's command as its argv, its first word as the job wrote it: no search of the PATH,
   * whose every directory before the program's is one failed exec in the child. Null {@code
   * file}: the command's first word, looked up on this JVM's PATH.
   */
  static Process start(ProcessBuilder builder, java.nio.file.Path file) throws IOException {
    if (!supported(builder.redirectInput()) || !supported(builder.redirectOutput())
        || (!builder.redirectErrorStream() && !supported(builder.redirectError()))) {
      return null;
    }
    LibC c = libc();
    if (c == null) {
      return null;
    }
    List<String> command = builder.command();
    File dir = builder.directory();
    String cannot = "Cannot run program \"" + command.get(0) + "\""
        + (dir == null ? "" : " (in directory \"" + dir + "\")") + ": ";
    // opened here as the JDK opens them, for its errors; the child opens them again
    try {
      check(builder.redirectInput(), false);
      check(builder.redirectOutput(), true);
      if (!builder.redirectErrorStream()) {
        check(builder.redirectError(), true);
      }
    } catch (IOException e) {
      throw new IOException(cannot + e.getMessage(), e);
    }
    Memory actions = new Memory(OPAQUE);
    Memory attr = new Memory(OPAQUE);
    Memory mask = new Memory(OPAQUE);
    c.posix_spawn_file_actions_init(actions);
    c.posix_spawnattr_init(attr);
    try {
      if (dir != null) {
        c.posix_spawn_file_actions_addchdir_np(actions, dir.getPath());
      }
      open(c, actions, 0, builder.redirectInput(), dir);
      open(c, actions, 1, builder.redirectOutput(), dir);
      if (builder.redirectErrorStream()) {
        c.posix_spawn_file_actions_adddup2(actions, 1, 2);
      } else {
        open(c, actions, 2, builder.redirectError(), dir);
      }
      c.posix_spawn_file_actions_addclosefrom_np(actions, 3);
      c.sigemptyset(mask);
      c.posix_spawnattr_setsigmask(attr, mask);
      c.posix_spawnattr_setflags(attr, (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK));
      List<String> env = new ArrayList<>();
      for (Map.Entry<String, String> e : builder.environment().entrySet()) {
        env.add(e.getKey() + "=" + e.getValue());
      }
      IntByReference pid = new IntByReference();
      StringArray argv = new StringArray(command.toArray(String[]::new));
      StringArray envp = new StringArray(env.toArray(String[]::new));
      int err = file != null
          ? c.posix_spawn(pid, file.toString(), actions, attr, argv, envp)
          : c.posix_spawnp(pid, command.get(0), actions, attr, argv, envp);
      if (err == ENOEXEC) {
        return null; // a script without #!: the JDK runs it through /bin/sh
      }
      if (err != 0) {
        throw new IOException(cannot + "error=" + err + ", " + c.strerror(err));
      }
      return new Spawned(c, pid.getValue());
    } finally {
      c.posix_spawn_file_actions_destroy(actions);
      c.posix_spawnattr_destroy(attr);
      // freed now rather than by JNA's cleaner thread, a job at a time
      actions.close();
      attr.close();
      mask.close();
    }
  }

  private static boolean supported(ProcessBuilder.Redirect r) {
    return r.type() != ProcessBuilder.Redirect.Type.PIPE;
  }

  /** Opens (and closes) a redirect's file as ProcessBuilder.start would, for its exception. */
  private static void check(ProcessBuilder.Redirect r, boolean write) throws IOException {
    if (r.file() == null) {
      return; // INHERIT
    }
    if (write) {
      new FileOutputStream(r.file(), r.type() == ProcessBuilder.Redirect.Type.APPEND).close();
    } else {
      new FileInputStream(r.file()).close();
    }
  }

  private static void open(LibC c, Memory actions, int fd, ProcessBuilder.Redirect r, File dir) {
    File file = r.file();
    if (file == null) {
      return; // INHERIT: the child has this JVM's descriptor
    }
    // a relative file is relative to this JVM's directory, not the child's (the JDK opens it here)
    String path = file.getAbsolutePath();
    int flags = switch (r.type()) {
      case READ -> O_RDONLY;
      case APPEND -> O_WRONLY | O_CREAT | O_APPEND;
      default -> O_WRONLY | O_CREAT | O_TRUNC;
    };
    c.posix_spawn_file_actions_addopen(actions, fd, path, flags, 0666);
  }

  /**
   * Whether {@code p} is a child this class started, whose {@link Process#onExit} completes on a
   * thread of its own with a full stack (the JDK's process reaper has a small one) and that may
   * block.
   */
  static boolean endsOnOwnThread(Process p) {
    return p instanceof Spawned;
  }

  /** A child this class started: its end is read by a waiter thread. */
  private static final class Spawned extends Process {
    private final long pid;
    private final ProcessHandle handle;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    Spawned(LibC c, int pid) {
      this.pid = pid;
      // taken before anyone waits for the child: until then it exists, if only as a zombie
      this.handle = ProcessHandle.of(pid).orElseThrow(
          () -> new IllegalStateException("the process " + pid + " just started is not there"));
      WAITERS.execute(() -> exit.complete(waitFor(c, pid)));
    }

    private static int waitFor(LibC c, int pid) {
      IntByReference status = new IntByReference();
      while (c.waitpid(pid, status, 0) < 0) {
        if (Native.getLastError() != EINTR) {
          return 0x80 + 9; // not ours to wait for any more: as if killed
        }
      }
      int s = status.getValue();
      int signal = s & 0x7f;
      return signal == 0 ? (s >> 8) & 0xff : 0x80 + signal;
    }

    @Override
    public OutputStream getOutputStream() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public InputStream getErrorStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
      try {
        return exit.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
      try {
        exit.get(timeout, unit);
        return true;
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public int exitValue() {
      if (!exit.isDone()) {
        throw new IllegalThreadStateException("process " + pid + " has not exited");
      }
      return exit.join();
    }

    @Override
    public void destroy() {
      handle.destroy(); // refused (false) once the process has ended: its pid may be another's
    }

    @Override
    public Process destroyForcibly() {
      handle.destroyForcibly();
      return this;
    }

    @Override
    public boolean supportsNormalTermination() {
      return true;
    }

    @Override
    public boolean isAlive() {
      return !exit.isDone();
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public ProcessHandle toHandle() {
      return handle;
    }

    @Override
    public CompletableFuture<Process> onExit() {
      return exit.thenApply(code -> this);
    }

    @Override
    public String toString() {
      return "Process[pid=" + pid + ", exitValue=" + (exit.isDone() ? exit.join() : "\"not exited\"")
          + "]";
    }
  }
}
