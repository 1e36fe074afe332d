// The pool page's tables: workers and spawns, worker sources, jobs (filtered) and runs, drawn
// from the dashboard's state (dashboard.js), which calls drawPool when it changed.
"use strict";

/** The zone the page shows times in, the browser's, named where times are shown ("CET", "UTC"). */
const ZONE = (new Intl.DateTimeFormat(undefined, { timeZoneName: "short" }).formatToParts(new Date())
  .find(p => p.type === "timeZoneName") || { value: "local time" }).value;

/** A time of the API's (ISO, UTC) in the browser's zone, as "2026-12-06 08:21:21"; "" for none. */
function when(t) {
  const d = t ? new Date(t) : null;
  if (!d || isNaN(d)) return t || "";
  const p = n => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} `
    + `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** How long from one time of the API's to another: "850 ms", "4.2 s", "3 min 4 s", "2 h 5 min". */
function took(from, to) {
  const ms = from && to ? Date.parse(to) - Date.parse(from) : NaN;
  if (!(ms >= 0)) return "";
  if (ms < 1000) return ms + " ms";
  const s = Math.round(ms / 1000);
  if (ms < 10000) return (ms / 1000).toFixed(1) + " s";
  if (s < 60) return s + " s";
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor(s % 3600 / 60)} min`;
}

/** How long a finished job ran: from its process's start to its end; "" for any other. */
const jobTook = j => FINAL.has(j.state) ? took(j.startedAt, j.finishedAt) : "";

// every column of times says in which zone they are
document.querySelectorAll("th.time").forEach(th => { th.textContent += ` (${ZONE})`; });

function cell(tr, text, cls) {
  const td = document.createElement("td");
  if (text instanceof Node) td.appendChild(text); else td.textContent = text ?? "";
  if (cls) td.className = cls;
  if (cls === "long") td.title = td.textContent; // cut short on the line; whole when pointed at
  tr.appendChild(td);
  return td;
}

function badge(text) {
  const s = document.createElement("span");
  s.className = "state " + text;
  s.textContent = text;
  return s;
}

function slots(w) {
  const span = document.createElement("span");
  span.title = `${w.busy} busy of ${w.slots}`;
  for (let i = 0; i < w.slots; i++) {
    const b = document.createElement("span");
    b.className = "slot " + (i < w.busy ? "busy" : "free");
    span.appendChild(b);
  }
  return span;
}

function button(text, onClick) {
  const b = document.createElement("button");
  b.textContent = text;
  b.className = "danger";
  b.addEventListener("click", e => { e.stopPropagation(); onClick(b); });
  return b;
}

function drawSummary() {
  const h = state.health;
  if (h) {
    // jobs a worker was given ahead of a free slot are RUNNING to the API, and wait there
    const ahead = state.workers.reduce((n, w) => n + (w.waiting || 0), 0);
    $("#summary").textContent = `${plural(state.workers.length, "worker")} \u00b7 ${h.queued} queued \u00b7 `
      + `${h.running - ahead} running` + (ahead ? ` \u00b7 ${ahead} next on a worker` : "")
      + ` \u00b7 ${h.succeeded} succeeded \u00b7 ${h.failed} failed \u00b7 ${h.cancelled} cancelled`;
  }
}

/** A worker's jobs: those it runs, then those it holds for its next free slot. */
function workerJobs(w) {
  const jobs = w.jobs || [];
  const ahead = Math.min(w.waiting || 0, jobs.length);
  const running = jobs.slice(0, jobs.length - ahead).join(" ");
  return ahead ? `${running} \u00b7 next: ${jobs.slice(jobs.length - ahead).join(" ")}` : running;
}

const plural = (n, what) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** A link to a job's or a run's page: the row opens with a click, the link also with the keyboard. */
function link(id, page) {
  return Object.assign(document.createElement("a"), { href: `#${page}/${id}`, textContent: id });
}

function drawPool() {
  drawSummary();
  const wb = $("#workers tbody");
  wb.replaceChildren();
  for (const w of [...state.workers, ...state.spawns]) {
    const tr = document.createElement("tr");
    tr.dataset.worker = w.id;
    cell(tr, w.id);
    cell(tr, w.host);
    cell(tr, w.source || "joined");
    cell(tr, slots(w));
    cell(tr, badge(w.state));
    cell(tr, (w.capabilities || []).join(", "));
    cell(tr, walltimeLeft(w));
    cell(tr, workerJobs(w), "long");
    const leaving = w.draining || w.state === "draining" || w.state === "retiring";
    cell(tr, w.registeredAt ? Object.assign(button("Dismiss", b => dismiss(w.id, b)),
      leaving ? { disabled: true, title: "dismissed: it finishes its jobs, then exits" } : {}) : "");
    wb.appendChild(tr);
  }
  const own = ownWorker();
  if (own) wb.appendChild(own);
  $("#no-workers").hidden = wb.children.length > 0;
  $("#dismiss-all").disabled = !state.workers.some(w => !w.draining); // the master's own is never dismissed
  const sb = $("#sources tbody");
  sb.replaceChildren();
  for (const s of state.sources) {
    const tr = document.createElement("tr");
    tr.dataset.source = s.name;
    [s.name, s.launcher, s.registered, s.pending, s.spawned, s.failed, when(s.backingOffUntil)]
      .forEach(v => cell(tr, v));
    cell(tr, s.lastFailure || "", "long");
    sb.appendChild(tr);
  }
  $("#no-sources").hidden = state.sources.length > 0;
  drawJobs();
  drawRuns();
}

