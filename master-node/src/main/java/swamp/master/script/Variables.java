package swamp.master.script;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import swamp.master.script.Ast.Node;
import swamp.master.script.Ast.Word;

/**
 * Assignments and the builtins that declare variables ({@code export}, {@code local}, {@code
 * declare}, {@code typeset}, {@code readonly}): scalars, indexed arrays ({@code a=(x y)}, {@code
 * a[i]=v}, {@code a=([3]=x)}) and associative ones ({@code declare -A m=([k]=v)}), the
 * variables each function call's {@code local}s shadow until it returns, and the functions
 * {@code export -f} passes on ({@link ShellState#exportedFunctions}).
 */
final class Variables {

  /**
   * A subscript's text, without its brackets: an expansion in it may hold brackets of its own
   * ({@code cfg[${BASH_REMATCH[1]}]=v}, {@code a[$((i[0] + 1))]=v}, {@code a[n[i]]=v}).
   */
  private static final String SUBSCRIPT = "((?:\\$\\{[^}]*\\}|\\$\\([^)]*\\)|\\[[^\\]]*\\]|[^\\]])*+)";
  /** A word that assigns: {@code NAME=}, {@code NAME+=}, {@code NAME[i]=}. */
  static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(\\[" + SUBSCRIPT + "\\])?(\\+?)=(.*)", Pattern.DOTALL);
  /** A variable a builtin names: {@code NAME} or {@code NAME[key]}. */
  private static final Pattern NAMED = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(\\[(.*)\\])?", Pattern.DOTALL);
  /** An item {@code [key]=value} of a compound assignment. */
  private static final Pattern KEYED = Pattern.compile("\\[" + SUBSCRIPT + "\\]=(.*)", Pattern.DOTALL);

  private final ShellState state;
  private final Expander expander;
  /** The script's functions: {@code export -f} names only those. */
  private final Map<String, Ast.FunctionDef> functions;
  /** Per function call, the variables its 'local's shadow, to restore at return. */
  private final Deque<Map<String, ShellState.Var>> localFrames = new ArrayDeque<>();

  Variables(ShellState state, Expander expander, Map<String, Ast.FunctionDef> functions) {
    this.state = state;
    this.expander = expander;
    this.functions = functions;
  }

  /**
   * Carries out an assignment word: {@code NAME=value}, {@code NAME+=value}, {@code
   * NAME[i]=value} or an array, {@code NAME=(a b c)}.
   */
  Status assign(Word w) {
    Matcher m = ASSIGNMENT.matcher(w.raw());
    m.matches();
    String name = m.group(1);
    String subscript = m.group(3);
    boolean append = !m.group(4).isEmpty();
    String value = m.group(5);
    state.writable(name, w.line());
    if (value.startsWith("(") && value.endsWith(")") && subscript == null) {
      List<Word> items = new ArrayList<>();
      for (Ast.Node n : List.of(parseInner(value.substring(1, value.length() - 1), w.line()))) {
        if (n instanceof Ast.Simple s && s.redirects().isEmpty()) {
          items.addAll(s.words());
        } else if (n instanceof Ast.Sequence q) {
          for (Node item : q.items()) {
            if (item instanceof Ast.Simple s2) {
              items.addAll(s2.words());
            }
          }
        }
      }
      // every item expanded first: a command substitution among them runs in a subshell, which
      // puts the variables back as copies when it ends
      ShellState.Var declared = state.vars.get(name);
      boolean associative = declared != null && declared.associative();
      List<String[]> keyed = new ArrayList<>(); // [key or null, value]
      for (Word item : items) {
        Matcher k = KEYED.matcher(item.raw());
        if (k.matches()) { // ([key]=value ...) or ([3]=value ...)
          keyed.add(new String[] {expander.expandString(k.group(1), item.line()),
              expander.expandString(k.group(2), item.line())});
        } else if (associative) {
          throw Refusal.at(item.line(), name + ": '" + item.raw() + "': an associative array is set"
              + " with [key]=value");
        } else {
          for (String word : expander.expandWords(List.of(item))) {
            keyed.add(new String[] {null, word});
          }
        }
      }
      ShellState.Var v = state.vars.computeIfAbsent(name, x -> new ShellState.Var());
      if (!append) {
        v.values.clear();
        if (v.associative()) {
          v.byKey.clear();
        }
      }
      v.array = true;
      long next = v.values.isEmpty() ? 0 : v.values.lastKey() + 1;
      for (String[] kv : keyed) {
        if (v.associative()) {
          v.byKey.put(kv[0], v.integer ? Long.toString(expander.arith(kv[1].isEmpty() ? "0" : kv[1], w.line())) : kv[1]);
        } else {
          if (kv[0] != null) {
            next = expander.arith(kv[0], w.line());
          }
          // declare -ai a=(1+1 2*3): each value evaluated
          v.values.put(next++, v.integer ? Long.toString(expander.arith(kv[1].isEmpty() ? "0" : kv[1], w.line())) : kv[1]);
        }
      }
      return Status.OK;
    }
    String expanded = expander.expandString(value, w.line());
    // the subscript expanded before the variable is taken (see the compound assignment above)
    String key = subscript == null ? null : expander.expandString(subscript, w.line());
    return store(name, key, append, expanded, w.line());
  }

