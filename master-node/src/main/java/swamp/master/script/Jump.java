package swamp.master.script;

/** {@code break}, {@code continue}, {@code return} and {@code exit}, unwinding the tree walk. */
final class Jump extends RuntimeException {
  private static final long serialVersionUID = 1L;

  enum Kind { BREAK, CONTINUE, RETURN, EXIT }

  final Kind kind;
  /** Loops left for break/continue; the status for return/exit. */
  final int value;
  /** A bare {@code exit} after a job: that job's step, whose status it exits with; else -1. */
  final int ofStep;

  Jump(Kind kind, int value) {
    this(kind, value, -1);
  }

  Jump(Kind kind, int value, int ofStep) {
    super(null, null, false, false);
    this.kind = kind;
    this.value = value;
    this.ofStep = ofStep;
  }

  static Jump exit(int status) {
    return new Jump(Kind.EXIT, status);
  }

  /** The status a return or exit leaves: its value, or the job's it follows. */
  Status status() {
    return ofStep >= 0 ? new Status(0, ofStep) : Status.of(value);
  }

  boolean is(Kind k) {
    return kind == k;
  }
}
