package swamp.worker;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import swamp.node.Credentials;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * Where the streams of one attempt's processes go, and what comes back of them. A stream a stage
 * redirects goes to its file, opened by the worker as a shell would (created with the umask's
 * mode, truncated or appended); what is not redirected is captured in the worker's directory
 * (the last stage's standard output and every stage's standard error) and read into the result,
 * then removed; a text for standard input (a here-document) is written there too, then removed. Each process sees its argv[0] as the job wrote it ({@code ncks}, not {@code
 * /usr/bin/ncks}): NCO writes its command line into every file it makes. {@link JobRunner}
 * starts and watches the processes; this is plain code it calls on the process dispatcher.
 *
 * <p>A captured stream takes no more of the worker's disk than what is kept of it: the processes
 * append to its file, and {@link #trim} cuts the file back to the kept part while they run (a job
 * printing 10 GB would otherwise fill the disk under every job of the worker for 256 KiB kept).
 */
final class JobStreams {

  private final String jobId;
  private final int attempt;
  private final JobSpec spec;
  private final String workerId;
  private final Path workDir;
  private final int maxOutputBytes;
  private final FreeSpace freeSpace;

  /** The bytes a directory's disk has free for the worker's user. */
  interface FreeSpace {
    long of(Path dir) throws IOException;
  }

  /**
   * Below this many free bytes the worker's directory counts as full: the processes' writes to
   * their capture files fail there (a disk block or two).
   */
  static final long FULL_BELOW = 64 * 1024;

  JobStreams(String jobId, int attempt, JobSpec spec, WorkerSettings settings) {
    // statvfs alone: Files.getFileStore reads the whole mount table first, 67 against 1.5 us a
    // job here, and more on a node with many mounts; 0 is also what a directory not there gives
    this(jobId, attempt, spec, settings, dir -> {
      long free = dir.toFile().getUsableSpace();
      if (free == 0 && !Files.isDirectory(dir)) {
        throw new IOException(dir + " is not there");
      }
      return free;
    });
  }

  JobStreams(String jobId, int attempt, JobSpec spec, WorkerSettings settings,
      FreeSpace freeSpace) {
    this.jobId = jobId;
    this.attempt = attempt;
    this.spec = spec;
    this.workerId = settings.workerId();
    this.workDir = settings.workDir();
    this.maxOutputBytes = settings.maxOutputBytes();
    this.freeSpace = freeSpace;
  }

  /**
   * The process of each stage, in pipeline order, running {@code executables} (as the program
   * check found them) in {@code dir}; the capture of standard error, which every stage appends
   * to, starts empty.
   */
  List<Spawner.Program> builders(List<Executables.Allowed> executables, Path dir)
      throws IOException {
    Files.deleteIfExists(outputFile("out"));
    Files.deleteIfExists(outputFile("err"));
    String text = spec.stages().get(0).redirected().stdinText();
    if (text != null) { // a here-document: a file of the worker's, as bash makes one
      Files.writeString(outputFile("in"), text, StandardCharsets.UTF_8);
    }
    List<Stage> stages = spec.stages();
    List<Spawner.Program> builders = new ArrayList<>(stages.size());
    for (int i = 0; i < stages.size(); i++) {
      builders.add(new Spawner.Program(builder(stages.get(i), executables.get(i), dir, i == 0,
          i == stages.size() - 1), executables.get(i).executable()));
    }
    return builders;
  }

