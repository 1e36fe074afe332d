package swamp.master.script;

/** {@code break}, {@code continue}, {@code return} and {@code exit}, unwinding the tree walk. */
final class Jump extends RuntimeException {
  private static final long serialVersionUID = 1L;

  enum Kind { BREAK, CONTINUE, RETURN, EXIT }

  final Kind kind;
  /** Loops left for break/continue; the status for return/exit. */
  final int value;

  Jump(Kind kind, int value) {
    super(null, null, false, false);
    this.kind = kind;
    this.value = value;
  }

  static Jump exit(int status) {
    return new Jump(Kind.EXIT, status);
  }

  boolean is(Kind k) {
    return kind == k;
  }
}
