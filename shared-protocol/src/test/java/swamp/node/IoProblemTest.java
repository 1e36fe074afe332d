package swamp.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoProblemTest {
  /**
   * A master whose HOME did not exist said "cannot make its pool key or use its worker's
   * directory: /srv/nohome", a worker given --work-dir under /proc "cannot read the pool key or
   * use the work directory: /proc/x": the path, never what was wrong with it.
   */
  @Test
  void aFileSystemFailureSaysWhatIsWrongWithTheFile(@TempDir Path dir) {
    NoSuchFileException missing = assertThrows(NoSuchFileException.class,
        () -> Files.createDirectory(dir.resolve("no/such")));
    assertEquals(dir.resolve("no/such") + ": no such file or directory",
        IoProblem.describe(missing));
    assertEquals("/etc/shadow: permission denied",
        IoProblem.describe(new AccessDeniedException("/etc/shadow")));
    assertEquals("/srv/x: Read-only file system",
        IoProblem.describe(new FileSystemException("/srv/x", null, "Read-only file system")));
    assertEquals("disk full", IoProblem.describe(new IOException("disk full")));
  }
}