  /**
   * Sets a variable that a builtin names, {@code printf -v NAME} or {@code printf -v 'NAME[i]'},
   * to {@code value}, as an assignment of it would: the name and its subscript are as expanded.
   */
  Status assignNamed(String target, String value, int line) {
    Matcher m = NAMED.matcher(target);
    if (!m.matches()) {
      state.assign(target, value, line); // bash's 'not a valid identifier'
      return Status.OK;
    }
    state.writable(m.group(1), line);
    return store(m.group(1), m.group(3), false, value, line);
  }

  /** {@code NAME=value} or {@code NAME[key]=value} (appended with {@code +=}), by the variable's attributes. */
  private Status store(String name, String key, boolean append, String expanded, int line) {
    ShellState.Var declared = state.vars.get(name);
    boolean associative = declared != null && declared.associative();
    long index = key == null || associative ? 0 : expander.arith(key, line);
    if (index < 0) { // a[-1]=v: counted back from the last element, as bash's
      index = declared == null || declared.values.isEmpty() ? index : declared.values.lastKey() + 1 + index;
      if (index < 0) {
        throw new Refusal.Aborted(name + "[" + key + "]: bad array subscript", line, name + "[" + key
            + "]: a subscript before the array's first element is an error here, where bash's stop"
            + " cannot be planned", true);
      }
    }
    if (declared != null && declared.integer) { // declare -i: n=5+2 is 7, n+=2 adds (m[k]+=2 too)
      long v = expander.arith(expanded.isEmpty() ? "0" : expanded, line);
      String old = key == null ? declared.values.get(0L)
          : associative ? declared.byKey.get(key) : declared.values.get(index);
      expanded = Long.toString(append && old != null && !old.isEmpty()
          ? expander.arith(old, line) + v : v);
      append = false;
    }
    if (declared != null && declared.letterCase != 0) { // declare -l / -u
      expanded = declared.letterCase == 'l' ? expanded.toLowerCase(java.util.Locale.ROOT)
          : expanded.toUpperCase(java.util.Locale.ROOT);
    }
    if (key != null) {
      ShellState.Var v = state.vars.computeIfAbsent(name, x -> new ShellState.Var());
      v.array = true;
      if (associative) {
        v.byKey.put(key, append ? v.byKey.getOrDefault(key, "") + expanded : expanded);
        return Status.OK;
      }
      v.values.put(index, append ? v.values.getOrDefault(index, "") + expanded : expanded);
    } else {
      state.assign(name, append ? Objects.requireNonNullElse(state.scalar(name), "") + expanded : expanded, line);
    }
    return Status.OK;
  }

  private static Node parseInner(String text, int line) {
    try {
      return ShellParser.parse(text, line);
    } catch (ScriptException e) {
      throw new Refusal(e);
    }
  }

  // ---- function calls: the variables their 'local's shadow ----

  /** A function is called: its 'local's shadow variables until it returns. */
  void enterFunction() {
    localFrames.push(new HashMap<>());
  }

  /** The function called last returns: the variables its 'local's shadowed are back. */
  void leaveFunction() {
    Map<String, ShellState.Var> frame = localFrames.pop();
    frame.forEach((name, old) -> {
      if (old == null) {
        state.vars.remove(name);
      } else {
        state.vars.put(name, old);
      }
    });
  }

  /** How many function calls are open. */
  int functionDepth() {
    return localFrames.size();
  }

  /** Remembers a variable's value before a 'local' changes it, to restore at return. */
  private void declareLocal(String name) {
    Map<String, ShellState.Var> frame = localFrames.peek();
    if (frame != null && !frame.containsKey(name)) {
      ShellState.Var old = state.vars.get(name);
      frame.put(name, old == null ? null : old.copy());
    }
  }

