// The pool page's tables: workers and spawns, worker sources, jobs (filtered) and runs, drawn
// from the dashboard's state (dashboard.js), which calls drawPool when it changed.
"use strict";

function drawSummary() {
  const h = state.health;
  drawTitle();
  if (h) {
    // jobs a worker was given ahead of a free slot are RUNNING to the API, and wait there
    const ahead = state.workers.reduce((n, w) => n + (w.waiting || 0), 0);
    setText($("#summary"), `${plural(state.workers.length, "worker")} \u00b7 ${h.queued} queued \u00b7 `
      + `${h.running - ahead} running` + (ahead ? ` \u00b7 ${ahead} next on a worker` : "")
      + ` \u00b7 ${h.succeeded} succeeded \u00b7 ${h.failed} failed \u00b7 ${h.cancelled} cancelled`);
  }
}

/**
 * The tab's title carries the pool's state, "(3 running, 2 queued) swamp", so that a page in a
 * background tab shows progress; "(reconnecting) swamp" while the master does not answer.
 */
function drawTitle() {
  const h = state.health;
  const ahead = state.workers.reduce((n, w) => n + (w.waiting || 0), 0);
  const busy = h ? [h.running - ahead ? `${h.running - ahead} running` : "", h.queued ? `${h.queued} queued` : ""]
    .filter(Boolean).join(", ") : "";
  const off = $("#live").textContent === "reconnecting" ? "reconnecting" : "";
  const title = off || busy ? `(${off || busy}) swamp` : "swamp";
  if (document.title !== title) document.title = title;
}

/** A worker's jobs: those it runs, and those it holds for its next free slot ("waiting"). */
function heldBy(w) {
  const jobs = w.jobs || [];
  const waiting = Math.min(w.waiting || 0, jobs.length);
  return { running: jobs.slice(0, jobs.length - waiting), waiting: jobs.slice(jobs.length - waiting) };
}

/** A worker's jobs as its row shows them: those it runs, then those it holds for its next free slot. */
function workerJobs(w) {
  const { running, waiting } = heldBy(w);
  return waiting.length ? `${running.join(" ")} \u00b7 next: ${waiting.join(" ")}` : running.join(" ");
}

function drawPool() {
  drawSummary();
  const wb = $("#workers tbody");
  const rows = [...state.workers].sort(byId).concat(state.spawns).map(w => ({ key: w.id,
    from: JSON.stringify([w, walltimeLeft(w)]), build: () => workerRow(w) }));
  const h = state.health;
  if (h && h.local && h.localExec !== "never") {
    rows.push({ key: "master", from: JSON.stringify([h.local, h.localExec, h.workers]), build: ownWorker });
  }
  syncRows(wb, rows);
  $("#no-workers").hidden = wb.children.length > 0;
  $("#dismiss-all").disabled = !state.workers.some(w => !w.draining); // the master's own is never dismissed
  syncRows($("#sources tbody"), state.sources.map(s => ({ key: s.name, from: JSON.stringify(s), build: () => {
    const tr = document.createElement("tr");
    tr.dataset.source = s.name;
    [s.name, s.launcher, s.registered, s.pending, s.spawned, s.failed, when(s.backingOffUntil)]
      .forEach(v => cell(tr, v));
    cell(tr, s.lastFailure || "", "long");
    return tr;
  } })));
  $("#no-sources").hidden = state.sources.length > 0;
  drawJobs();
  drawRuns();
}

/** Workers in the order of their ids, w2 before w10: a pool of 50 in the order they joined is hard to search. */
const byId = (a, b) => a.id.localeCompare(b.id, "en", { numeric: true });

function workerRow(w) {
  const tr = document.createElement("tr");
  tr.dataset.worker = w.id;
  cell(tr, link(w.id, "worker"));
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
  tr.addEventListener("click", () => { if (!selecting()) location.hash = "#worker/" + w.id; });
  return tr;
}

/**
 * The master's own worker, which runs jobs under local-exec (when there is no worker, or
 * always): a row of its own, with no Dismiss button, else its jobs would seem to run nowhere.
 */
