// A run's commands as a graph: each command a box in the layer after the deepest command it
// depends on, an edge from each dependency, coloured by the state of its newest job.
"use strict";
const SwampGraph = (() => {
  const W = 200, H = 34, GAP_X = 60, GAP_Y = 14, NS = "http://www.w3.org/2000/svg";
  const CHARS = 28; // of 11px monospace in a box W wide
  const COLOURS = { WAITING: "#fff", QUEUED: "#ddd", RUNNING: "#fc6", SUCCEEDED: "#9d9",
    FAILED: "#f88", CANCELLED: "#bbb", DECISION: "#eef", NOT_RUN: "#f4f4f4" };

  function layers(commands) {
    const depth = new Map();
    const byStep = new Map(commands.map(c => [c.step, c]));
    const visit = (c, seen) => {
      if (depth.has(c.step)) return depth.get(c.step);
      if (seen.has(c.step)) return 0; // a cycle cannot happen; never loop if it did
      seen.add(c.step);
      let d = 0;
      for (const s of c.dependsOn || []) {
        if (byStep.has(s)) d = Math.max(d, visit(byStep.get(s), seen) + 1);
      }
      depth.set(c.step, d);
      return d;
    };
    commands.forEach(c => visit(c, new Set()));
    return depth;
  }

  /** A line of a box, cut to what its width holds. */
  function fit(line) {
    return line.length > CHARS ? line.slice(0, CHARS - 1) + "\u2026" : line;
  }

  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** What the graph was drawn from, and the step selected: a redraw of the same commands keeps it all. */
  let drawn = null, selected = null;

  /**
   * Draws {commands} in {container} and says in {details} the whole of the selected command (a
   * click, or Enter or Space on a box the keyboard reached). A box that had the focus keeps it
   * through a redraw; nothing is drawn again while the commands stay as they are.
   */
  function draw(container, commands, details) {
    const from = details.dataset.run + JSON.stringify(commands);
    if (drawn && drawn.from === from && drawn.container === container) return;
    const focused = container.contains(document.activeElement) ? document.activeElement.dataset.step : null;
    if (drawn && drawn.run !== details.dataset.run) selected = null; // another run
    const depth = layers(commands);
    const rows = new Map();
    const pos = new Map();
    for (const c of commands) {
      const d = depth.get(c.step);
      const r = rows.get(d) || 0;
      rows.set(d, r + 1);
      pos.set(c.step, { x: 10 + d * (W + GAP_X), y: 10 + r * (H + GAP_Y) });
    }
    const width = 20 + (Math.max(0, ...depth.values()) + 1) * (W + GAP_X);
    const height = 20 + Math.max(1, ...rows.values()) * (H + GAP_Y);
    const svg = el("svg", { width, height, viewBox: `0 0 ${width} ${height}` });
    for (const c of commands) {
      const to = pos.get(c.step);
      for (const s of c.dependsOn || []) {
        const from = pos.get(s);
        if (!from) continue;
        svg.appendChild(el("path", { d: `M${from.x + W},${from.y + H / 2} C${from.x + W + GAP_X / 2},`
          + `${from.y + H / 2} ${to.x - GAP_X / 2},${to.y + H / 2} ${to.x},${to.y + H / 2}`,
          fill: "none", stroke: "#999" }));
      }
    }
    for (const c of commands) {
      const p = pos.get(c.step);
      const g = el("g", { class: "node", "data-step": c.step, "data-state": c.state, tabindex: 0,
        role: "button", "aria-label": `line ${c.line}: ${c.text}, ${c.state}` });
      g.appendChild(el("rect", { x: p.x, y: p.y, width: W, height: H, rx: 4,
        fill: COLOURS[c.state] || "#fff", stroke: "#666",
        "stroke-dasharray": c.state === "NOT_RUN" ? "4 3" : "none" }));
      const how = c.state + (c.job ? " \u00b7 " + c.job : "") + (c.worker ? " @ " + c.worker : "");
      g.appendChild(el("text", { x: p.x + 6, y: p.y + 14 }, fit(`${c.step}: ${c.text}`)));
      g.appendChild(el("text", { x: p.x + 6, y: p.y + 28, fill: "#333" }, fit(how))); // 4.5:1 on every state's colour
      g.appendChild(el("title", {}, `line ${c.line}: ${c.text}\n${how}`));
      g.addEventListener("click", () => select(svg, c, details));
      g.addEventListener("keydown", e => {
        if (e.key !== "Enter" && e.key !== " ") return;
        e.preventDefault();
        select(svg, c, details);
      });
      svg.appendChild(g);
    }
    container.replaceChildren(svg);
    drawn = { from, container, run: details.dataset.run, commands };
    const again = commands.find(c => c.step === (selected && selected.step));
    if (again) select(svg, again, details); else { selected = null; details.hidden = true; }
    if (focused !== null && focused !== undefined) {
      const box = svg.querySelector(`g.node[data-step="${focused}"]`);
      if (box) box.focus();
    }
  }

  /** Marks {c}'s box selected and shows the whole of its command, its state, job and worker. */
  function select(svg, c, details) {
    selected = c;
    svg.querySelectorAll("g.node.selected").forEach(n => n.classList.remove("selected"));
    const box = svg.querySelector(`g.node[data-step="${c.step}"]`);
    if (box) box.classList.add("selected");
    details.hidden = false;
    const job = c.job ? Object.assign(document.createElement("a"), { href: "#job/" + c.job, textContent: c.job }) : null;
    const how = [c.state, c.exitCode !== null && c.exitCode !== undefined ? `exit ${c.exitCode}` : null,
      c.worker ? "on " + c.worker : null].filter(Boolean).join(", ");
    const text = details.querySelector(".command");
    if (text.textContent !== c.text) text.textContent = c.text; // a selection in it stays
    const facts = details.querySelector(".facts");
    facts.replaceChildren(`step ${c.step}, line ${c.line} \u00b7 ${how}`, ...(job ? [" \u00b7 job ", job] : []));
  }

  /** Selects step {step}'s box as a click would, scrolled into view and focused: a run may be 40,000 px tall. */
  function reveal(step, details) {
    const c = drawn && drawn.commands.find(x => x.step === step);
    const box = drawn && drawn.container.querySelector(`g.node[data-step="${step}"]`);
    if (!c || !box) return;
    select(box.ownerSVGElement, c, details);
    box.scrollIntoView({ block: "center", inline: "center" });
    box.focus();
  }

  /** The most failed commands {summary} lists, each a button to its box. */
  const LISTED = 20;

  /**
   * Says in {summary} how many of {commands} are in each state, and lists those that failed
   * (the first {@link LISTED}), each a button that shows its box; drawn again only when that changed.
   */
  function summarize(summary, commands, details) {
    const counts = {};
    commands.forEach(c => { counts[c.state] = (counts[c.state] || 0) + 1; });
    const failed = commands.filter(c => c.state === "FAILED");
    const from = JSON.stringify([counts, failed.map(c => c.step)]);
    if (summary.dataset.from === from) return; // a button in it keeps the focus
    summary.dataset.from = from;
    const parts = [plural(commands.length, "command") + ": "
      + Object.entries(counts).map(([k, n]) => `${n} ${k.toLowerCase().replace("_", " ")}`).join(", ") + "."];
    if (failed.length) parts.push(` Failed${failed.length > LISTED ? ` (the first ${LISTED} of ${failed.length})` : ""}: `);
    failed.slice(0, LISTED).forEach(c => {
      const b = Object.assign(document.createElement("button"), { textContent: `step ${c.step}`,
        title: `line ${c.line}: ${c.text}` });
      b.addEventListener("click", () => reveal(c.step, details));
      parts.push(b, " ");
    });
    summary.replaceChildren(...parts);
  }

  return { draw, summarize };
})();
