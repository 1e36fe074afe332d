package swamp.master.dispatch;

/** When the master runs jobs itself, on its embedded worker ({@code swamp.master.local-exec}). */
public enum LocalExec {
  WHEN_NO_WORKERS, ALWAYS, NEVER;

  public static LocalExec parse(String s) {
    return switch (s) {
      case "when-no-workers" -> WHEN_NO_WORKERS;
      case "always" -> ALWAYS;
      case "never" -> NEVER;
      default -> throw new IllegalArgumentException(
          "local-exec must be when-no-workers, always or never, not '" + s + "'");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase().replace('_', '-');
  }
}