  /** The process of one stage, its streams set as its redirections and place say. */
  private ProcessBuilder builder(Stage stage, Executables.Allowed program, Path dir, boolean first,
      boolean last) {
    List<String> command = new ArrayList<>(stage.argv());
    command.addAll(1, program.options()); // 'sed --sandbox ...
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    // a job inherits the node's environment but not the pool's secrets: any job could print them
    builder.environment().keySet().removeAll(Credentials.SECRET_VARIABLES);
    swamp.node.JvmLocale.restore(builder.environment()); // the node's locale, not its JVM's
    builder.environment().putAll(spec.env());
    Redirects r = stage.redirected();
    if (first) {
      builder.redirectInput(r.stdin() != null
          ? ProcessBuilder.Redirect.from(dir.resolve(r.stdin()).toFile())
          : ProcessBuilder.Redirect.from(r.stdinText() != null ? outputFile("in").toFile()
              : new File("/dev/null")));
    }
    if (r.stdout() != null) {
      File file = dir.resolve(r.stdout()).toFile();
      builder.redirectOutput(r.stdoutAppend()
          ? ProcessBuilder.Redirect.appendTo(file) : ProcessBuilder.Redirect.to(file));
    } else if (last) { // appended to, so that a trim leaves no hole where it cut
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile("out").toFile()));
    } // else the pipe to the next stage
    if (r.stderrToStdout()) {
      builder.redirectErrorStream(true);
    } else if (r.stderr() != null) {
      File file = dir.resolve(r.stderr()).toFile();
      builder.redirectError(r.stderrAppend()
          ? ProcessBuilder.Redirect.appendTo(file) : ProcessBuilder.Redirect.to(file));
    } else {
      builder.redirectError(ProcessBuilder.Redirect.appendTo(outputFile("err").toFile()));
    }
    return builder;
  }

  /**
   * Makes the worker's own directory again when it is gone: a job that runs in it (one that names
   * no directory) may remove it ({@code rm -rf "$PWD"}), and every later job would fail to start
   * for want of the files its output is captured in.
   */
  void keepOwnDir() throws IOException {
    if (!Files.exists(workDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      WorkDirs.makePrivate(workDir);
    }
  }

  /**
   * Cuts each captured stream's file back to what {@link #collect} reads of it (the kept bytes
   * and one more, which says there was more), while the processes go on appending to it.
   */
  void trim() {
    for (String stream : List.of("out", "err")) {
      Path file = outputFile(stream);
      try {
        if (Files.size(file) > maxOutputBytes + 1L) {
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(maxOutputBytes + 1L);
          }
        }
      } catch (IOException e) {
        // not there (yet, or any more): nothing to cut
      }
    }
  }

  /**
   * Why the job cannot start for a file its redirections name (a missing input, an output in a
   * directory that does not exist), as the shell would refuse the command; null when none.
   */
  String missingFile(Path dir) {
    for (Stage stage : spec.stages()) {
      Redirects r = stage.redirected();
      if (r.stdin() != null && !Files.exists(dir.resolve(r.stdin()))) {
        return "stdin file " + r.stdin() + " does not exist";
      }
      for (String out : java.util.Arrays.asList(r.stdout(), r.stderr())) {
        if (out != null) {
          Path parent = dir.resolve(out).toAbsolutePath().getParent();
          if (parent != null && !Files.isDirectory(parent)) {
            return "cannot write " + out + ": directory " + parent + " does not exist";
          }
        }
      }
    }
    return null;
  }

  /**
   * Runs on the process dispatcher once the processes ended: reads and removes their output.
   * The job's exit code is its last stage's, as a shell's; with {@code pipefail} that of the
   * last stage that failed, as bash's under {@code set -o pipefail}.
   */
  JobResult collect(List<Process> all, long startedAt) {
    Process p = all.get(all.size() - 1);
    int exit = p.exitValue();
    for (int i = all.size() - 1; spec.pipefail() && exit == 0 && i >= 0; i--) {
      exit = all.get(i).exitValue();
    }
    long finishedAt = System.currentTimeMillis();
    Output out = read(outputFile("out"));
    Output err = read(outputFile("err"));
    try {
      Files.deleteIfExists(outputFile("in"));
    } catch (IOException ignored) {
      // harmless, as a leftover output file
    }
    JobState state = exit == 0 ? JobState.SUCCEEDED : JobState.FAILED;
    // on a full disk the processes' writes to their capture files failed: without a word, a job
    // whose output went nowhere read as one that printed nothing (echo failing with 1, no error)
    String full = fullDisk();
    return new JobResult(state, exit, out.text(),
        full == null ? err.text() : err.text() + "swamp: " + full + "\n",
        out.truncated() || err.truncated(), workerId, p.pid(), startedAt, finishedAt,
        exit == 0 ? null : ExitReason.of(exit) + (full == null ? "" : "; " + full));
  }

  /** What a full disk under the worker's directory did to the job's output; null when not full. */
  private String fullDisk() {
    long free;
    try {
      free = freeSpace.of(workDir);
    } catch (IOException e) {
      return null; // gone: keepOwnDir makes it again before the next job
    }
    return free >= FULL_BELOW ? null
        : "the disk of worker " + workerId + "'s directory " + workDir + " is full (" + free
            + " bytes free): what the job printed may be lost, and it may have failed for want of"
            + " space";
  }

  private record Output(String text, boolean truncated) {}

  private Output read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(maxOutputBytes);
      boolean more = in.read() >= 0;
      return new Output(new String(head, StandardCharsets.UTF_8), more);
    } catch (IOException e) {
      return new Output("", false);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a leftover output file is harmless; the next attempt of the job truncates it
      }
    }
  }

  private Path outputFile(String stream) {
    return workDir.resolve(jobId + "." + attempt + "." + stream);
  }
}
