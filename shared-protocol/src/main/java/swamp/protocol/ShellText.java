package swamp.protocol;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A job's command as a shell line, for people (swamp never runs it through a shell): each word
 * quoted as a shell would need it to read it back as that one word, pipes and redirections.
 */
public final class ShellText {

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private ShellText() {}

  /** {@code word} as sh reads it back as one word: as it is when nothing in it is special. */
  public static String quote(String word) {
    if (PLAIN.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /**
   * {@code word} for a line people read: as {@link #quote}, but one with a newline or another
   * control character, or an invisible one that changes how the line reads (Unicode's format
   * characters: a right-to-left override, a zero-width space), in bash's {@code $'...'} with
   * those written as escapes: the line stays one line, and reads as what runs (a right-to-left
   * override made {@code rm -rf 'U+202E' + 'cod.nc'} show as {@code rm -rf 'cn.doc'}).
   */
  static String shown(String word) {
    return word.codePoints().anyMatch(ShellText::unseen) ? dollarQuoted(word, true) : quote(word);
  }

  private static boolean unseen(int c) {
    return c < 0x20 || c == 0x7f || Character.getType(c) == Character.FORMAT;
  }

  /** {@code word} in bash's {@code $'...'}, as its {@code printf %q} writes one with a control character. */
  public static String dollarQuoted(String word) {
    return dollarQuoted(word, false);
  }

  private static String dollarQuoted(String word, boolean formatsEscaped) {
    StringBuilder b = new StringBuilder("$'");
    word.codePoints().forEach(c -> {
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        case '\'', '\\' -> b.append('\\').appendCodePoint(c);
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\%03o", c));
          } else if (formatsEscaped && Character.getType(c) == Character.FORMAT) {
            b.append(c > 0xffff ? String.format("\\U%08X", c) : String.format("\\u%04X", c));
          } else {
            b.appendCodePoint(c);
          }
        }
      }
    });
    return b.append('\'').toString();
  }

  /** {@code a x | b > out.txt}: the stages with their redirections, on one line. */
  public static String of(List<Stage> stages) {
    StringBuilder s = new StringBuilder();
    for (Stage stage : stages) {
      if (s.length() > 0) {
        s.append(" | ");
      }
      for (int i = 0; i < stage.argv().size(); i++) {
        s.append(i == 0 ? "" : " ").append(shown(stage.argv().get(i)));
      }
      String r = stage.redirected().shellText();
      if (!r.isEmpty()) {
        s.append(' ').append(r);
      }
    }
    return s.toString();
  }

  /** {@code text} cut to {@code max} characters and "...": a command in a message or a table's row. */
  public static String shortened(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }
}
