package swamp.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The environment variables a job may not set unless a node allows them: those that make a
 * program load or run code other than its own. The dynamic loader's ({@code LD_*}, {@code
 * GCONV_PATH}, {@code GLIBC_TUNABLES}), the program search path ({@code PATH}), and the start-up
 * hooks of shells and interpreters ({@code BASH_ENV}, exported bash functions, {@code PYTHON*},
 * {@code PERL5OPT}...). An allowed program run with one of them set is no longer the program the
 * allow-list allowed. The master refuses them at submission, the worker before it starts a job.
 */
public final class JobVariables {
  private JobVariables() {}

  /** Names, or prefixes ending in {@code *}, with what they do. */
  public static final List<String> PROTECTED = List.of(
      "LD_*", "GCONV_PATH", "GLIBC_TUNABLES", "PATH",
      "BASH_ENV", "ENV", "BASH_FUNC_*", "SHELLOPTS", "BASHOPTS", "PS4", "ZDOTDIR",
      "PYTHON*", "PERL5OPT", "PERL5LIB", "PERLLIB", "PERL5DB", "RUBYOPT", "RUBYLIB",
      "NODE_OPTIONS", "NODE_PATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
      "LUA_INIT*");

  /**
   * Why {@code name} may not be set, or empty when it may: it is not protected, or {@code allowed}
   * (names or prefixes ending in {@code *}, as in {@link #PROTECTED}) holds it.
   */
  public static Optional<String> refusal(String name, Collection<String> allowed) {
    if (matches(name, allowed)) {
      return Optional.empty();
    }
    for (String p : PROTECTED) {
      if (matches(name, List.of(p))) {
        return Optional.of("env may not set " + name + " (" + p + " changes which code a program"
            + " loads or runs; a worker may allow it with swamp.worker.allowed-job-variables)");
      }
    }
    return Optional.empty();
  }

  /** Every refusal for the names in {@code names}, in their order. */
  public static List<String> refusals(Collection<String> names, Collection<String> allowed) {
    List<String> out = new ArrayList<>();
    names.forEach(n -> refusal(n, allowed).ifPresent(out::add));
    return out;
  }

  private static boolean matches(String name, Collection<String> patterns) {
    for (String p : patterns) {
      if (p.endsWith("*") ? name.startsWith(p.substring(0, p.length() - 1)) : name.equals(p)) {
        return true;
      }
    }
    return false;
  }
}
