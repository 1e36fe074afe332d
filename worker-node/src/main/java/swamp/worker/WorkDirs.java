package swamp.worker;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import swamp.node.PrivateDirs;

/**
 * A node's own work directory, the default one under {@code java.io.tmpdir}: private to the user
 * that runs the node (0700), and never one that somebody else prepared ({@link PrivateDirs}):
 * another user could read every job's output, or make a job's output overwrite a file of the
 * node's user. The node refuses to start with such a directory. It is removed when the node ends,
 * and emptied when a node claims it after one that was killed.
 */
public final class WorkDirs {
  private WorkDirs() {}

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /**
   * {@code dir} made private to this node's user ({@link PrivateDirs#make}).
   *
   * @throws IOException with a message that says what is wrong with it and what to do
   */
  public static void makePrivate(Path dir) throws IOException {
    PrivateDirs.make(dir, "; remove it, or give the node a directory of its own (--work-dir)");
  }

  /** The locks this process holds on the work directories it claimed, until it exits. */
  private static final java.util.List<java.nio.channels.FileChannel> CLAIMS =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Claims {@code dir} for this process: {@link #makePrivate}, then a lock on a file in it, held
   * until the process exits. When a live node holds it already (a worker of the same id on this
   * host, in another pool), this one takes {@code DIR-PID} instead, so that neither removes the
   * other's job files when it ends.
   *
   * @return the directory this process now owns
   * @throws IOException as {@link #makePrivate}
   */
  public static Path claim(Path dir) throws IOException {
    makePrivate(dir);
    if (lock(dir)) {
      // what a node killed before it could remove the directory left: its jobs' captured output
      // and files, of jobs that ran again elsewhere
      delete(dir, dir.resolve(".lock"));
      return dir;
    }
    Path own = dir.resolveSibling(dir.getFileName() + "-" + ProcessHandle.current().pid());
    makePrivate(own);
    lock(own);
    return own;
  }

  private static boolean lock(Path dir) throws IOException {
    java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dir.resolve(".lock"),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE, NOFOLLOW);
    try {
      if (channel.tryLock() != null) {
        CLAIMS.add(channel);
        return true;
      }
    } catch (java.nio.channels.OverlappingFileLockException e) {
      // this process holds it already
    }
    channel.close();
    return false;
  }

  /**
   * Why {@code dir}, a worker's own directory, cannot take a job's captured output: it cannot be
   * made again (a job removed it), cannot be written (a read-only file system), or its disk has
   * less than {@code freeBelow} bytes free; null when it can. A check of a few microseconds.
   */
  static String unusable(Path dir, long freeBelow) {
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      try {
        makePrivate(dir);
      } catch (IOException e) {
        return "its directory " + dir + " is gone and cannot be made again: " + e.getMessage();
      }
    }
    if (!Files.isWritable(dir)) {
      return "its directory " + dir + " cannot be written (a read-only file system?)";
    }
    long free = dir.toFile().getUsableSpace();
    return free < freeBelow ? "the disk of its directory " + dir + " is full (" + free
        + " bytes free)" : null;
  }

  /** Removes {@code dir} and everything in it, following no link; logs nothing, fails quietly. */
  public static void remove(Path dir) {
    delete(dir, null);
  }

  /** Removes what is in {@code dir} but {@code keep}, and {@code dir} too when there is none. */
  private static void delete(Path dir, Path keep) {
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (!file.equals(keep)) {
            Files.deleteIfExists(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          if (keep == null || !d.equals(dir)) {
            Files.deleteIfExists(d);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // what is left is the node user's own, in a directory only it can read
    }
  }
}