/**
 * The master's own worker, which runs jobs under local-exec (when there is no worker, or
 * always): a row of its own, with no Dismiss button, else its jobs would seem to run nowhere.
 */
function ownWorker() {
  const h = state.health;
  if (!h || !h.local || h.localExec === "never") return null;
  const w = h.local;
  const used = h.localExec === "always" || h.workers === 0;
  const tr = document.createElement("tr");
  tr.dataset.worker = "master";
  cell(tr, `master (local-exec ${h.localExec})`);
  cell(tr, w.host);
  cell(tr, "the master itself");
  cell(tr, slots(w));
  cell(tr, used ? badge("registered") : "not used while workers are registered");
  cell(tr, (w.capabilities || []).join(", "));
  cell(tr, "");
  cell(tr, (w.jobs || []).join(" "), "long");
  cell(tr, "");
  return tr;
}

function walltimeLeft(w) {
  const source = state.sources.find(s => s.name === w.source);
  if (!source || !source.walltimeSeconds || !w.spawnedAt) return "";
  const left = Date.parse(w.spawnedAt) + source.walltimeSeconds * 1000 - Date.now();
  return left > 0 ? Math.round(left / 60000) + " min" : "over";
}

function drawJobs() {
  const f = { state: $("#f-state").value, worker: $("#f-worker").value.trim(),
    program: $("#f-program").value.trim(), run: $("#f-run").value.trim() };
  const held = state.ofState && state.ofState.state === f.state
    ? new Map([...state.ofState.jobs, ...state.jobs]) : state.jobs;
  const rows = [...held.values()].filter(j => (!f.state || j.state === f.state)
      && (!f.worker || (j.worker || "").includes(f.worker))
      && (!f.program || (j.argv[0] || "").includes(f.program))
      && (!f.run || (j.run || "") === f.run))
    .sort((a, b) => seq(b.id) - seq(a.id));
  const tb = $("#jobs tbody");
  tb.replaceChildren();
  for (const j of rows) {
    const tr = document.createElement("tr");
    tr.dataset.job = j.id;
    cell(tr, link(j.id, "job"));
    const st = cell(tr, badge(j.state), "state-cell");
    if (j.state === "QUEUED" && j.reason) { // it waits for a worker no one has: say so on the row
      const stuck = document.createElement("span");
      stuck.className = "stuck";
      stuck.textContent = "no worker can take it";
      stuck.title = j.reason;
      st.append(" ", stuck);
    }
    cell(tr, j.command || j.argv.join(" "), "long");
    cell(tr, j.worker);
    cell(tr, j.run ? `${j.run} #${j.step}` : "");
    cell(tr, when(j.submittedAt));
    cell(tr, jobTook(j), "took");
    cell(tr, j.exitCode);
    tr.addEventListener("click", () => { location.hash = "#job/" + j.id; });
    tb.appendChild(tr);
  }
  const searched = f.state ? [...held.values()].filter(j => j.state === f.state).length : held.size;
  $("#jobs-note").textContent = jobsNote(f, rows.length, searched);
}

/**
 * What the job table leaves out, if anything: the page reads only the newest finished jobs (of
 * the state filtered by, when there is one), and filters by worker, program and run among those.
 */
function jobsNote(f, shown, searched) {
  const h = state.health;
  if (!h) return "";
  const ofState = f.state ? h[f.state.toLowerCase()]
    : h.queued + h.running + h.succeeded + h.failed + h.cancelled;
  const what = f.state ? `${f.state} jobs` : "jobs";
  const partial = searched < ofState ? `${searched} of ${ofState} ${what} read here` : null;
  if (f.worker || f.program || f.run) {
    if (shown === 0) return `No job matches the filters${partial ? " among the " + partial : ""}.`;
    return partial ? `Filtered among the ${partial}.` : "";
  }
  if (ofState === 0) return `No ${what}.`;
  if (shown < ofState) {
    return `Showing ${shown} of ${ofState} ${what}: `
      + (f.state ? "the newest." : `every queued and running one and the newest ${MAX_ROWS} finished.`);
  }
  return "";
}

function drawRuns() {
  const tb = $("#runs tbody");
  tb.replaceChildren();
  for (const r of [...state.runs].sort((a, b) => seq(b.id) - seq(a.id))) {
    const tr = document.createElement("tr");
    tr.dataset.run = r.id;
    [link(r.id, "run"), r.name, r.commands, r.succeeded, r.failed, r.cancelled, r.running, r.queued, r.waiting, r.notRun]
      .forEach(v => cell(tr, v));
    tr.addEventListener("click", () => { location.hash = "#run/" + r.id; });
    tb.appendChild(tr);
  }
  $("#no-runs").hidden = state.runs.length > 0;
}

async function dismiss(id, b) {
  b.disabled = true;
  try {
    await api("POST", id ? `/api/workers/${encodeURIComponent(id)}/dismiss` : "/api/workers/dismiss");
  } catch (e) {
    showError(e);
    b.disabled = false;
  }
}
