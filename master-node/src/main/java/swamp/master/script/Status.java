package swamp.master.script;

/** The status of what ran last while planning: known, or that of a planned command (its step). */
record Status(int code, int step) {
  static final Status OK = new Status(0, -1);
  static final Status FAIL = new Status(1, -1);

  static Status of(int code) {
    return code == 0 ? OK : new Status(code, -1);
  }

  boolean known() {
    return step < 0;
  }
}