  /** {@code export}, {@code local}, {@code declare}, {@code typeset} or {@code readonly}. */
  Status declare(String name, Ast.Simple c, int line) {
    boolean export = name.equals("export");
    boolean unexport = false;
    boolean readonly = name.equals("readonly");
    boolean array = false;
    boolean associative = false;
    boolean integer = false;
    char letterCase = 0;
    List<Word> words = c.words();
    int start = 1;
    for (; start < words.size(); start++) {
      String raw = words.get(start).raw();
      if (!raw.startsWith("-") && !raw.startsWith("+")) {
        break;
      }
      associative |= raw.startsWith("-") && raw.contains("A");
      if (raw.contains("f") && !raw.startsWith("+")) {
        throw Refusal.at(line, name + " " + raw + " is not supported");
      }
      if (raw.startsWith("-") && raw.contains("n") && name.equals("export")) { // export -n NAME
        unexport = true;
        continue;
      }
      if (raw.startsWith("-") && raw.contains("n") && !export) {
        throw Refusal.at(line, name + " " + raw + " (a name reference) is not supported; pass the"
            + " variable's name and read it with ${!name}");
      }
      array |= raw.contains("a");
      integer |= raw.startsWith("-") && raw.contains("i");
      if (raw.startsWith("-") && (raw.contains("l") || raw.contains("u"))) {
        letterCase = raw.lastIndexOf('l') > raw.lastIndexOf('u') ? 'l' : 'u';
      }
      export |= raw.startsWith("-") && raw.contains("x");
      unexport |= raw.startsWith("+") && raw.contains("x");
      readonly |= raw.startsWith("-") && raw.contains("r");
    }
    for (Word w : words.subList(start, words.size())) {
      Matcher m = ASSIGNMENT.matcher(w.raw());
      String var;
      if (m.matches()) {
        var = m.group(1);
        if (name.equals("local")) {
          state.writable(var, line);
          declareLocal(var);
          state.vars.remove(var);
        }
        if (associative) {
          makeAssociative(var, line);
        }
        if (integer) {
          state.vars.computeIfAbsent(var, x -> new ShellState.Var()).integer = true;
        }
        if (letterCase != 0) {
          state.vars.computeIfAbsent(var, x -> new ShellState.Var()).letterCase = letterCase;
        }
        assign(w);
      } else {
        var = expander.expandString(w.raw(), line);
        if (!ShellState.NAME.matcher(var).matches()) {
          throw Refusal.at(line, name + ": '" + var + "': not a valid identifier");
        }
        if (name.equals("local")) {
          state.writable(var, line);
          declareLocal(var);
          state.vars.remove(var);
        }
        if (array) {
          state.vars.computeIfAbsent(var, x -> new ShellState.Var()).array = true;
        }
        if (associative) {
          makeAssociative(var, line);
        }
        if (integer) {
          state.vars.computeIfAbsent(var, x -> new ShellState.Var()).integer = true;
        }
        if (letterCase != 0) {
          state.vars.computeIfAbsent(var, x -> new ShellState.Var()).letterCase = letterCase;
        }
      }
      if (export && !unexport) {
        state.vars.computeIfAbsent(var, x -> new ShellState.Var()).exported = true;
      }
      if (unexport && state.vars.containsKey(var)) {
        state.vars.get(var).exported = false;
      }
      if (readonly) {
        state.vars.computeIfAbsent(var, x -> new ShellState.Var()).readonly = true;
      }
    }
    return Status.OK;
  }

  /**
   * Whether {@code name args} exports or unexports functions: {@code export -f NAME...},
   * {@code export -fn NAME}, {@code declare -fx NAME}.
   */
  static boolean exportsFunctions(String name, List<String> args) {
    List<String> options = args.subList(0, args.size() - Declared.names(args).size()).stream()
        .filter(a -> !a.equals("--")).toList();
    return !Declared.names(args).isEmpty() && options.stream().anyMatch(a -> a.startsWith("-") && a.contains("f"))
        && (name.equals("export") || options.stream().anyMatch(a -> a.contains("x")))
        && options.stream().noneMatch(a -> a.contains("p"));
  }

  /**
   * {@code export -f NAME...}: the functions a bash that this script starts has ({@code bash -c
   * 'f'}, {@code xargs bash -c}, {@code parallel f ::: ...}), as bash passes them on in the
   * environment; {@code -n} takes them back. A name that is no function is bash's error, status 1.
   */
  Status exportFunctions(List<String> args, int line) {
    List<String> options = args.subList(0, args.size() - Declared.names(args).size());
    boolean unexport = options.stream().anyMatch(a -> a.startsWith("-") && a.contains("n") || a.startsWith("+") && a.contains("x"));
    for (String f : Declared.names(args)) {
      if (!functions.containsKey(f)) {
        throw new Refusal.Failed("export: " + f + ": not a function", line, f + " is not a function");
      }
      if (unexport) {
        state.exportedFunctions.remove(f);
      } else {
        state.exportedFunctions.add(f);
      }
    }
    return Status.OK;
  }

  /** {@code declare -A NAME}: an associative array, empty unless it is one already. */
  private void makeAssociative(String var, int line) {
    ShellState.Var v = state.vars.computeIfAbsent(var, x -> new ShellState.Var());
    if (v.associative()) {
      return;
    }
    if (v.array && !v.values.isEmpty()) {
      throw Refusal.at(line, var + ": cannot convert an indexed array to an associative one");
    }
    v.byKey = new LinkedHashMap<>();
    if (v.values.containsKey(0L)) { // a scalar becomes its element "0", as in bash
      v.byKey.put("0", v.values.remove(0L));
    }
    v.array = true;
  }
}
