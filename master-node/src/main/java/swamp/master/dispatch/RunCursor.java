package swamp.master.dispatch;

/**
 * Where a follower of a run stands in its log of ended jobs: {@code log} names the log (a
 * master that rebuilt its book has a new one, and a cursor of another log reads from the
 * start), {@code seen} how many of its entries the follower has.
 */
public record RunCursor(String log, int seen) {

  public static final RunCursor START = new RunCursor("", 0);

  /** Reads a cursor as {@link #toString} wrote it; {@link #START} for null or "". */
  public static RunCursor parse(String text) {
    if (text == null || text.isEmpty()) {
      return START;
    }
    int dot = text.indexOf('.');
    try {
      if (dot <= 0) {
        throw new NumberFormatException();
      }
      int seen = Integer.parseInt(text.substring(dot + 1));
      if (seen < 0) {
        throw new NumberFormatException();
      }
      return new RunCursor(text.substring(0, dot), seen);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a cursor this master gave"
          + " (the \"next\" of an earlier answer, such as 5f3a9c.12)");
    }
  }

  @Override
  public String toString() {
    return log + "." + seen;
  }
}
