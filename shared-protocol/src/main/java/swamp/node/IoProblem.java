package swamp.node;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;

/**
 * An I/O failure as a person reads it: the file and what is wrong with it. Java's file-system
 * exceptions carry only the path as their message ({@code NoSuchFileException: /srv/home}), so
 * a node that printed {@code getMessage()} said "cannot ...: /srv/home" and not why.
 */
public final class IoProblem {
  private IoProblem() {}

  /** {@code FILE: WHAT IS WRONG}, or the exception's own message where it says more. */
  public static String describe(IOException e) {
    if (!(e instanceof FileSystemException f) || f.getReason() != null) {
      return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
    String what;
    if (f instanceof NoSuchFileException) {
      what = "no such file or directory";
    } else if (f instanceof AccessDeniedException) {
      what = "permission denied";
    } else if (f instanceof FileAlreadyExistsException) {
      what = "it exists already";
    } else if (f instanceof NotDirectoryException) {
      what = "not a directory";
    } else if (f instanceof DirectoryNotEmptyException) {
      what = "the directory is not empty";
    } else if (f instanceof NotLinkException) {
      what = "not a symbolic link";
    } else {
      what = f.getClass().getSimpleName();
    }
    String file = f.getFile() != null ? f.getFile() : "";
    String other = f.getOtherFile() != null ? " -> " + f.getOtherFile() : "";
    return file.isEmpty() ? what : file + other + ": " + what;
  }
}