function ownWorker() {
  const h = state.health;
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

/**
 * Rows of the job table on one of its pages: the page holds up to 5,500 jobs, and a table of them
 * all took seconds to draw on a busy machine, during which the page did not answer.
 */
const JOBS_PER_PAGE = 100;
/** The page of the job table shown, 0 for the newest jobs. */
let jobsPage = 0;

function drawJobs() {
  const f = { state: $("#f-state").value, worker: $("#f-worker").value.trim(),
    program: $("#f-program").value.trim(), run: $("#f-run").value.trim() };
  const held = state.ofState && state.ofState.state === f.state
    ? new Map([...state.ofState.jobs, ...state.jobs]) : state.jobs;
  const rows = [...held.values()].filter(j => (!f.state || j.state === f.state)
      && (!f.worker || (j.worker || "").includes(f.worker))
      && (!f.program || programs(j).some(p => p.includes(f.program)))
      && (!f.run || (j.run || "") === f.run))
    .map(j => [seq(j.id), j]).sort((a, b) => b[0] - a[0]).map(([, j]) => j);
  const pages = Math.max(1, Math.ceil(rows.length / JOBS_PER_PAGE));
  jobsPage = Math.max(0, Math.min(jobsPage, pages - 1));
  const first = jobsPage * JOBS_PER_PAGE;
  const page = rows.slice(first, first + JOBS_PER_PAGE);
  syncRows($("#jobs tbody"), page.map(j => ({ key: j.id, from: JSON.stringify(j), build: () => jobRow(j) })));
  $("#jobs-pager").hidden = pages === 1;
  setText($("#jobs-range"), `${first + 1}\u2013${first + page.length} of ${rows.length}`);
  $("#jobs-newer").disabled = jobsPage === 0;
  $("#jobs-older").disabled = jobsPage === pages - 1;
  const searched = f.state ? [...held.values()].filter(j => j.state === f.state).length : held.size;
  setText($("#jobs-note"), jobsNote(f, rows.length, searched));
}

/** Shows the job table's page {page} (0: the newest jobs), from a filter's first when it changed. */
function showJobsPage(page) {
  jobsPage = page;
  drawJobs();
}

/** The programs a job runs: its own, and its pipeline's stages'. */
const programs = j => [j.argv[0] || "", ...(j.pipeline || []).map(s => s.argv[0] || "")];

function jobRow(j) {
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
  cell(tr, j.worker, "worker");
  cell(tr, j.run ? `${j.run} #${j.step}` : "", "run");
  cell(tr, dayAndTime(j.submittedAt), "submitted");
  cell(tr, jobTook(j), "took");
  cell(tr, j.exitCode, "exit");
  tr.addEventListener("click", () => { if (!selecting()) location.hash = "#job/" + j.id; });
  return tr;
}

/** A time as its day and its time of day, the day left out where the table is narrow (dashboard.css). */
function dayAndTime(t) {
  const [day, time] = when(t).split(" ");
  const span = document.createElement("span");
  if (time) span.append(Object.assign(document.createElement("span"), { className: "day", textContent: day + " " }), time);
  else span.textContent = day;
  return span;
}

/** Whether the user is selecting text (to copy it): a click that ends a selection opens nothing. */
const selecting = () => String(window.getSelection()).length > 0;

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
    const active = h.queued + h.running > MAX_ACTIVE ? `the newest ${MAX_ACTIVE} queued and running`
      : "every queued and running one";
    return `Showing ${shown} of ${ofState} ${what}: `
      + (f.state ? "the newest." : `${active} and the newest ${MAX_ROWS} finished.`);
  }
  return "";
}

function drawRuns() {
  const runs = [...state.runs].sort((a, b) => seq(b.id) - seq(a.id));
  syncRows($("#runs tbody"), runs.map(r => ({ key: r.id, from: JSON.stringify(r), build: () => {
    const tr = document.createElement("tr");
    tr.dataset.run = r.id;
    [link(r.id, "run"), r.name, r.commands, r.succeeded, r.failed, r.cancelled, r.running, r.queued, r.waiting, r.notRun]
      .forEach(v => cell(tr, v));
    tr.addEventListener("click", () => { if (!selecting()) location.hash = "#run/" + r.id; });
    return tr;
  } })));
  $("#no-runs").hidden = state.runs.length > 0;
}
