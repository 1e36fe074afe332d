package swamp.master.script;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The order bash sorts names in (a glob's matches; {@code ls}; {@code [[ a < b ]]}): the
 * collation of the script's locale ({@code LC_ALL}, else {@code LC_COLLATE}, else {@code LANG},
 * as the script has them at that line: {@code export LC_ALL=C} sorts by byte from there on), as
 * this machine's C library has it, which is where bash's comes from. Under {@code en_US.UTF-8}
 * bash lists {@code tas_CanESM2.nc} before {@code tas_CCSM4.nc} and {@code tas_2000_01.nc}
 * before {@code tas_2000.nc} (case and punctuation count last); under {@code C}, {@code POSIX}
 * and {@code C.UTF-8} it sorts by byte, as it does under a locale this machine does not have.
 * The order an {@code ncrcat} or {@code ncea} of a glob reads its inputs in is its output's, so
 * it must be bash's.
 */
final class Collation {
  private Collation() {}

  /** glibc's LC_COLLATE_MASK (1 << LC_COLLATE). */
  private static final int LC_COLLATE_MASK = 1 << 3;

  private static final Set<String> BY_BYTE = Set.of("", "C", "POSIX", "C.UTF-8", "C.utf8");

  /** The part of libc this needs, by C's names. */
  interface LibC extends Library {
    Pointer newlocale(int categoryMask, String locale, Pointer base);

    int strcoll_l(byte[] a, byte[] b, Pointer locale);
  }

  private static final Map<String, Comparator<String>> BY_NAME = new ConcurrentHashMap<>();

  /** How bash sorts names under the locale of the script's variables. */
  static Comparator<String> of(ShellState state) {
    String name = "";
    for (String variable : new String[] {"LC_ALL", "LC_COLLATE", "LANG"}) {
      String value = state.scalar(variable);
      if (value != null && !value.isEmpty()) {
        name = value;
        break;
      }
    }
    return of(name);
  }

  /** How bash sorts names under the locale {@code name}. */
  static Comparator<String> of(String name) {
    return BY_BYTE.contains(name) ? Comparator.naturalOrder()
        : BY_NAME.computeIfAbsent(name, Collation::collated);
  }

  private static Comparator<String> collated(String name) {
    LibC libc;
    Pointer locale;
    try {
      libc = Native.load("c", LibC.class);
      locale = libc.newlocale(LC_COLLATE_MASK, name, null); // null: not a locale of this machine's
    } catch (LinkageError | RuntimeException e) {
      return Comparator.naturalOrder(); // no glibc to ask: by character, as under C
    }
    if (locale == null) {
      return Comparator.naturalOrder(); // bash too falls back to C
    }
    Comparator<String> collated = (a, b) -> libc.strcoll_l(cString(a), cString(b), locale);
    // names that collate alike are ordered by character, so that the order is one order
    return collated.thenComparing(Comparator.naturalOrder());
  }

  private static byte[] cString(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(utf8, utf8.length + 1);
  }
}
