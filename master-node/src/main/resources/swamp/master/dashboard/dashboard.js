// The dashboard: it reads the pool once from the API, then follows the master's live feed
// (/api/events, one server-sent-event stream) and redraws what changed. It polls nothing.
"use strict";
const $ = sel => document.querySelector(sel);
const FINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
/** Finished jobs the page holds, the newest; it holds every queued and running job besides. */
const MAX_ROWS = 500;
/** Queued and running jobs the page reads at most (the newest). */
const MAX_ACTIVE = 5000;
const state = { jobs: new Map(), ofState: null, workers: [], spawns: [], sources: [], spawnedBy: {}, runs: [], health: null,
  workerIds: "", plot: null, ratePlot: null, series: [[], [], [], []], historyOf: null, lastFinished: null, lastTick: 0,
  touchedJobs: new Set(), touchedRuns: new Set(), runsStale: false, dirty: false, job: null, run: null };

// ---- the API ----

/** Asks the master; {body}, if any, is sent as JSON. */
async function api(method, path, body) {
  const headers = method === "GET" ? {} : { "X-Swamp-Request": "1" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(path, { method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 401) {
    showTokenForm();
    throw new Error("the API token is needed");
  }
  const answer = await r.json().catch(() => ({}));
  if (!r.ok) throw Object.assign(new Error(answer.error || `${method} ${path}: ${r.status}`), { status: r.status });
  return answer;
}

function showTokenForm(problem) {
  $("#token-needed").hidden = false;
  $("#token-wrong").hidden = !problem;
  $("#token-wrong").textContent = problem || "";
  $("#live").className = "off";
  $("#live").textContent = "no token";
  PAGES.forEach(s => { $(s).hidden = true; });
  $("#token").focus();
}

/** Says what went wrong under the header, with {more} after it (text and elements). */
function showError(e, more = []) {
  $("#error").hidden = false;
  $("#error").replaceChildren(String(e.message || e), ...more);
}

/** Why a page's job or run is not found (a bookmark, a link from a terminal), and the way back. */
const NOT_FOUND = { "#job": ": it was never submitted to this master, or it ended long ago and the master no"
  + " longer keeps it (it keeps the newest finished jobs, swamp.master.retain-finished). ",
  "#run": ": it was never sent to this master, or the master no longer keeps it. " };

async function loadPool() {
  await snapshot(() => Promise.all([readJobs(),
    api("GET", "/api/workers"), api("GET", "/api/sources"), api("GET", "/api/runs"),
    api("GET", "/api/health")]), ([jobs, workers, sources, runs, health]) => {
    state.jobs = jobs;
    takeWorkers(workers);
    state.spawnedBy = Object.fromEntries(workers.filter(w => w.source).map(w => [w.id, w.source]));
    state.sources = sources;
    state.runs = runs;
    state.health = health;
  });
  await readStateFilter();
  drawPool();
  readHistory().catch(showError);
}

/** The newest finished jobs and every queued and running one, by id. */
async function readJobs() {
  const [recent, active] = await Promise.all([api("GET", "/api/jobs?limit=" + MAX_ROWS),
    api("GET", "/api/jobs?state=QUEUED,RUNNING&limit=" + MAX_ACTIVE)]);
  return new Map([...recent, ...active].map(j => [j.id, j]));
}

/**
 * The jobs of the state the table is filtered by, as the master has them: the page holds only
 * the newest finished ones, and older ones of that state would be missing from the table.
 */
async function readStateFilter() {
  const wanted = $("#f-state").value;
  if (!wanted) {
    state.ofState = null;
    return;
  }
  await snapshot(() => api("GET", `/api/jobs?state=${wanted}&limit=${MAX_ROWS}`), jobs => {
    if ($("#f-state").value === wanted) state.ofState = { state: wanted, jobs: new Map(jobs.map(j => [j.id, j])) };
  });
}

function takeWorkers(workers) {
  state.spawns = workers.filter(w => !w.registeredAt);
  state.workers = workers.filter(w => w.registeredAt);
  state.workerIds = ids(state.workers);
}

/**
 * The pool's counts for the header's summary and the tab's title, read for a job's, run's or
 * worker's page: opened by its address, it showed neither until the feed pushed a change.
 */
async function readCounts() {
  await snapshot(() => Promise.all([api("GET", "/api/health"), api("GET", "/api/workers")]),
    ([health, workers]) => {
      state.health = health;
      takeWorkers(workers);
    });
  drawSummary();
}

/**
 * What the feed pushed while a snapshot was being read: the snapshot may be older than any of
 * it (a slow answer, a master that restarted), so it is applied again over the snapshot. Kept
 * while any read is under way, from the first read's start.
 */
const pushedDuringReads = { log: [], start: 0, reads: 0 };

/** Reads with {@code read}, takes the answer with {@code take}, then applies what was pushed meanwhile. */
async function snapshot(read, take) {
  const p = pushedDuringReads;
  p.reads++;
  const from = p.start + p.log.length;
  try {
    take(await read());
    p.log.slice(from - p.start).forEach(apply);
  } finally {
    if (--p.reads === 0) {
      p.start += p.log.length;
      p.log = [];
    }
  }
}

const ids = workers => workers.map(w => w.id).sort().join(",");

// ---- the live feed ----

let retryMs = 1000;

function follow() {
  const events = new EventSource("/api/events", { withCredentials: true });
  events.addEventListener("open", () => {
    retryMs = 1000;
    if ($("#live").textContent === "reconnecting") announce("The master answers again.");
    $("#live").className = "on";
    $("#live").textContent = "live";
    route(); // read everything again: what changed while the feed was down is in it
  });
  events.addEventListener("error", () => {
    if ($("#live").textContent === "live") announce("The master does not answer: reconnecting.");
    $("#live").className = "off";
    $("#live").textContent = "reconnecting";
    drawTitle();
    if (events.readyState !== EventSource.CLOSED) return; // the browser tries again by itself
    // an answer that is not the feed (401 after a master restarted with another token, 503 from
    // a standby): the browser gives up on it, so the page asks the master what is wrong (a 401
    // shows the token form) and follows again, waiting longer each time up to half a minute
    events.close();
    setTimeout(() => api("GET", "/api/health").then(follow, () => {
      if ($("#token-needed").hidden) setTimeout(follow, retryMs);
    }), retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  });
  events.addEventListener("pool", e => onUpdate(JSON.parse(e.data)));
}

/**
 * A registered worker as the feed pushes it (the dispatcher's view) keeps what only the worker
 * directory knows, as the page last read it: its source, grid job, spawn time, and "retiring".
 */
function keepDirectoryFields(fresh) {
  const prev = state.workers.find(w => w.id === fresh.id) || {};
  return { ...fresh,
    source: state.spawnedBy[fresh.id] || fresh.source || prev.source,
    gridJob: fresh.gridJob || prev.gridJob,
    spawnedAt: fresh.spawnedAt || prev.spawnedAt,
    state: fresh.state === "registered" && prev.state === "retiring" ? "retiring" : fresh.state };
}

async function onUpdate(u) {
  if (pushedDuringReads.reads > 0) pushedDuringReads.log.push(u);
  const before = state.workerIds;
  countEnds(u.jobs);
  apply(u);
  if (u.workers && state.workerIds !== before) {
    announceWorkers(before, state.workerIds);
    // someone joined or left: the directory's spawns and sources moved too
    await snapshot(() => Promise.all([api("GET", "/api/workers"), api("GET", "/api/sources")]),
      ([workers, sources]) => { takeWorkers(workers); state.sources = sources; });
  }
  if (u.resync) {
    await snapshot(readJobs, jobs => { state.jobs = jobs; });
  }
  state.runsStale ||= u.runsChanged || u.jobs.some(j => j.run);
  u.jobs.forEach(j => { state.touchedJobs.add(j.id); if (j.run) state.touchedRuns.add(j.run); });
  state.dirty = true;
  redrawSoon();
}

/** Jobs that ended since the last announcement, by state: said at most every {@link ENDS_EVERY_MS}. */
let ended = {}, endsSaidAt = 0, endsLater = null;
const ENDS_EVERY_MS = 10000;

function countEnds(jobs) {
  for (const j of jobs) {
    const before = state.jobs.get(j.id);
    if (FINAL.has(j.state) && !(before && FINAL.has(before.state))) ended[j.state] = (ended[j.state] || 0) + 1;
  }
}

/** Says which jobs ended since it last said so, at most every ten seconds: a busy pool is not read out job by job. */
function announceEnds() {
  const n = Object.values(ended).reduce((a, b) => a + b, 0);
  const wait = endsSaidAt + ENDS_EVERY_MS - Date.now();
  if (n > 0 && wait > 0 && !endsLater) endsLater = setTimeout(() => { endsLater = null; announceEnds(); }, wait);
  if (n === 0 || wait > 0) return;
  announce(`${plural(n, "job")} ended: ` + Object.entries(ended).map(([s, k]) => `${k} ${s.toLowerCase()}`).join(", ") + ".");
  ended = {};
  endsSaidAt = Date.now();
}

function announceWorkers(before, after) {
  const was = new Set(before.split(",").filter(Boolean)), is = new Set(after.split(",").filter(Boolean));
  const joined = [...is].filter(w => !was.has(w)), left = [...was].filter(w => !is.has(w));
  if (joined.length) announce(`Worker${joined.length > 1 ? "s" : ""} ${joined.join(", ")} joined.`);
  if (left.length) announce(`Worker${left.length > 1 ? "s" : ""} ${left.join(", ")} left.`);
}

/** A pushed update over the page's state: what it says is newer than what the page holds. */
function apply(u) {
  u.jobs.forEach(j => {
    state.jobs.set(j.id, j);
    if (state.ofState && state.ofState.jobs.has(j.id)) state.ofState.jobs.set(j.id, j);
  });
  trimJobs();
  if (u.health) state.health = u.health;
  if (u.directory) { // the worker directory changed: its spawns and sources, as pushed
    state.spawns = u.directory.pending;
    state.sources = u.directory.sources;
    state.spawnedBy = { ...state.spawnedBy, ...u.directory.spawnedBy };
    state.workers = state.workers.map(w => ({ ...w, source: state.spawnedBy[w.id] || w.source }));
  }
  if (u.workers) {
    state.workers = u.workers.map(keepDirectoryFields);
    state.workerIds = ids(state.workers);
  }
}

/**
 * Redraws what the updates since the last redraw changed, at most once a second: a busy pool
 * pushes several updates a second, and drawing the tables again for each kept the page busy.
 */
let redrawAt = null;
const REDRAW_EVERY_MS = 1000;

function redrawSoon() {
  if (redrawAt !== null) return;
  redrawAt = setTimeout(async () => {
    try {
      await redraw();
    } catch (e) {
      showError(e);
    } finally {
      setTimeout(() => { redrawAt = null; if (state.dirty) redrawSoon(); }, REDRAW_EVERY_MS);
    }
  }, 0);
}

async function redraw() {
  state.dirty = false;
  const jobs = state.touchedJobs, runs = state.touchedRuns;
  state.touchedJobs = new Set();
  state.touchedRuns = new Set();
  if (state.runsStale) {
    state.runsStale = false;
    state.runs = await api("GET", "/api/runs");
  }
  drawSummary();
  announceEnds();
  const page = location.hash.split("/");
  if (page[0] === "#job" && jobs.has(page[1])) await showJob(page[1]);
  else if (page[0] === "#run" && runs.has(page[1])) await showRun(page[1]);
  else if (page[0] === "#worker") {
    const id = decodeURIComponent(page[1]);
    await showWorker(id, [...jobs].some(j => (state.jobs.get(j) || {}).worker === id));
  } else if (!PAGES.includes(page[0]) || page[0] === "#pool") drawPool();
}

/**
 * Drops the oldest finished jobs beyond {@link MAX_ROWS}, and the oldest queued and running ones
 * beyond {@link MAX_ACTIVE}: the feed pushes each job submitted, 20,000 of them for a big batch.
 */
function trimJobs() {
  const finished = [], active = [];
  state.jobs.forEach(j => (FINAL.has(j.state) ? finished : active).push(j));
  [[finished, MAX_ROWS], [active, MAX_ACTIVE]].forEach(([jobs, keep]) => {
    if (jobs.length > keep) jobs.sort((a, b) => seq(b.id) - seq(a.id)).slice(keep).forEach(j => state.jobs.delete(j.id));
  });
}

/** A job's or a run's number: j12 -> 12, r3 -> 3. */
const seq = id => Number(id.replace(/^[a-z]+/, "")) || 0;

// ---- a job, a run ----

async function showRun(id) {
  const r = await api("GET", "/api/runs/" + encodeURIComponent(id));
  state.run = r;
  if ($("#run-cancelled").dataset.run !== r.id) $("#run-cancelled").hidden = true; // another run's
  $("#cancel-run").hidden = !r.commands.some(c => c.job && (c.state === "QUEUED" || c.state === "RUNNING"));
  $("#run-id").textContent = r.id;
  $("#run-name").textContent = r.name;
  $("#graph-node").dataset.run = r.id;
  SwampGraph.draw($("#graph"), r.commands, $("#graph-node"));
  SwampGraph.summarize($("#run-summary"), r.commands, $("#graph-node"));
}

/** The page's views: the pool, and one job's, run's or worker's page (#job/ID, #run/ID, #worker/ID). */
const PAGES = ["#pool", "#job", "#run", "#worker"];

/** How far the pool's page was scrolled when another page opened: back on the pool, it is there again. */
let poolScrollY = 0;

async function route() {
  $("#error").hidden = true;
  const from = PAGES.find(s => !$(s).hidden);
  if (from === "#pool") poolScrollY = window.scrollY;
  const page = location.hash.split("/");
  const show = PAGES.includes(page[0]) && page[0] !== "#pool" ? page[0] : "#pool";
  try {
    if (show !== "#pool") await readCounts();
    if (show === "#job") await showJob(page[1]);
    else if (show === "#run") await showRun(page[1]);
    else if (show === "#worker") await showWorker(decodeURIComponent(page[1]));
    else await loadPool();
    PAGES.forEach(s => { $(s).hidden = s !== show; });
    if (from !== show) window.scrollTo(0, show === "#pool" ? poolScrollY : 0); // another page opens at its top
  } catch (e) {
    if (!$("#token-needed").hidden) return;
    const back = Object.assign(document.createElement("a"), { href: "#pool", textContent: "Back to the pool" });
    showError(e, e.status === 404 && NOT_FOUND[show] ? [NOT_FOUND[show], back] : []);
    if (show !== "#pool") PAGES.forEach(s => { $(s).hidden = true; });
  }
}

// ---- start ----

$("#token-form").addEventListener("submit", e => {
  e.preventDefault();
  // the page asked for (a bookmarked job's, #job/j12) opens once the master took the token
  location.href = "/?token=" + encodeURIComponent($("#token").value) + location.hash;
});
$("#dismiss-all").addEventListener("click", e => dismissAll(e.target));
$("#cancel").addEventListener("click", e => cancelJob(e.target));
$("#cancel-run").addEventListener("click", e => cancelRun(e.target));
$("#dismiss-worker").addEventListener("click", e => dismiss($("#worker-id").textContent, e.target));
["#f-worker", "#f-program", "#f-run"].forEach(s => $(s).addEventListener("input", () => showJobsPage(0)));
$("#f-state").addEventListener("change", () => readStateFilter().then(() => showJobsPage(0), showError));
$("#jobs-newer").addEventListener("click", () => showJobsPage(jobsPage - 1));
$("#jobs-older").addEventListener("click", () => showJobsPage(jobsPage + 1));
window.addEventListener("hashchange", route);
setInterval(tick, 1000);
// a token in the address that is still there was not taken (a right one leaves it, kept in a cookie)
const tokenGiven = new URLSearchParams(location.search).has("token");
if (tokenGiven) history.replaceState(null, "", "/" + location.hash);
api("GET", "/api/health").then(follow).catch(() => {
  if (tokenGiven && !$("#token-needed").hidden) showTokenForm("That is not this master's API token.");
});
