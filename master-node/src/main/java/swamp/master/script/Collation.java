package swamp.master.script;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Set;

/**
 * The order bash sorts names in (a glob's matches; {@code ls}; {@code [[ a < b ]]}): the
 * collation of the locale the script runs in ({@code LC_ALL}, else {@code LC_COLLATE}, else
 * {@code LANG}), as this machine's C library has it, which is where bash's comes from. Under
 * {@code en_US.UTF-8} bash lists {@code tas_CanESM2.nc} before {@code tas_CCSM4.nc} and {@code
 * tas_2000_01.nc} before {@code tas_2000.nc} (case and punctuation count last); under {@code C},
 * {@code POSIX} and {@code C.UTF-8} it sorts by byte, as does a locale this machine does not
 * have (bash then falls back to {@code C}). The order an {@code ncrcat} or {@code ncea} of a
 * glob reads its inputs in is its output's, so it must be bash's.
 *
 * <p>The planner runs in the client's process, whose environment is the script's: the locale is
 * read once, through glibc's {@code setlocale} and {@code strcoll}.
 */
final class Collation {
  private Collation() {}

  /** glibc's LC_COLLATE. */
  private static final int LC_COLLATE = 3;

  private static final Set<String> BY_BYTE = Set.of("C", "POSIX", "C.UTF-8", "C.utf8");

  /** The part of libc this needs, by C's names. */
  interface LibC extends Library {
    String setlocale(int category, String locale);

    int strcoll(byte[] a, byte[] b);
  }

  /** The order of this process's locale, found out once. */
  private static final class Holder {
    static final Comparator<String> ORDER = ofEnvironment();
  }

  /** How bash, in the locale of this process's environment, sorts names. */
  static Comparator<String> order() {
    return Holder.ORDER;
  }

  private static Comparator<String> ofEnvironment() {
    LibC libc;
    String locale;
    try {
      libc = Native.load("c", LibC.class);
      locale = libc.setlocale(LC_COLLATE, ""); // null: a locale this machine does not have
    } catch (LinkageError | RuntimeException e) {
      return Comparator.naturalOrder(); // no glibc to ask: by character, as under C
    }
    if (locale == null || BY_BYTE.contains(locale)) {
      return Comparator.naturalOrder();
    }
    Comparator<String> collated = (a, b) -> libc.strcoll(cString(a), cString(b));
    // names that collate alike are ordered by character, so that the order is one order
    return collated.thenComparing(Comparator.naturalOrder());
  }

  private static byte[] cString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(utf8, utf8.length + 1);
  }
}
