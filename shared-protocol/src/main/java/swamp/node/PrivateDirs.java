package swamp.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory private to the user that runs this node (0700), and never one that somebody else
 * prepared: a directory another user created first, or a symbolic link placed at its name, would
 * let that user read what is written there, or replace it (a worker's job outputs, a job script
 * the master hands to a grid scheduler) before it is read.
 */
public final class PrivateDirs {
  private PrivateDirs() {}

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /**
   * Creates {@code dir} 0700, or takes it as it is when it is a directory of this user's (left
   * by an earlier run), made 0700.
   *
   * @param fix what the person should do about a directory that cannot be taken, as the end of
   *     the message ("; remove it, or ...")
   * @throws IOException with a message that says what is wrong with it, and {@code fix}
   */
  public static void make(Path dir, String fix) throws IOException {
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
    if (Files.isSymbolicLink(dir)) {
      throw new IOException(dir + " is a symbolic link (to " + Files.readSymbolicLink(dir)
          + "), not a directory this node made" + fix);
    }
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      throw new IOException(dir + " exists and is not a directory" + fix);
    }
    int owner = (Integer) Files.getAttribute(dir, "unix:uid", NOFOLLOW);
    int me = me();
    if (owner != me) {
      throw new IOException(dir + " belongs to another user (uid " + owner + ", this node runs"
          + " as uid " + me + "), who could read or replace what is written there" + fix);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  /**
   * {@link #make}, where {@code dir} may be a symbolic link of this user's own, as an
   * administrator makes one to a shared file system: the directory it leads to is made private.
   * A link of another user's is refused.
   *
   * @return the directory made private
   */
  public static Path makeThroughOwnLink(Path dir, String fix) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      int owner = (Integer) Files.getAttribute(dir, "unix:uid", NOFOLLOW);
      if (owner != me()) {
        throw new IOException(dir + " is a symbolic link of another user's (uid " + owner
            + ", to " + Files.readSymbolicLink(dir) + "), who could point it elsewhere" + fix);
      }
      dir = dir.toRealPath();
    }
    make(dir, fix);
    return dir;
  }

  private static int me() throws IOException {
    return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
  }
}
