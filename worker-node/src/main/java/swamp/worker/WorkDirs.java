package swamp.worker;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A node's own work directory, the default one under {@code java.io.tmpdir}: private to the user
 * that runs the node (0700), and never one that somebody else prepared. A directory another user
 * created first, or a symbolic link placed at its name, would let that user read every job's
 * output, or make a job's output overwrite a file of the node's user: the node refuses to start.
 * It is removed when the node ends.
 */
public final class WorkDirs {
  private WorkDirs() {}

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /**
   * Creates {@code dir} 0700, or takes it as it is when it is a directory of this user's (left
   * by an earlier node of the same name), made 0700.
   *
   * @throws IOException with a message that says what is wrong with it and what to do
   */
  public static void makePrivate(Path dir) throws IOException {
    if (!Files.exists(dir, NOFOLLOW)) {
      Files.createDirectories(dir.getParent());
      try {
        // atomic: fails when anything, a link included, appeared at the name meanwhile
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // checked below like any directory that was there before
      }
    }
    String fix = "; remove it, or give the node a directory of its own (--work-dir)";
    if (Files.isSymbolicLink(dir)) {
      throw new IOException(dir + " is a symbolic link (to " + Files.readSymbolicLink(dir)
          + "), not a directory this node made" + fix);
    }
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      throw new IOException(dir + " exists and is not a directory" + fix);
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", NOFOLLOW);
    int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (owner != me) {
      throw new IOException(dir + " belongs to another user (uid " + owner + ", this node runs"
          + " as uid " + me + "), who could read or replace what jobs write there" + fix);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
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

  /** Removes {@code dir} and everything in it, following no link; logs nothing, fails quietly. */
  public static void remove(Path dir) {
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // what is left is the node user's own, in a directory only it can read
    }
  }
}
