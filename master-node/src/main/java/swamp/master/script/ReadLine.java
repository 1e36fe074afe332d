package swamp.master.script;

import java.util.ArrayList;
import java.util.List;

/**
 * A line {@code read} took: its characters, which of them a backslash protected (they never
 * split), and whether its delimiter ended it; split by {@code IFS} as bash splits it.
 */
record ReadLine(StringBuilder text, List<Boolean> escaped, boolean ended) {

  /**
   * Its fields for {@code n} names: split at {@code IFS} characters, white space
   * among them in runs, the last field the rest of the line less its trailing white space.
   */
  List<String> fields(String ifs, int n) {
    List<String> fields = new ArrayList<>();
    CharSequence s = text;
    int len = s.length();
    int i = skipWhite(ifs, 0);
    while (i < len && fields.size() < n - 1) {
      int start = i;
      i = wordEnd(ifs, i);
      fields.add(s.subSequence(start, i).toString());
      i = pastDelimiter(ifs, i);
    }
    if (i < len) {
      // the last name: one more field, if that is all there is (a delimiter after it dropped),
      // else the rest of the line as it stands, less trailing white space
      int end = wordEnd(ifs, i);
      if (pastDelimiter(ifs, end) < len) {
        end = len;
        while (end > i && isWhite(ifs, end - 1)) {
          end--;
        }
      }
      fields.add(s.subSequence(i, end).toString());
    }
    return fields;
  }

  private int wordEnd(String ifs, int i) {
    while (i < text.length() && !isIfs(ifs, i)) {
      i++;
    }
    return i;
  }

  /** Past the white space after a field, one delimiter that is not white space, and white space. */
  private int pastDelimiter(String ifs, int i) {
    i = skipWhite(ifs, i);
    if (i < text.length() && isIfs(ifs, i) && !isWhite(ifs, i)) {
      i = skipWhite(ifs, i + 1);
    }
    return i;
  }

  private int skipWhite(String ifs, int i) {
    while (i < text.length() && isWhite(ifs, i)) {
      i++;
    }
    return i;
  }

  private boolean isIfs(String ifs, int i) {
    return !escaped.get(i) && ifs.indexOf(text.charAt(i)) >= 0;
  }

  private boolean isWhite(String ifs, int i) {
    char c = text.charAt(i);
    return isIfs(ifs, i) && (c == ' ' || c == '\t' || c == '\n');
  }
}
