// A worker's page (#worker/ID): what it offers, since when, the jobs it runs and holds for its
// next free slot, the jobs it ran last with their exit codes, and its Dismiss button. Its facts
// come from the workers the feed pushes; its recent jobs from /api/jobs?worker=ID.
"use strict";

/** The jobs a worker's page lists as the ones it ran last. */
const WORKER_RECENT = 20;

/** The jobs last given to the worker whose page is open, as last read: {id, jobs}. */
let workerRecent = { id: null, jobs: [] };

/** Shows worker {id}'s page; {again}: read its jobs again (one of them changed). */
async function showWorker(id, again = true) {
  if (!state.workers.some(w => w.id === id)) { // opened by its address: the pool is not read yet
    const [workers, sources] = await Promise.all([api("GET", "/api/workers"), api("GET", "/api/sources")]);
    takeWorkers(workers);
    state.sources = sources;
  }
  const w = state.workers.find(x => x.id === id) || state.spawns.find(x => x.id === id);
  if (again || workerRecent.id !== id) {
    const jobs = await api("GET", `/api/jobs?worker=${encodeURIComponent(id)}&limit=${WORKER_RECENT + 20}`);
    workerRecent = { id, jobs };
  }
  const recent = workerRecent.jobs;
  const byId = new Map(recent.map(j => [j.id, j]));
  setText($("#worker-id"), id);
  const gone = !w;
  // a worker never seen: no job of the master's names it either (a mistyped address)
  const unknown = gone && recent.length === 0;
  setText($("#worker-state"), unknown ? "unknown" : gone ? "gone" : w.state);
  $("#worker-state").className = "state " + (gone ? "lost" : w.state);
  $("#worker-gone").hidden = !gone;
  setText($("#worker-gone"), unknown
    ? "No worker of this id is in the pool, and no job the master keeps ran on one."
    : "It is no longer in the pool: it was dismissed, or lost.");
  const leaving = gone || w.draining || w.state === "draining" || w.state === "retiring" || !w.registeredAt;
  $("#dismiss-worker").hidden = leaving;
  drawFacts($("#worker-facts"), gone ? [] : workerFacts(w));
  const held = gone ? { running: [], waiting: [] } : heldBy(w);
  drawWorkerJobs($("#worker-running tbody"), held.running.map(j => byId.get(j) || state.jobs.get(j) || { id: j }));
  drawWorkerJobs($("#worker-waiting tbody"), held.waiting.map(j => byId.get(j) || state.jobs.get(j) || { id: j }));
  $("#worker-waiting-none").hidden = held.waiting.length > 0;
  $("#worker-running-none").hidden = held.running.length > 0;
  const ended = recent.filter(j => FINAL.has(j.state)).reverse().slice(0, WORKER_RECENT);
  drawWorkerJobs($("#worker-recent tbody"), ended);
  $("#worker-recent-none").hidden = ended.length > 0;
}

function workerFacts(w) {
  const programs = w.executables || [];
  const source = state.sources.find(s => s.name === w.source);
  return [["host", w.host], ["URL", w.url], ["version", w.version],
    ["slots", slotsFact(w), `${w.busy}/${w.slots}`],
    ["memory", w.memoryMb ? `${w.memoryMb} MB` : null],
    ["capabilities", (w.capabilities || []).join(", ") || "none"],
    ["allowed programs", programs.includes("*") ? "any program" : programs.join(" ") || "none"],
    ["registered", zoned(w.registeredAt)], ["source", w.source || "joined by itself"],
    ["launcher", source ? source.launcher : null], ["grid job", w.gridJob], ["spawned", zoned(w.spawnedAt)],
    ["walltime left", walltimeLeft(w)]];
}

/** A worker's slots as blocks, and in words. */
function slotsFact(w) {
  const span = document.createElement("span");
  span.append(slots(w), ` ${w.busy} busy of ${w.slots}`);
  return span;
}

function drawWorkerJobs(tbody, jobs) {
  syncRows(tbody, jobs.map(j => ({ key: j.id, from: JSON.stringify(j), build: () => {
    const tr = document.createElement("tr");
    tr.dataset.job = j.id;
    cell(tr, link(j.id, "job"));
    cell(tr, j.state ? badge(j.state) : "");
    cell(tr, j.command || (j.argv || []).join(" "), "long");
    cell(tr, when(j.startedAt));
    cell(tr, when(j.finishedAt));
    cell(tr, jobTook(j));
    cell(tr, j.exitCode);
    return tr;
  } })));
}
